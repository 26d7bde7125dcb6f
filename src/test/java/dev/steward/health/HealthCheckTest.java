package dev.steward.health;

import dev.steward.control.ProcessInfo;
import dev.steward.manifest.ManifestError;
import dev.steward.manifest.ProgramSpec;
import dev.steward.manifest.RestartPolicy;
import dev.steward.supervise.Specs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@TestProfile(FakeControlProfile.class)
class HealthCheckTest {
    @Inject
    FakeControl control;

    @BeforeEach
    void reset() {
        control.reset();
    }

    @Test
    void liveWhileTheOwnerAnswers() {
        given().get("/q/health/live").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("supervision-owner"));
    }

    @Test
    void notLiveWhenTheOwnerIsStuck() {
        control.responsive(false);
        given().get("/q/health/live").then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'supervision-owner' }.data.owner", equalTo("does not answer within 1s"));
    }

    @Test
    void startedOnceManifestsAreLoaded() {
        control.loaded(false);
        given().get("/q/health/started").then().statusCode(503).body("status", equalTo("DOWN"));
        control.loaded(true);
        given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void notReadyBeforeManifestsAreLoaded() {
        control.loaded(false);
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'programs' }.data.manifests", equalTo("not read yet"));
    }

    @Test
    void readyWhenEveryAutostartProcessRuns() {
        control.program(FakeControl.spec("web", 2), "RUNNING", "RUNNING");
        control.program(FakeControl.spec("worker", 1), "RUNNING");
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'programs' }.data.web", equalTo("2/2 RUNNING"))
                .body("checks.find { it.name == 'programs' }.data.worker", equalTo("1/1 RUNNING"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"BACKOFF", "FATAL", "STARTING", "EXITED", "STOPPED"})
    void notReadyWhileAnAutostartProcessIsNotRunning(String state) {
        control.program(FakeControl.spec("web", 2), "RUNNING", state);
        given().get("/q/health/ready").then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'programs' }.data.web", equalTo("1/2 RUNNING; web-1 " + state));
    }

    @Test
    void aOneShotThatExitedAsExpectedCountsAsDoneButOneThatFailedDoesNot() {
        var spec = Specs.program("migrate").restartPolicy(RestartPolicy.Never).build();
        control.program(spec, List.of(exited(spec, 0, true)));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'programs' }.data.migrate", equalTo("0/1 RUNNING; migrate EXITED (completed)"));

        control.program(spec, List.of(exited(spec, 0, false)));
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'programs' }.data.migrate", equalTo("0/1 RUNNING; migrate EXITED"));
    }

    @Test
    void anExpectedExitThatAlwaysRestartsIsNotDone() {
        // restartPolicy Always: the process is about to start again (a second after its start at the latest)
        var spec = Specs.program("poller").restartPolicy(RestartPolicy.Always).build();
        control.program(spec, List.of(exited(spec, 0, true)));
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'programs' }.data.poller", equalTo("0/1 RUNNING; poller EXITED"));
    }

    private static ProcessInfo exited(ProgramSpec spec, int index, boolean expected) {
        ProcessInfo process = FakeControl.process(spec, index, "EXITED", false, 0);
        var exit = new ProcessInfo.LastExit(Optional.of(expected ? 0 : 1), Optional.empty(), expected,
                expected ? "Completed" : "Error", Instant.now());
        return new ProcessInfo(process.name(), process.program(), process.index(), process.state(), process.stateCode(), 0,
                process.startedAt(), Optional.of(Instant.now()), Optional.empty(), 0, Optional.of(exit), Optional.empty(), false,
                ProcessInfo.Removal.NONE, false, false, Optional.empty(), Optional.empty(), Optional.empty(), process.labels(), process.command());
    }

    @Test
    void aManifestDirectoryThatCannotBeListedIsReportedWhileItsProgramsAreJudgedAsUsual() {
        control.program(FakeControl.spec("web", 1), "RUNNING");
        control.directoryProblem("cannot list the manifest directory /srv/manifests (permission denied: ...)");
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'programs' }.data.'manifest directory'",
                        equalTo("cannot list the manifest directory /srv/manifests (permission denied: ...)"));

        control.remove("web"); // nothing runs: gone, its programs stopped (or it held none)
        given().get("/q/health/ready").then().statusCode(503);
        control.directoryProblem(null);
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'programs' }.data.'manifest directory'", nullValue());
    }

    @Test
    void processesStoppedByHandDoNotCount() {
        var spec = FakeControl.spec("web", 2);
        control.program(spec, List.of(FakeControl.process(spec, 0, "RUNNING", false, 0),
                FakeControl.process(spec, 1, "STOPPED", true, 0)));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'programs' }.data.web", equalTo("1/1 RUNNING; 1 stopped by hand"));
    }

    @Test
    void programsWithoutAutostartAreNotRequired() {
        control.program(Specs.program("batch").autostart(false).build(), "STOPPED");
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'programs' }.data.batch", equalTo("0/1 RUNNING; batch STOPPED (autostart false: not required)"));
    }

    @Test
    void aProgramWaitingForItsRemovedNamesakeIsNotReadyYet() {
        control.program(FakeControl.spec("web", 1), "RUNNING");
        control.waitingProgram(FakeControl.spec("dd", 2));
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'programs' }.data.dd",
                        equalTo("0/2 RUNNING; waiting for the processes of the removed program of its name to stop"));

        control.waitingProgram(Specs.program("dd").autostart(false).build());
        given().get("/q/health/ready").then().statusCode(200);
        control.waitingProgram(FakeControl.spec("dd", 0));
        given().get("/q/health/ready").then().statusCode(200) // scaled to 0 while it waits: nothing to wait for
                .body("checks.find { it.name == 'programs' }.data.dd", equalTo("0/0 RUNNING"));
    }

    @Test
    void retiringInstancesAfterAScaleDownAreNotJudged() {
        var spec = FakeControl.spec("web", 1);
        control.program(spec, List.of(FakeControl.process(spec, 0, "RUNNING", false, 0),
                FakeControl.process(FakeControl.spec("web", 2), 1, "STOPPING", false, 0)));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'programs' }.data.web", equalTo("1/1 RUNNING"));
    }

    @Test
    void anInvalidFileWhoseLastGoodProgramsRunIsListedWithoutMakingTheDaemonUnready() {
        control.program(FakeControl.spec("web", 1), "RUNNING"); // from manifests/web.yaml
        control.addError(new ManifestError(Path.of("manifests/web.yaml"), 9, 13, "spec.replicas", "must be a whole number (got \"many\")"));
        control.addError(new ManifestError(Path.of("manifests/web.yaml"), 12, 3, "spec.bogus", "unknown field"));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'programs' }.data.'manifests/web.yaml'",
                        equalTo("invalid at 9:13: spec.replicas: must be a whole number (got \"many\")"))
                .body("checks.find { it.name == 'programs' }.data.manifests", nullValue());
    }

    @Test
    void anInvalidFileWithNothingInForceMakesTheDaemonUnready() {
        // broken when the daemon started, or new and never valid: what it asks for is not running
        control.program(FakeControl.spec("web", 1), "RUNNING");
        control.addError(new ManifestError(Path.of("manifests/broken.yaml"), 0, 0, "", "cannot read the file"));
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'programs' }.data.'manifests/broken.yaml'",
                        equalTo("invalid: cannot read the file (nothing from this file runs)"))
                .body("checks.find { it.name == 'programs' }.data.web", equalTo("1/1 RUNNING"));
    }
}
