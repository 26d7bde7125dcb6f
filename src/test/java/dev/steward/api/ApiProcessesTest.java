package dev.steward.api;

import static dev.steward.api.ApiFixture.apply;
import static dev.steward.api.ApiFixture.awaitState;
import static dev.steward.api.ApiFixture.manifest;
import static dev.steward.api.ApiFixture.sleeper;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Processes: list, get, filters, and logs (tail, bytes, follow). */
@QuarkusTest
class ApiProcessesTest {

    @Inject
    LogFollower follower;

    @BeforeEach
    @AfterEach
    void cleanUp() throws IOException {
        ApiFixture.cleanUp();
    }

    /** A logs request with follow=true, its body still open. */
    private static HttpResponse<InputStream> followed(String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + pathAndQuery))
                .header("Authorization", ApiFixture.AUTHORIZATION).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
    }

    @Test
    void listsAndFiltersProcesses() {
        apply(sleeper("api-p", "replicas: 2") + "---\n"
                + manifest("api-q", "suite: api, tier: db", "exec sleep 1000")).statusCode(200);
        awaitState("api-p-1", "RUNNING");
        awaitState("api-q", "RUNNING");

        given().get("/api/v1/processes?program=api-p").then().statusCode(200)
                .body("items.name", contains("api-p-0", "api-p-1"))
                .body("items.index", contains(0, 1));
        given().get("/api/v1/processes?selector=tier=db").then().statusCode(200)
                .body("items.name", contains("api-q"));
        given().get("/api/v1/processes?selector=suite=api&program=api-p").then()
                .body("items", hasSize(2));
        given().get("/api/v1/processes").then().statusCode(200)
                .body("items.name", org.hamcrest.Matchers.hasItems("api-p-0", "api-p-1", "api-q"));

        given().get("/api/v1/processes/api-p-1").then().statusCode(200)
                .body("name", equalTo("api-p-1"))
                .body("program", equalTo("api-p"))
                .body("index", equalTo(1))
                .body("state", equalTo("RUNNING"))
                .body("stateCode", equalTo(20))
                .body("pid", greaterThan(1))
                .body("startedAt", org.hamcrest.Matchers.matchesPattern("\\d{4}-\\d\\d-\\d\\dT.*Z"))
                .body("stoppedAt", nullValue())
                .body("uptimeSeconds", notNullValue())
                .body("restarts", equalTo(0))
                .body("lastExit", nullValue())
                .body("spawnError", nullValue())
                .body("stoppedByHand", equalTo(false))
                .body("removed", equalTo(false))
                .body("description", org.hamcrest.Matchers.startsWith("pid "))
                .body("stdoutLog", org.hamcrest.Matchers.endsWith("/logs/api-p-1.out.log"))
                .body("labels.suite", equalTo("api"));
        given().get("/api/v1/processes/api-p_01/logs").then().statusCode(404)
                .body("detail", equalTo("no process named \"api-p_01\"; did you mean api-p-1? (Supervisor's process_name"
                        + " web_00 is web-0 here)"));
    }

    @Test
    void aLogFileThatCannotBeWrittenIsReportedAndTheOutputKept() throws IOException {
        // A regular file where the log's directory should be: no one, root included, can create the log.
        Path blocker = Path.of("target/test-state/api-not-a-directory").toAbsolutePath();
        Files.createDirectories(blocker.getParent());
        Files.writeString(blocker, "");
        apply(manifest("api-badlog", "suite: api", "echo hello; exec sleep 1000",
                "logs: {stdout: {file: " + blocker.resolve("out.log") + "}}")).statusCode(200);
        awaitState("api-badlog", "RUNNING");
        await().atMost(ApiFixture.PATIENCE).until(() -> given().get("/api/v1/processes/api-badlog").jsonPath()
                .getString("logError") != null);
        given().get("/api/v1/processes/api-badlog").then()
                .body("logError", containsString(blocker.resolve("out.log").toString()))
                .body("logError", containsString("spec.logs.stdout.file"));
        given().get("/api/v1/processes/api-badlog/logs").then().body(equalTo("hello\n"));
    }

    @Test
    void theLogsOfAProcessThatCouldNotStartSayWhy() {
        apply(sleeper("api-nodir", "directory: /nonexistent/api-nodir")).statusCode(200);
        await().atMost(ApiFixture.PATIENCE).until(() -> given().get("/api/v1/processes/api-nodir").jsonPath()
                .getString("spawnError") != null);

        given().get("/api/v1/processes/api-nodir/logs").then().statusCode(404)
                .body("detail", org.hamcrest.Matchers.matchesPattern("process api-nodir has no output: it could not be started"
                        + " \\((BACKOFF|STARTING|FATAL), working directory /nonexistent/api-nodir does not exist; create it or fix"
                        + " spec.directory\\)"));
    }

    @Test
    void unknownNamesAndBadFiltersAreExplained() {
        given().get("/api/v1/processes/api-nope").then().statusCode(404)
                .contentType("application/problem+json").body("code", equalTo("NotFound"))
                .body("detail", containsString("steward get processes"));
        given().get("/api/v1/processes?program=api-nope").then().statusCode(404).body("code", equalTo("NotFound"));
        given().get("/api/v1/processes?selector=a=b,,c").then().statusCode(400).body("code", equalTo("BadRequest"))
                .body("detail", containsString("bad selector term"));
        given().get("/api/v1/processes/api-nope/logs").then().statusCode(404).body("code", equalTo("NotFound"));
    }

    @Test
    void logsGiveTheLastLinesOrBytes() {
        apply(manifest("api-log", "suite: api", "echo one; echo two; echo three; echo oops >&2; exec sleep 1000"))
                .statusCode(200);
        awaitState("api-log", "RUNNING");
        await().atMost(ApiFixture.PATIENCE).until(() -> given().get("/api/v1/processes/api-log/logs").asString()
                .equals("one\ntwo\nthree\n"));
        given().get("/api/v1/processes/api-log/logs?tail=2").then().statusCode(200)
                .contentType(containsString("text/plain")).body(equalTo("two\nthree\n"));
        given().get("/api/v1/processes/api-log/logs?tail=0").then().statusCode(200).body(equalTo(""));
        given().get("/api/v1/processes/api-log/logs?bytes=8").then().body(equalTo("o\nthree\n"));
        given().get("/api/v1/processes/api-log/logs?bytes=8&tail=1").then().body(equalTo("three\n"));
        given().get("/api/v1/processes/api-log/logs?bytes=5000000000").then().statusCode(200).body(equalTo("one\ntwo\nthree\n"));
        await().atMost(ApiFixture.PATIENCE).until(() -> given().get("/api/v1/processes/api-log/logs?stream=stderr")
                .asString().equals("oops\n"));
        given().get("/api/v1/processes/api-log/logs?stream=stdin").then().statusCode(400)
                .body("detail", containsString("stdout or stderr"));
        given().get("/api/v1/processes/api-log/logs?tail=many").then().statusCode(400)
                .body("code", equalTo("BadRequest"));
        given().get("/api/v1/processes/api-log/logs?follow=perhaps").then().statusCode(400);
    }

    @Test
    void moreThanTheMemoryHoldsComesFromTheLogFiles() {
        // 108,894 bytes in 20,000 lines, over the 64 KiB kept in memory and across two rotations of 40 KiB files.
        apply(manifest("api-long", "suite: api", "seq 1 20000; exec sleep 1000",
                "logs: {stdout: {maxBytes: 40Ki, backups: 5}}")).statusCode(200);
        await().atMost(ApiFixture.PATIENCE).until(() -> given().get("/api/v1/processes/api-long/logs?tail=1").asString()
                .equals("20000\n"));

        String lines = given().get("/api/v1/processes/api-long/logs?tail=15000").then().statusCode(200).extract().asString();
        assertEquals(15000, lines.split("\n").length);
        assertTrue(lines.startsWith("5001\n5002\n") && lines.endsWith("\n19999\n20000\n"), lines.substring(0, 20));
        String all = given().get("/api/v1/processes/api-long/logs?tail=100000").asString();
        assertEquals(108894, all.length(), "every line: more lines asked for than there are gives them all");
        assertTrue(all.startsWith("1\n2\n3\n"));
        String bytes = given().get("/api/v1/processes/api-long/logs?bytes=100000&tail=2").asString();
        assertEquals("19999\n20000\n", bytes);
        assertEquals(100000, given().get("/api/v1/processes/api-long/logs?bytes=100000").asByteArray().length);
        // Without a limit, the last 64 KiB, as before: from the memory.
        assertEquals(65536, given().get("/api/v1/processes/api-long/logs").asByteArray().length);
    }

    @Test
    void replicasGivenOneLogFileWriteItLineByLineAndItRotatesOnceForAll() throws IOException {
        Path log = Files.createTempDirectory(Path.of("target"), "api-shared").resolve("shared.log").toAbsolutePath();
        // Each line in two write(2)s, so that the pipe is often read between them: half lines, three writers at once.
        apply(manifest("api-shared", "suite: api", "i=0; while [ $i -lt 3000 ]; do printf '%s ' $STEWARD_PROCESS_NAME;"
                        + " printf 'line %d\\\\n' $i; i=$((i+1)); done; exec sleep 1000",
                "replicas: 3", "logs: {stdout: {file: " + log + ", maxBytes: 20Ki, backups: 60}}")).statusCode(200);
        await().atMost(ApiFixture.PATIENCE).until(() -> sharedLines(log).size() == 9000);

        int[] next = new int[3];
        for (String line : sharedLines(log)) {
            assertTrue(line.matches("api-shared-[0-2] line [0-9]+"), "a whole line: " + line);
            int replica = line.charAt("api-shared-".length()) - '0';
            assertEquals("api-shared-" + replica + " line " + next[replica], line, "whole lines, each replica's in order");
            next[replica]++;
        }
        try (Stream<Path> files = Files.list(log.getParent())) {
            for (Path file : files.toList()) {
                assertTrue(Files.size(file) <= 20 * 1024, file + " is larger than maxBytes: rotated by two writers");
            }
        }
        // The file holds the others' lines too: a process's logs come from its own memory.
        String own = given().get("/api/v1/processes/api-shared-1/logs?tail=100000").then().statusCode(200).extract().asString();
        assertTrue(own.endsWith("api-shared-1 line 2999\n"));
        assertTrue(own.lines().allMatch(line -> line.startsWith("api-shared-1 line ")), "only api-shared-1's output");
    }

    @Test
    void supervisordsExpansionsInALogPathGiveEachReplicaItsFile() throws IOException {
        Path dir = Files.createTempDirectory(Path.of("target"), "api-expand").toAbsolutePath();
        apply(manifest("api-expand", "suite: api", "echo I am $STEWARD_PROCESS_NAME; exec sleep 1000", "replicas: 2",
                "logs: {stdout: {file: " + dir + "/%(program_name)s-%(process_num)02d-of-%(numprocs)d.log}}")).statusCode(200);
        Path first = dir.resolve("api-expand-00-of-2.log");
        Path second = dir.resolve("api-expand-01-of-2.log");
        await().atMost(ApiFixture.PATIENCE).until(() -> Files.exists(first) && Files.exists(second)
                && Files.readString(second).endsWith("\n"));
        assertEquals("I am api-expand-0\n", Files.readString(first));
        assertEquals("I am api-expand-1\n", Files.readString(second));
        given().get("/api/v1/processes/api-expand-1").then().body("stdoutLog", equalTo(second.toString()));

        // A variable the daemon lacks fails the start, and says so.
        apply(manifest("api-noenv", "suite: api", "exec sleep 1000",
                "logs: {stdout: {file: \"%(ENV_STEWARD_TEST_NO_SUCH_VARIABLE)s/web.log\"}}")).statusCode(200);
        await().atMost(ApiFixture.PATIENCE).until(() -> given().get("/api/v1/processes/api-noenv").jsonPath()
                .getString("spawnError") != null);
        given().get("/api/v1/processes/api-noenv").then().body("spawnError", containsString("spec.logs.stdout.file: %(ENV_STEWARD_TEST_NO"
                + "_SUCH_VARIABLE)s names STEWARD_TEST_NO_SUCH_VARIABLE, which the daemon's environment does not have"))
                .body("stdoutLog", nullValue()).body("stderrLog", org.hamcrest.Matchers.endsWith("api-noenv.err.log"));
    }

    @Test
    void supervisordsExpansionsInTheCommandEnvironmentAndDirectoryAreDoneForEachReplica() throws IOException {
        // BASE: the directory may name the program's own environment, as supervisord's ENV_ names do
        Path dir = Files.createTempDirectory(Path.of("target"), "api-values").toAbsolutePath();
        Files.createDirectories(dir.resolve("api-values-0"));
        Files.createDirectories(dir.resolve("api-values-1"));
        apply("""
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: api-values, labels: {suite: api}}
                spec:
                  command: ["/bin/sh", "-c", "echo port=80%(process_num)02d P=$P D=$(pwd) 100%%; echo $0; exec sleep 1000", "as written: %s"]
                  directory: "%(ENV_BASE)s/%(program_name)s-%(process_num)d"
                  environment: {P: "/opt/app/bin:%(ENV_PATH)s", BASE: DIR}
                  replicas: 2
                  startSeconds: 0
                  stopTimeoutSeconds: 2
                """.replace("DIR", dir.toString())).statusCode(200);
        String path = System.getenv("PATH");
        await().atMost(ApiFixture.PATIENCE).until(() -> given().get("/api/v1/processes/api-values-1/logs").asString()
                .lines().count() == 2);
        assertEquals("port=8001 P=/opt/app/bin:" + path + " D=" + dir.resolve("api-values-1") + " 100%\nas written: %s\n",
                given().get("/api/v1/processes/api-values-1/logs").asString(), "a value without %( is as written");
        given().get("/api/v1/processes/api-values-1").then().body("command", contains("/bin/sh", "-c",
                "echo port=8001 P=$P D=$(pwd) 100%; echo $0; exec sleep 1000", "as written: %s"));
        await().atMost(ApiFixture.PATIENCE).until(() -> given().get("/api/v1/processes/api-values-0/logs").asString()
                .startsWith("port=8000 P=/opt/app/bin:" + path + " D=" + dir.resolve("api-values-0") + " 100%\n"));

        // A variable the daemon lacks fails the start, naming the field.
        apply(manifest("api-noenv-value", "suite: api", "exec sleep 1000",
                "environment: {HOME: \"%(ENV_STEWARD_TEST_NO_SUCH_VARIABLE)s\"}")).statusCode(200);
        await().atMost(ApiFixture.PATIENCE).until(() -> given().get("/api/v1/processes/api-noenv-value").jsonPath()
                .getString("spawnError") != null);
        given().get("/api/v1/processes/api-noenv-value").then().body("command", nullValue()) // nothing was tried
                .body("spawnError", containsString("spec.environment.HOME:"
                + " %(ENV_STEWARD_TEST_NO_SUCH_VARIABLE)s names STEWARD_TEST_NO_SUCH_VARIABLE, which the daemon's"
                + " environment does not have"));
    }

    @Test
    void hereInAManifestAppliedThroughTheApiIsTheWatchedDirectoryItIsWrittenTo() {
        apply(manifest("api-here", "suite: api", "echo %(here)s; exec sleep 1000")).statusCode(200);
        await().atMost(ApiFixture.PATIENCE).until(() -> given().get("/api/v1/processes/api-here/logs").asString()
                .endsWith("\n"));
        assertEquals(ApiFixture.MANIFESTS + "\n", given().get("/api/v1/processes/api-here/logs").asString());
        given().get("/api/v1/processes/api-here").then().body("command", contains("/bin/sh", "-c",
                "echo " + ApiFixture.MANIFESTS + "; exec sleep 1000"));
    }

    @Test
    void aStartThatFailsShowsTheCommandItTried() {
        apply(manifest("api-tried", "suite: api", "exec sleep 1000", "startRetries: 0")
                .replace("[\"/bin/sh\", \"-c\", \"exec sleep 1000\"]", "[\"/nonexistent/steward-test\", \"%(process_num)d\"]"))
                .statusCode(200);
        awaitState("api-tried", "FATAL");
        given().get("/api/v1/processes/api-tried").then().body("command", contains("/nonexistent/steward-test", "0"))
                .body("spawnError", containsString("/nonexistent/steward-test"));
    }

    @Test
    void usageGivesWhatEachRunningProcessAndItsGroupUseOnlyWhenAskedFor() {
        // stopAsGroup: the sleeps stop with the shell, and no orphan outlives the test
        apply(manifest("api-usage", "suite: api", "sleep 1000 & sleep 1000 & wait", "stopAsGroup: true")).statusCode(200);
        apply(sleeper("api-usage-off", "autostart: false")).statusCode(200);
        awaitState("api-usage", "RUNNING");
        // the shell and its two sleeps: one process group
        await().atMost(ApiFixture.PATIENCE).until(() -> given().get("/api/v1/processes?program=api-usage&usage=true")
                .jsonPath().getInt("items[0].usage.processes") == 3);
        given().get("/api/v1/processes?program=api-usage&usage=true").then().statusCode(200)
                .body("items[0].usage.memoryBytes", greaterThan(100_000))
                .body("items[0].usage.cpuSeconds", notNullValue())
                .body("items[0].usage.sampledAt", notNullValue());
        given().get("/api/v1/processes?program=api-usage&usage").then().body("items[0].usage.processes", equalTo(3));
        given().get("/api/v1/processes?program=api-usage-off&usage=true").then().body("items[0].usage", nullValue())
                .body("items[0]", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("usage")));
        given().get("/api/v1/processes?program=api-usage").then()
                .body("items[0]", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("usage")));
        given().get("/api/v1/processes?usage=maybe").then().statusCode(400)
                .body("detail", containsString("usage must be true or false"));
    }

    /** The whole lines of a log file and its backups, oldest first (a rotation may cut one between two files). */
    private static List<String> sharedLines(Path log) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 60; i >= 0; i--) {
            Path file = i == 0 ? log : log.resolveSibling(log.getFileName() + "." + i);
            if (Files.exists(file)) {
                text.append(Files.readString(file));
            }
        }
        return text.lastIndexOf("\n") < 0 ? List.of() : List.of(text.substring(0, text.lastIndexOf("\n")).split("\n"));
    }

    @Test
    void outputWrittenBeforeThisDaemonStartedTheProcessIsInItsLogs() throws IOException {
        Path log = Files.createTempDirectory(Path.of("target"), "api-earlier").resolve("earlier.log").toAbsolutePath();
        // As an earlier daemon (or run) left it: the file and a rotated backup.
        Files.writeString(log.resolveSibling("earlier.log.1"), "oldest\n");
        Files.writeString(log, "earlier 1\nearlier 2\n");
        apply(manifest("api-earlier", "suite: api", "echo now; exec sleep 1000",
                "logs: {stdout: {file: " + log + ", backups: 2}}")).statusCode(200);
        await().atMost(ApiFixture.PATIENCE).until(() -> given().get("/api/v1/processes/api-earlier/logs").asString()
                .endsWith("now\n"));

        given().get("/api/v1/processes/api-earlier/logs").then().body(equalTo("oldest\nearlier 1\nearlier 2\nnow\n"));
        given().get("/api/v1/processes/api-earlier/logs?tail=2").then().body(equalTo("earlier 2\nnow\n"));
        given().get("/api/v1/processes/api-earlier/logs?tail=1").then().body(equalTo("now\n"));
        given().get("/api/v1/processes/api-earlier/logs?bytes=16").then().body(equalTo("1\nearlier 2\nnow\n"));
    }

    @Test
    void aProcessThisDaemonHasNotStartedShowsWhatItsFilesHoldThenFollowsItsFirstRun() throws Exception {
        Path log = Files.createTempDirectory(Path.of("target"), "api-notyet").resolve("notyet.log").toAbsolutePath();
        Files.writeString(log, "before 1\nbefore 2\n");
        apply(manifest("api-notyet", "suite: api", "echo started; exec sleep 1000", "autostart: false",
                "logs: {stdout: {file: " + log + "}}")).statusCode(200);
        awaitState("api-notyet", "STOPPED");
        given().get("/api/v1/processes/api-notyet/logs").then().statusCode(200).body(equalTo("before 1\nbefore 2\n"));
        given().get("/api/v1/processes/api-notyet/logs?tail=1").then().body(equalTo("before 2\n"));
        given().get("/api/v1/processes/api-notyet/logs?stream=stderr").then().statusCode(404)
                .body("detail", containsString("start it with `steward start api-notyet`"));
        given().get("/api/v1/processes/api-notyet/logs?previous=true").then().statusCode(404);
        apply(manifest("api-merged", "suite: api", "exec sleep 1000", "autostart: false", "logs: {redirectStderr: true}"))
                .statusCode(200);
        awaitState("api-merged", "STOPPED");
        given().get("/api/v1/processes/api-merged/logs?stream=stderr").then().statusCode(404)
                .body("detail", containsString("redirects stderr into stdout"));
        given().get("/api/v1/processes/api-notyet").then().body("stdoutLog", equalTo(log.toString()))
                .body("stderrLog", org.hamcrest.Matchers.endsWith("/logs/api-notyet.err.log"));

        HttpResponse<InputStream> response = followed("/api/v1/processes/api-notyet/logs?tail=1&follow=true");
        assertEquals(200, response.statusCode());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertEquals("before 2", reader.readLine());
            given().post("/api/v1/actions/start?target=api-notyet").then().statusCode(200);
            assertEquals("started", reader.readLine(), "the first run's output follows the files'");
        }
        await().atMost(ApiFixture.PATIENCE).until(() -> follower.active() == 0);
    }

    @Test
    void followAfterTheLogFilesGoesOnWithNothingLostOrRepeated() throws Exception {
        apply(manifest("api-longtick", "suite: api",
                "seq 1 20000; i=0; while true; do echo tick$i; i=$((i+1)); sleep 0.05; done")).statusCode(200);
        await().atMost(ApiFixture.PATIENCE).until(() -> given().get("/api/v1/processes/api-longtick/logs?tail=1")
                .asString().startsWith("tick"));
        HttpResponse<InputStream> response = followed("/api/v1/processes/api-longtick/logs?tail=15000&follow=true");
        assertEquals(200, response.statusCode());
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            // The 15,000 lines asked for, then ticks the files did not have yet, written while this reads.
            while (lines.size() < 15020) {
                lines.add(reader.readLine());
            }
        }
        int ticks = (int) lines.stream().limit(15000).filter(l -> l.startsWith("tick")).count();
        assertEquals(Integer.toString(20000 - (15000 - ticks) + 1), lines.get(0));
        for (int i = 1; i < lines.size(); i++) {
            String expected = i < 15000 - ticks ? Integer.toString(Integer.parseInt(lines.get(0)) + i)
                    : "tick" + (i - (15000 - ticks));
            assertEquals(expected, lines.get(i), "line " + i);
        }
        await().atMost(ApiFixture.PATIENCE).until(() -> follower.active() == 0);
    }

    @Test
    void previousGivesWhatTheRunBeforeTheLatestWrote() throws IOException {
        Path runs = Files.createTempDirectory(Path.of("target"), "api-prev").resolve("runs").toAbsolutePath();
        // Each run counts itself in a file; the first two crash after their last words, the third stays up.
        apply(manifest("api-prev", "suite: api", "n=$(cat " + runs + " 2>/dev/null || echo 0); n=$((n+1)); echo $n > "
                + runs + "; echo run $n; echo last words $n >&2; [ $n -ge 3 ] && exec sleep 1000; exit 1")).statusCode(200);
        await().atMost(ApiFixture.PATIENCE).until(() -> given().get("/api/v1/processes/api-prev/logs").asString()
                .endsWith("run 3\n"));

        given().get("/api/v1/processes/api-prev/logs").then().body(equalTo("run 1\nrun 2\nrun 3\n"));
        given().get("/api/v1/processes/api-prev/logs?previous=true").then().statusCode(200).body(equalTo("run 2\n"));
        await().atMost(ApiFixture.PATIENCE).until(() -> given().get("/api/v1/processes/api-prev/logs?stream=stderr")
                .asString().endsWith("last words 3\n"));
        given().get("/api/v1/processes/api-prev/logs?stream=stderr&previous=true&tail=1").then()
                .body(equalTo("last words 2\n")).header(ProcessesResource.LOST_BYTES, nullValue());
        given().get("/api/v1/processes/api-prev/logs?previous=true&follow=true").then().statusCode(400)
                .body("detail", containsString("cannot be followed"));
    }

    @Test
    void previousOfAProcessThatRanOnceSaysSoAndAnOverwrittenRunSaysWhatIsLost() throws IOException {
        Path runs = Files.createTempDirectory(Path.of("target"), "api-prev").resolve("runs").toAbsolutePath();
        // 108,894 bytes, more than the 64 KiB the daemon keeps in memory, then a crash.
        apply(manifest("api-prevbig", "suite: api", "if [ -e " + runs + " ]; then echo second; exec sleep 1000; fi; touch "
                + runs + "; seq 1 20000; exit 1")).statusCode(200);
        apply(sleeper("api-once")).statusCode(200);
        awaitState("api-once", "RUNNING");
        given().get("/api/v1/processes/api-once/logs?previous=true").then().statusCode(404)
                .body("detail", containsString("api-once has no previous run"));

        await().atMost(ApiFixture.PATIENCE).until(() -> given().get("/api/v1/processes/api-prevbig/logs").asString()
                .endsWith("second\n"));
        var previous = given().get("/api/v1/processes/api-prevbig/logs?previous=true");
        // The ring holds the last 65,536 bytes: "second\n" and the last 65,529 of the crashed run's.
        assertEquals("43365", previous.header(ProcessesResource.LOST_BYTES));
        assertEquals(65529, previous.asByteArray().length);
        assertTrue(previous.asString().endsWith("\n19999\n20000\n"), previous.asString());
    }

    @Test
    void followStreamsNewOutputUntilTheClientLeaves() throws Exception {
        apply(manifest("api-tick", "suite: api", "i=0; while true; do echo tick$i; i=$((i+1)); sleep 0.1; done"))
                .statusCode(200);
        awaitState("api-tick", "RUNNING");
        HttpResponse<InputStream> response = followed("/api/v1/processes/api-tick/logs?tail=1&follow=true");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            while (lines.size() < 6) {
                lines.add(reader.readLine());
            }
            assertEquals(1, follower.active());
        }
        assertConsecutiveTicks(lines); // nothing lost or repeated between the tail and the followed part
    }

    @Test
    void followEndsWhenTheProcessIsGone() throws Exception {
        apply(sleeper("api-gone")).statusCode(200);
        awaitState("api-gone", "RUNNING");
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port
                + "/api/v1/processes/api-gone/logs?follow=true")).header("Authorization", ApiFixture.AUTHORIZATION).build();
        // The status and headers come at once, even while the process prints nothing.
        HttpResponse<InputStream> response = client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        await().atMost(ApiFixture.PATIENCE).until(() -> follower.active() == 1);
        given().delete("/api/v1/programs/api-gone").then().statusCode(200);
        try (InputStream body = response.body()) {
            assertEquals(-1, body.read(), "the stream ends, empty, once the process is gone");
        }
        await().atMost(ApiFixture.PATIENCE).until(() -> follower.active() == 0);
    }

    @Test
    void followGoesOnUnderTheNewNameWhenAScaleRenamesTheProcess() throws Exception {
        String ticker = "i=0; while true; do echo tick$i; i=$((i+1)); sleep 0.05; done";
        apply(manifest("api-renamed", "suite: api", ticker)).statusCode(200);
        awaitState("api-renamed", "RUNNING");
        int pid = given().get("/api/v1/processes/api-renamed").jsonPath().getInt("pid");
        HttpResponse<InputStream> response = followed("/api/v1/processes/api-renamed/logs?tail=1&follow=true");
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            lines.add(reader.readLine());
            // 1 -> 2 replicas: the same process, same pid, is now api-renamed-0.
            apply(manifest("api-renamed", "suite: api", ticker, "replicas: 2")).statusCode(200);
            awaitState("api-renamed-1", "RUNNING");
            assertEquals(pid, given().get("/api/v1/processes/api-renamed-0").jsonPath().getInt("pid"));
            // And back, 2 -> 1: api-renamed-0 is api-renamed again.
            apply(manifest("api-renamed", "suite: api", ticker)).statusCode(200);
            await().atMost(ApiFixture.PATIENCE).until(() -> given().get("/api/v1/processes/api-renamed-1").statusCode() == 404);
            awaitState("api-renamed", "RUNNING");
            assertEquals(pid, given().get("/api/v1/processes/api-renamed").jsonPath().getInt("pid"));
            // Ten more ticks after both renames: the stream went on with the process instead of ending.
            String seen = given().get("/api/v1/processes/api-renamed/logs?tail=1").asString().trim();
            int target = Integer.parseInt(seen.substring(4)) + 10;
            while (lines.get(lines.size() - 1) != null && Integer.parseInt(lines.get(lines.size() - 1).substring(4)) < target) {
                lines.add(reader.readLine());
            }
            assertTrue(lines.get(lines.size() - 1) != null, "the stream ended when the process was renamed: " + lines);
            assertEquals(1, follower.active());
        }
        assertConsecutiveTicks(lines); // nothing lost or repeated across the renames
    }

    /** {@code tickN}, {@code tickN+1} ...: what a followed ticker sent, whole; then the follower, closed, is gone. */
    private void assertConsecutiveTicks(List<String> lines) {
        int first = Integer.parseInt(lines.get(0).substring(4));
        for (int i = 0; i < lines.size(); i++) {
            assertEquals("tick" + (first + i), lines.get(i));
        }
        await().atMost(ApiFixture.PATIENCE).until(() -> follower.active() == 0);
    }

    @Test
    void followSendsTheLastWordsOfAProcessDeletedWhileFollowed() throws Exception {
        apply(manifest("api-lastwords", "suite: api",
                "trap 'echo last words; exit 0' TERM; echo up; while true; do sleep 0.05; done")).statusCode(200);
        awaitState("api-lastwords", "RUNNING");
        HttpResponse<InputStream> response = followed("/api/v1/processes/api-lastwords/logs?follow=true");
        await().atMost(ApiFixture.PATIENCE).until(() -> follower.active() == 1);
        given().delete("/api/v1/programs/api-lastwords").then().statusCode(200);
        try (InputStream body = response.body()) {
            // Written on SIGTERM, moments before the process went: it went before the next poll of its ring.
            assertEquals("up\nlast words\n", new String(body.readAllBytes(), StandardCharsets.UTF_8));
        }
        await().atMost(ApiFixture.PATIENCE).until(() -> follower.active() == 0);
    }

    @Test
    void followOfStderrEndsOnceItsProgramRedirectsStderrIntoStdout() throws Exception {
        apply(manifest("api-redirect", "suite: api", "echo before >&2; exec sleep 1000")).statusCode(200);
        awaitState("api-redirect", "RUNNING");
        HttpResponse<InputStream> response = followed("/api/v1/processes/api-redirect/logs?stream=stderr&follow=true");
        await().atMost(ApiFixture.PATIENCE).until(() -> follower.active() == 1);
        apply(manifest("api-redirect", "suite: api", "echo before >&2; exec sleep 1000", "logs: {redirectStderr: true}"))
                .statusCode(200);
        try (InputStream body = response.body()) {
            java.util.concurrent.CompletableFuture<byte[]> text = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return body.readAllBytes();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // Its new run writes all to stdout: the stderr followed has no more to come, as a new request is told (404).
            assertEquals("before\n", new String(text.get(ApiFixture.PATIENCE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS),
                    StandardCharsets.UTF_8));
        }
        given().get("/api/v1/processes/api-redirect/logs?stream=stderr").then().statusCode(404)
                .body("detail", containsString("redirects stderr into stdout"));
        await().atMost(ApiFixture.PATIENCE).until(() -> follower.active() == 0);
    }
}
