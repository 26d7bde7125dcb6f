package dev.steward.api;

import static dev.steward.api.ApiFixture.apply;
import static dev.steward.api.ApiFixture.awaitState;
import static dev.steward.api.ApiFixture.manifest;
import static dev.steward.api.ApiFixture.sleeper;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** start, stop, restart and signal, by target and by selector, and every way to ask wrongly. */
@QuarkusTest
class ApiActionsTest {

    @BeforeEach
    @AfterEach
    void cleanUp() throws IOException {
        ApiFixture.cleanUp();
    }

    @Test
    void stopStartRestartAndSignal() {
        apply(sleeper("api-act", "replicas: 2")).statusCode(200);
        awaitState("api-act-0", "RUNNING");
        awaitState("api-act-1", "RUNNING");

        given().post("/api/v1/actions/stop?target=api-act-0&timeout=10").then().statusCode(200)
                .body("ok", equalTo(true))
                .body("items", hasSize(1))
                .body("items[0].name", equalTo("api-act-0"))
                .body("items[0].program", equalTo("api-act"))
                .body("items[0].ok", equalTo(true))
                .body("items[0].state", equalTo("STOPPED"));
        given().get("/api/v1/processes/api-act-0").then()
                .body("stoppedByHand", equalTo(true))
                .body("pid", equalTo(null))
                // Supervisor shows the stop time, e.g. "Nov 22 04:00 AM"
                .body("description", matchesPattern("[A-Z][a-z]{2} \\d\\d \\d\\d:\\d\\d [AP]M"));

        given().post("/api/v1/actions/start?target=api-act").then().statusCode(200)
                .body("ok", equalTo(true))
                .body("items.name", contains("api-act-0", "api-act-1"))
                .body("items.state", contains("RUNNING", "RUNNING"))
                .body("items[1].message", equalTo("already running"));

        int pid = given().get("/api/v1/processes/api-act-1").jsonPath().getInt("pid");
        given().post("/api/v1/actions/restart?selector=app=api-act").then().statusCode(200)
                .body("items", hasSize(0)); // no such label: nothing matched
        given().post("/api/v1/actions/restart?target=api-act-1").then().statusCode(200)
                .body("ok", equalTo(true)).body("items[0].state", equalTo("RUNNING"));
        given().get("/api/v1/processes/api-act-1").then().body("pid", not(equalTo(pid)));

        given().post("/api/v1/actions/signal?selector=suite=api&signal=SIGCONT").then().statusCode(200)
                .body("ok", equalTo(true))
                .body("items.name", contains("api-act-0", "api-act-1"))
                .body("items[0].message", equalTo("sent SIGCONT"));
        given().post("/api/v1/actions/signal?target=api-act-0,api-act-1&signal=18").then().statusCode(200)
                .body("items", hasSize(2));
    }

    /** As supervisord's signalAllProcesses and signalProcessGroup: what is not running is skipped, not a failure. */
    @Test
    void aSignalToAProgramOrASelectorSkipsProcessesThatAreNotRunning() {
        apply(sleeper("api-sig", "replicas: 2")).statusCode(200);
        apply(manifest("api-sig-once", "suite: api", "exit 0", "restartPolicy: Never")).statusCode(200);
        awaitState("api-sig-0", "RUNNING");
        awaitState("api-sig-1", "RUNNING");
        awaitState("api-sig-once", "EXITED");
        given().post("/api/v1/actions/stop?target=api-sig-1&timeout=10").then().statusCode(200).body("ok", equalTo(true));

        given().post("/api/v1/actions/signal?target=api-sig&signal=CONT").then().statusCode(200)
                .body("ok", equalTo(true))
                .body("items.name", contains("api-sig-0", "api-sig-1"))
                .body("items.message", contains("sent SIGCONT", "not running (STOPPED); skipped"));
        given().post("/api/v1/actions/signal?selector=suite=api&signal=CONT").then().statusCode(200)
                .body("ok", equalTo(true))
                .body("items.message", contains("sent SIGCONT", "not running (STOPPED); skipped", "not running (EXITED); skipped"));
        given().post("/api/v1/actions/signal?target=api-sig-once&signal=CONT").then().statusCode(200)
                .body("ok", equalTo(false))
                .body("items[0].message", equalTo("not running (EXITED); nothing to signal"));
        given().post("/api/v1/actions/signal?target=api-sig:api-sig-1&signal=CONT").then().statusCode(200)
                .body("ok", equalTo(false));
    }

    @Test
    void aFailedStartIs200WithOkFalse() {
        apply(manifest("api-fail", "suite: api", "exit 3", "autostart: false", "startRetries: 0")
                .replace("startSeconds: 0", "startSeconds: 1")).statusCode(200);
        awaitState("api-fail", "STOPPED");
        given().get("/api/v1/processes/api-fail").then().body("description", equalTo("Not started"));
        given().post("/api/v1/actions/start?target=api-fail").then().statusCode(200)
                .body("ok", equalTo(false))
                .body("items[0].ok", equalTo(false));
    }

    @Test
    void aRestartLeavesTheProcessesAfterOneThatDidNotComeBackAndSaysSoWithout504() {
        // api-left-0 fails at once; api-left-1 is still STARTING (30 s to go) when its turn would come.
        apply(manifest("api-left", "suite: api", "[ $STEWARD_PROCESS_INDEX = 0 ] && exit 3; exec sleep 1000", "replicas: 2",
                "startRetries: 0").replace("startSeconds: 0", "startSeconds: 30")).statusCode(200);
        awaitState("api-left-0", "FATAL");
        given().post("/api/v1/actions/restart?target=api-left&timeout=20").then().statusCode(200)
                .body("ok", equalTo(false))
                .body("items.name", contains("api-left-0", "api-left-1"))
                .body("items[1].state", equalTo("STARTING"))
                .body("items[1].message", containsString("not restarted: api-left-0 did not come back"));
    }

    @Test
    void anActionStillUnderWayAtTheTimeoutIs504WithTheResults() {
        apply(sleeper("api-slow", "autostart: false").replace("startSeconds: 0", "startSeconds: 5")).statusCode(200);
        awaitState("api-slow", "STOPPED");
        given().post("/api/v1/actions/start?target=api-slow&timeout=0.3").then().statusCode(504)
                .contentType("application/problem+json")
                .body("code", equalTo("Timeout"))
                .body("detail", containsString("0.3 s"))
                .body("ok", equalTo(false))
                .body("items[0].name", equalTo("api-slow"))
                .body("items[0].state", equalTo("STARTING"));
    }

    @Test
    void badRequestsAreExplained() {
        apply(sleeper("api-x")).statusCode(200);
        awaitState("api-x", "RUNNING");
        given().post("/api/v1/actions/stop").then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("BadRequest"))
                .body("detail", containsString("target=NAME"));
        given().post("/api/v1/actions/stop?target=api-nope").then().statusCode(404)
                .body("code", equalTo("NotFound")).body("detail", containsString("api-nope"));
        given().post("/api/v1/actions/stop?selector=tier=,=x").then().statusCode(400)
                .body("code", equalTo("BadRequest")).body("detail", containsString("bad selector term"));
        given().post("/api/v1/actions/stop?target=api-x&selector=tier=web").then().statusCode(400)
                .body("detail", containsString("not both"));
        given().post("/api/v1/actions/signal?target=api-x&signal=BOGUS").then().statusCode(400)
                .body("code", equalTo("BadRequest")).body("detail", containsString("unknown signal"));
        given().post("/api/v1/actions/signal?target=api-x&signal=99").then().statusCode(400)
                .body("detail", containsString("out of range"));
        given().post("/api/v1/actions/signal?target=api-x").then().statusCode(400)
                .body("detail", containsString("signal=NAME"));
        given().post("/api/v1/actions/stop?target=api-x&timeout=soon").then().statusCode(400)
                .body("detail", containsString("timeout must be a number of seconds"));
        given().post("/api/v1/actions/stop?target=api-x&timeout=0").then().statusCode(400);
        given().post("/api/v1/actions/reboot?target=api-x").then().statusCode(404)
                .body("code", equalTo("NotFound")).body("detail", containsString("start, stop, restart or signal"));
        // nothing above touched it
        given().get("/api/v1/processes/api-x").then().body("state", equalTo("RUNNING"));
    }

    @Test
    void anActionNamingAThousandProcessesIsReadNotRefusedForItsLength() {
        // steward stop $(steward get processes -o name): about 250 names passed Vert.x' 4096-byte request line, an empty 414.
        StringBuilder targets = new StringBuilder("target=api-x");
        for (int i = 0; i < 1000; i++) {
            targets.append("&target=api-gone-").append(i);
        }
        given().post("/api/v1/actions/stop?" + targets).then().statusCode(404)
                .body("code", equalTo("NotFound")).body("detail", containsString("api-gone-0"));
    }
}
