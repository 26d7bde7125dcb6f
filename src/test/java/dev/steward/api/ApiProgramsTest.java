package dev.steward.api;

import static dev.steward.api.ApiFixture.MANIFESTS;
import static dev.steward.api.ApiFixture.apply;
import static dev.steward.api.ApiFixture.awaitProgram;
import static dev.steward.api.ApiFixture.awaitState;
import static dev.steward.api.ApiFixture.sleeper;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Programs: apply, get, list, delete and scale against the real daemon, checking the files written. */
@QuarkusTest
class ApiProgramsTest {

    @BeforeEach
    @AfterEach
    void cleanUp() throws IOException {
        ApiFixture.cleanUp();
    }

    @Test
    void applyWritesTheFileAndTheDaemonRunsIt() throws IOException {
        String yaml = sleeper("api-web");
        apply(yaml).statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].program", equalTo("api-web"))
                .body("items[0].action", equalTo("created"))
                .body("items[0].file", equalTo(MANIFESTS.resolve("api-web.yaml").toString()))
                .body("items[0].restarts", equalTo(false))
                .body("items[0].effect", equalTo("starting 1 process"))
                .body("items[0].dryRun", equalTo(false));
        assertEquals(yaml, Files.readString(MANIFESTS.resolve("api-web.yaml")));
        awaitState("api-web", "RUNNING");

        given().get("/api/v1/programs/api-web").then().statusCode(200)
                .body("name", equalTo("api-web"))
                .body("labels.suite", equalTo("api"))
                .body("source", equalTo(MANIFESTS.resolve("api-web.yaml").toString()))
                .body("replicas", equalTo(1))
                .body("ready", equalTo(1))
                .body("spec.command[2]", equalTo("exec sleep 1000"))
                .body("spec.stopSignal", equalTo("TERM"))
                .body("spec.directory", nullValue())
                .body("spec.restartBackoff", nullValue())
                .body("spec.logs.stdout.maxBytes", equalTo(50 * 1024 * 1024))
                .body("manifest.apiVersion", equalTo("steward.dev/v1"))
                .body("manifest.kind", equalTo("Program"))
                .body("manifest.metadata.name", equalTo("api-web"))
                .body("processes[0].name", equalTo("api-web"))
                .body("processes[0].state", equalTo("RUNNING"))
                .body("processes[0].description", matchesPattern("pid \\d+, uptime 0:00:\\d\\d"));

        // The same manifest again, and the manifest the API shows (as JSON), change nothing.
        apply(yaml).statusCode(200).body("items[0].action", equalTo("unchanged"));
        Map<String, Object> manifest = given().get("/api/v1/programs/api-web").jsonPath().getMap("manifest");
        given().contentType(ContentType.JSON).body(manifest).post("/api/v1/programs").then().statusCode(200)
                .body("items[0].action", equalTo("unchanged"));
        assertEquals(yaml, Files.readString(MANIFESTS.resolve("api-web.yaml")));

        String changed = yaml.replace("exec sleep 1000", "exec sleep 1001");
        apply(changed).statusCode(200)
                .body("items[0].action", equalTo("configured"))
                .body("items[0].restarts", equalTo(true))
                .body("items[0].effect", containsString("restarting its processes one at a time"));
        assertEquals(changed, Files.readString(MANIFESTS.resolve("api-web.yaml")));

        given().get("/api/v1/events?object=program/api-web").then().statusCode(200)
                .body("items.reason", org.hamcrest.Matchers.hasItem("Applied"));

        given().delete("/api/v1/programs/api-web").then().statusCode(200)
                .body("program", equalTo("api-web"))
                .body("action", equalTo("deleted"))
                .body("file", equalTo(MANIFESTS.resolve("api-web.yaml").toString()));
        assertFalse(Files.exists(MANIFESTS.resolve("api-web.yaml")));
        awaitProgram("api-web", false);
    }

    @Test
    void aProgramRestoredWhileItsRemovedNamesakeStillStopsIsListedAsWaitingAndCanBeDeleted() throws IOException {
        // TERM ignored, and a long stop timeout: the removed program's process stays STOPPING until killed here.
        String yaml = ApiFixture.manifest("api-namesake", "suite: api", "trap '' TERM; exec sleep 1000")
                .replace("stopTimeoutSeconds: 2", "stopTimeoutSeconds: 120");
        apply(yaml).statusCode(200);
        awaitState("api-namesake", "RUNNING");
        long pid = given().get("/api/v1/processes/api-namesake").jsonPath().getLong("pid");
        Path file = MANIFESTS.resolve("api-namesake.yaml");
        try {
            Files.delete(file);
            awaitState("api-namesake", "STOPPING");
            given().get("/api/v1/processes/api-namesake").then().body("removed", equalTo(true))
                    .body("description", equalTo("its program was removed; it goes once stopped"));
            Files.writeString(file, yaml);
            await().atMost(ApiFixture.PATIENCE).pollInterval(Duration.ofMillis(50))
                    .until(() -> given().get("/api/v1/programs/api-namesake").statusCode() == 200);
            given().get("/api/v1/programs/api-namesake").then().statusCode(200)
                    .body("waiting", equalTo(true))
                    .body("ready", equalTo(0))
                    .body("processes", hasSize(0))
                    .body("source", equalTo(file.toString()));
            given().get("/api/v1/programs").then().body("items.find { it.name == 'api-namesake' }.waiting", equalTo(true));
            given().get("/api/v1/processes/api-namesake").then().body("state", equalTo("STOPPING"))
                    .body("pid", equalTo((int) pid)).body("removed", equalTo(true))
                    .body("description", equalTo("its program was removed and added again; the new one starts once"
                            + " all of the old one's processes have stopped"));

            given().delete("/api/v1/programs/api-namesake").then().statusCode(200)
                    .body("action", equalTo("deleted")).body("file", equalTo(file.toString()));
            assertFalse(Files.exists(file));
            awaitProgram("api-namesake", false);
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        ApiFixture.cleanUp();
        given().get("/api/v1/programs/api-namesake").then().statusCode(404);
    }

    @Test
    void rereadTakesAFileWrittenJustBeforeIntoForceBeforeAnswering() throws IOException {
        Files.writeString(MANIFESTS.resolve("api-reread.yaml"), sleeper("api-reread", "replicas: 2"));
        // No wait for the watcher: the daemon reads the directory, and the change is in force when it answers.
        given().get("/api/v1/programs/api-reread?reread=true").then().statusCode(200)
                .body("replicas", equalTo(2)).body("processes", hasSize(2));
        Files.writeString(MANIFESTS.resolve("api-reread.yaml"), sleeper("api-reread", "replicas: 2", "environment: {V: \"2\"}"));
        given().get("/api/v1/programs/api-reread?reread").then().statusCode(200)
                .body("spec.environment.V", equalTo("2"));
        given().get("/api/v1/programs/api-reread?reread=perhaps").then().statusCode(400);

        // Edited by hand into something invalid: the last good version stays in force, and the program says why.
        Files.writeString(MANIFESTS.resolve("api-reread.yaml"), sleeper("api-reread", "replicas: -1"));
        given().get("/api/v1/programs/api-reread?reread=true").then().statusCode(200)
                .body("replicas", equalTo(2))
                .body("manifestError", containsString(MANIFESTS.resolve("api-reread.yaml") + ":"))
                .body("manifestError", containsString("spec.replicas"));
        Files.writeString(MANIFESTS.resolve("api-reread.yaml"), sleeper("api-reread", "replicas: 1"));
        given().get("/api/v1/programs/api-reread?reread=true").then().body("manifestError", nullValue())
                .body("replicas", equalTo(1));
    }

    @Test
    void dryRunWritesNothing() {
        apply(sleeper("api-dry")).statusCode(200); // baseline so the second one is a change
        ApiFixture.awaitProgram("api-dry", true);
        given().contentType("application/yaml").body(sleeper("api-dry", "replicas: 3").getBytes())
                .post("/api/v1/programs?dryRun=true").then().statusCode(200)
                .body("items[0].action", equalTo("configured"))
                .body("items[0].effect", equalTo("scaling 1 -> 3"))
                .body("items[0].dryRun", equalTo(true));
        given().contentType("application/yaml").body(sleeper("api-dry2").getBytes())
                .post("/api/v1/programs?dryRun=true").then().statusCode(200)
                .body("items[0].action", equalTo("created"));
        assertFalse(Files.exists(MANIFESTS.resolve("api-dry2.yaml")));
        given().delete("/api/v1/programs/api-dry?dryRun=true").then().statusCode(200)
                .body("action", equalTo("deleted")).body("dryRun", equalTo(true));
        assertTrue(Files.exists(MANIFESTS.resolve("api-dry.yaml")));
        given().get("/api/v1/programs/api-dry").then().body("replicas", equalTo(1));
    }

    @Test
    void aBareDryRunIsADryRun() {
        apply(sleeper("api-bare")).statusCode(200);
        ApiFixture.awaitProgram("api-bare", true);
        given().urlEncodingEnabled(false).contentType("application/yaml").body(sleeper("api-bare2").getBytes())
                .post("/api/v1/programs?dryRun").then().statusCode(200)
                .body("items[0].action", equalTo("created")).body("items[0].dryRun", equalTo(true));
        assertFalse(Files.exists(MANIFESTS.resolve("api-bare2.yaml")));
        given().urlEncodingEnabled(false).post("/api/v1/programs/api-bare/scale?replicas=2&dryRun").then().statusCode(200)
                .body("dryRun", equalTo(true));
        given().urlEncodingEnabled(false).delete("/api/v1/programs/api-bare?dryRun=").then().statusCode(200)
                .body("action", equalTo("deleted")).body("dryRun", equalTo(true));
        assertTrue(Files.exists(MANIFESTS.resolve("api-bare.yaml")));
        given().get("/api/v1/programs/api-bare").then().body("replicas", equalTo(1));
    }

    @Test
    void aManifestDirectoryThatCannotBeWrittenIsA500ThatSaysWhatToCheck() throws Exception {
        Path blocker = MANIFESTS.resolve(".api-nowrite.yaml.tmp"); // a directory where the temp file goes
        Files.createDirectories(blocker.resolve("in-the-way"));
        try {
            apply(sleeper("api-nowrite")).statusCode(500)
                    .body("code", equalTo("CannotWrite"))
                    .body("type", equalTo("https://steward.dev/problems/cannot-write"))
                    .body("detail", containsString("cannot write " + MANIFESTS.resolve("api-nowrite.yaml")))
                    .body("detail", containsString("check that the daemon's user may write to"));
            assertFalse(Files.exists(MANIFESTS.resolve("api-nowrite.yaml")));
        } finally {
            Files.delete(blocker.resolve("in-the-way"));
            Files.delete(blocker);
        }
    }

    @Test
    void anApplyThatCannotWriteOneOfItsFilesChangesNoneAndRestartsNothing() throws Exception {
        apply(sleeper("api-kept")).statusCode(200);
        awaitState("api-kept", "RUNNING");
        long pid = given().get("/api/v1/processes/api-kept").jsonPath().getLong("pid");
        Path blocker = MANIFESTS.resolve(".api-unwritten.yaml.tmp"); // a directory where the new file's temp file goes
        Files.createDirectories(blocker.resolve("in-the-way"));
        try {
            apply(sleeper("api-kept").replace("sleep 1000", "sleep 1001") + "---\n" + sleeper("api-unwritten"))
                    .statusCode(500).body("code", equalTo("CannotWrite"))
                    .body("detail", containsString("cannot write " + MANIFESTS.resolve("api-unwritten.yaml")));
            assertEquals(sleeper("api-kept"), Files.readString(MANIFESTS.resolve("api-kept.yaml")));
            given().get("/api/v1/programs/api-kept?reread=true").then().statusCode(200)
                    .body("spec.command[2]", equalTo("exec sleep 1000"));
            given().get("/api/v1/processes/api-kept").then().body("pid", equalTo((int) pid));
        } finally {
            Files.delete(blocker.resolve("in-the-way"));
            Files.delete(blocker);
        }
    }

    @Test
    void anApplyMendingAFileTheDaemonRejectsSaysWhatTheDaemonThenDoes() throws IOException {
        apply(sleeper("api-clash") + "---\n" + sleeper("api-clash-1")).statusCode(200);
        awaitState("api-clash", "RUNNING");
        long pid = given().get("/api/v1/processes/api-clash").jsonPath().getLong("pid");
        // Saved by hand: a new command, and a second process named like program api-clash-1, so the daemon rejects the
        // file and runs its last good version, whose command is the old one
        Files.writeString(MANIFESTS.resolve("api-clash.yaml"), sleeper("api-clash", "replicas: 2").replace("sleep 1000", "sleep 1001"));
        await().atMost(ApiFixture.PATIENCE).pollInterval(Duration.ofMillis(50))
                .until(() -> given().get("/api/v1/programs/api-clash").jsonPath().getString("manifestError") != null);

        // It said "restarts nothing (scaling 2 -> 1)", comparing with the rejected file, while the daemon restarted it
        apply(sleeper("api-clash").replace("sleep 1000", "sleep 1001")).statusCode(200)
                .body("items[0].action", equalTo("configured"))
                .body("items[0].restarts", equalTo(true))
                .body("items[0].effect", equalTo("restarting its processes one at a time (launch settings changed)"));
        await().atMost(ApiFixture.PATIENCE).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    var process = given().get("/api/v1/processes/api-clash").jsonPath();
                    return "RUNNING".equals(process.getString("state")) && process.getLong("pid") != pid;
                });
        given().get("/api/v1/programs/api-clash").then().body("replicas", equalTo(1))
                .body("spec.command[2]", equalTo("exec sleep 1001"));
    }

    @Test
    void anApplyMendingAFileTheDaemonNeverRanSaysItStartsTheProgram() throws IOException {
        apply(sleeper("api-never-1")).statusCode(200);
        awaitState("api-never-1", "RUNNING");
        // Saved by hand with 2 replicas, the second named like program api-never-1: the daemon rejects the file from the
        // start, and runs nothing of it
        Files.writeString(MANIFESTS.resolve("api-never.yaml"), sleeper("api-never", "replicas: 2"));
        await().atMost(ApiFixture.PATIENCE).pollInterval(Duration.ofMillis(50))
                .until(() -> given().get("/q/health/ready").asString().contains("api-never.yaml"));

        // It said "restarting its processes one at a time (launch settings changed); scaling 2 -> 1", from the file
        apply(sleeper("api-never").replace("sleep 1000", "sleep 1001")).statusCode(200)
                .body("items[0].action", equalTo("configured"))
                .body("items[0].restarts", equalTo(false))
                .body("items[0].effect", equalTo("starting 1 process"));
        awaitState("api-never", "RUNNING");
    }

    @Test
    void invalidManifestIs422WithThePlaceOfEachError() {
        String yaml = sleeper("api-bad", "replicas: many", "stopSignal: BOGUS");
        apply(yaml).statusCode(422)
                .contentType("application/problem+json")
                .body("code", equalTo("Invalid"))
                .body("status", equalTo(422))
                .body("type", equalTo("https://steward.dev/problems/invalid"))
                .body("detail", containsString("nothing was written"))
                .body("errors", hasSize(2))
                .body("errors[0].file", equalTo("<request>"))
                .body("errors[0].line", equalTo(10))
                .body("errors[0].column", equalTo(13))
                .body("errors[0].field", equalTo("spec.replicas"))
                .body("errors[0].message", containsString("whole number"))
                .body("errors[1].field", equalTo("spec.stopSignal"));
        assertFalse(Files.exists(MANIFESTS.resolve("api-bad.yaml")));
        apply("just: text\n").statusCode(422).body("errors.field", org.hamcrest.Matchers.hasItem("apiVersion"));
        apply("").statusCode(422).body("errors[0].message", containsString("no Program document"));
        apply("key: [unclosed\n").statusCode(422).body("errors[0].message", containsString("invalid YAML"));
    }

    @Test
    void jsonBodiesAreWrittenAsYaml() throws IOException {
        String json = """
                {"apiVersion": "steward.dev/v1", "kind": "Program", "metadata": {"name": "api-json"},
                 "spec": {"command": ["/bin/sh", "-c", "exec sleep 1000"], "startSeconds": 0, "umask": "022",
                          "restartBackoff": {"maxSeconds": 60}}}""";
        given().contentType(ContentType.JSON).body(json).post("/api/v1/programs").then().statusCode(200)
                .body("items[0].action", equalTo("created"));
        String written = Files.readString(MANIFESTS.resolve("api-json.yaml"));
        assertTrue(written.startsWith("apiVersion: steward.dev/v1\nkind: Program\n"), written);
        assertTrue(written.contains("umask: '022'"), written);
        awaitState("api-json", "RUNNING");
        assertTrue(written.contains("restartBackoff:\n    maxSeconds: 60\n"), written);
        given().get("/api/v1/programs/api-json").then().body("spec.umask", equalTo("022"))
                .body("spec.restartBackoff.initialSeconds", equalTo(10)).body("spec.restartBackoff.maxSeconds", equalTo(60))
                .body("manifest.spec.restartBackoff.resetSeconds", equalTo(600));
    }

    @Test
    void scaleAndDeleteEditTheirOwnDocumentOnly() throws IOException {
        String a = sleeper("api-a", "priority: 10");
        String b = "# b runs the workers\n" + sleeper("api-b").replace("spec:\n", "spec:  # b's spec\n");
        String file = "# two programs\n" + a + "---\n" + b;
        Files.writeString(MANIFESTS.resolve("api-pair.yaml"), file);
        awaitState("api-b", "RUNNING");

        given().post("/api/v1/programs/api-b/scale?replicas=2").then().statusCode(200)
                .body("program", equalTo("api-b"))
                .body("action", equalTo("configured"))
                .body("file", equalTo(MANIFESTS.resolve("api-pair.yaml").toString()))
                .body("restarts", equalTo(false))
                .body("effect", equalTo("scaling 1 -> 2"));
        String scaled = file.replace("# b's spec\n", "# b's spec\n  replicas: 2\n");
        assertEquals(scaled, Files.readString(MANIFESTS.resolve("api-pair.yaml")));
        awaitState("api-b-1", "RUNNING");
        given().get("/api/v1/processes?program=api-b").then().body("items.name",
                org.hamcrest.Matchers.contains("api-b-0", "api-b-1"));

        given().post("/api/v1/programs/api-b/scale?replicas=2").then().statusCode(200)
                .body("action", equalTo("unchanged"));
        given().post("/api/v1/programs/api-b/scale?replicas=3").then().statusCode(200);
        assertEquals(file.replace("# b's spec\n", "# b's spec\n  replicas: 3\n"),
                Files.readString(MANIFESTS.resolve("api-pair.yaml")));

        given().delete("/api/v1/programs/api-a").then().statusCode(200).body("action", equalTo("deleted"));
        assertEquals("# two programs\n---\n" + b.replace("# b's spec\n", "# b's spec\n  replicas: 3\n"),
                Files.readString(MANIFESTS.resolve("api-pair.yaml")));
        awaitProgram("api-a", false);
        given().get("/api/v1/events?object=program/api-b").then()
                .body("items.reason", org.hamcrest.Matchers.hasItem("Scaled"));
    }

    @Test
    void scaleOfAFlowStyleSpecIsAConflict() throws IOException {
        Files.writeString(MANIFESTS.resolve("api-flow.yaml"), "apiVersion: steward.dev/v1\nkind: Program\n"
                + "metadata: {name: api-flow}\nspec: {command: [sleep, '1000'], startSeconds: 0}\n");
        awaitProgram("api-flow", true);
        given().post("/api/v1/programs/api-flow/scale?replicas=2").then().statusCode(409)
                .contentType("application/problem+json")
                .body("code", equalTo("Conflict"))
                .body("detail", containsString("flow style"));
    }

    @Test
    void applyAndScaleThatWouldGiveTwoProcessesOneNameAreRefusedBeforeWriting() throws IOException {
        apply(sleeper("api-c", "replicas: 2")).statusCode(200);
        awaitState("api-c-1", "RUNNING");
        apply(sleeper("api-c-1")).statusCode(422)
                .body("code", equalTo("Invalid"))
                .body("detail", containsString("nothing was written"))
                .body("errors[0].field", equalTo("metadata.name"))
                .body("errors[0].message", equalTo("program \"api-c-1\" would run a process named \"api-c-1\", and so"
                        + " does program \"api-c\" in api-c.yaml (2 replicas: api-c-0, api-c-1); rename one of the"
                        + " programs or change its replicas"));
        assertFalse(Files.exists(MANIFESTS.resolve("api-c-1.yaml")));

        apply(sleeper("api-c-2")).statusCode(200);
        awaitState("api-c-2", "RUNNING");
        given().post("/api/v1/programs/api-c/scale?replicas=3").then().statusCode(409)
                .body("code", equalTo("Conflict"))
                .body("detail", containsString("would run a process named \"api-c-2\", and so does program \"api-c-2\""));
        assertFalse(Files.readString(MANIFESTS.resolve("api-c.yaml")).contains("replicas: 3"));
    }

    @Test
    void severalFilesAsMultipartPartsAreAppliedTogetherAndErrorsNameTheirFiles() throws IOException {
        given().multiPart("file", "in/api-mp.yaml", sleeper("api-mp", "replicas: 2").getBytes(), "application/yaml")
                .multiPart("file", "in/api-mp-1.yaml", sleeper("api-mp-1").getBytes(), "application/yaml")
                .post("/api/v1/programs").then().statusCode(422)
                .body("detail", equalTo("the manifests are invalid, nothing was written; fix the errors listed and apply again"))
                .body("errors[0].file", equalTo("in/api-mp-1.yaml"))
                .body("errors[0].message", containsString("and so does program \"api-mp\" in in/api-mp.yaml, line "));
        assertFalse(Files.exists(MANIFESTS.resolve("api-mp.yaml")), "all or nothing");

        given().multiPart("file", "in/api-mp.yaml", sleeper("api-mp").getBytes(), "application/yaml")
                .multiPart("file", "in/api-mp-1.yaml", sleeper("api-mp-1").getBytes(), "application/yaml")
                .post("/api/v1/programs?dryRun=true").then().statusCode(200)
                .body("items.program", equalTo(java.util.List.of("api-mp", "api-mp-1")))
                .body("items.dryRun", equalTo(java.util.List.of(true, true)));
        assertFalse(Files.exists(MANIFESTS.resolve("api-mp.yaml")), "a dry run writes nothing");

        given().multiPart("file", "in/api-mp.yaml", sleeper("api-mp").getBytes(), "application/yaml")
                .multiPart("file", "in/api-mp-1.yaml", sleeper("api-mp-1").getBytes(), "application/yaml")
                .post("/api/v1/programs").then().statusCode(200)
                .body("items.action", equalTo(java.util.List.of("created", "created")));
        awaitState("api-mp", "RUNNING");
        awaitState("api-mp-1", "RUNNING");

        try (var uploads = Files.list(Path.of("target/test-state/uploads"))) {
            assertEquals(java.util.List.of(), uploads.toList(), "each request's spooled parts are deleted");
        }

        given().multiPart("file", "no file name, only a form field").post("/api/v1/programs").then().statusCode(400)
                .body("detail", containsString("curl -F file=@web.yaml"));
        given().multiPart("file", sleeper("api-mp", "labels: {x: \"" + "x".repeat(3000) + "\"}"))
                .post("/api/v1/programs").then().statusCode(400) // a whole manifest as a field, over Vert.x's 2 KiB default
                .body("detail", containsString("curl -F file=@web.yaml"));
        given().multiPart("file", "x".repeat(1024 * 1024 + 1)).post("/api/v1/programs").then().statusCode(413)
                .body("code", equalTo("TooLarge")).body("type", equalTo("https://steward.dev/problems/too-large"))
                .body("detail", containsString("curl -F file=@web.yaml (with the @)"));
        given().multiPart("file", "in/quo%22te%5Cd%25.yaml", sleeper("api-mp", "replicas: many").getBytes(), "application/yaml")
                .post("/api/v1/programs?dryRun=true").then().statusCode(422)
                .body("errors[0].file", equalTo("in/quo\"te\\d%.yaml")); // percent-encoded as RFC 7578 says, decoded
        given().contentType("multipart/form-data; boundary=zz").body(sleeper("api-mp").getBytes())
                .post("/api/v1/programs").then().statusCode(400)
                .body("detail", containsString("the multipart/form-data body could not be read"));
        given().multiPart("file", "bad.yaml", new byte[] {(byte) 0xff, 'a'}, "application/yaml")
                .post("/api/v1/programs").then().statusCode(400)
                .body("detail", equalTo("bad.yaml is not UTF-8 text at line 1, column 1 (byte 0xff); save it as UTF-8 (iconv -f LATIN1 -t UTF-8, say), and apply again"));
    }

    @Test
    void aRawBodyIsLimitedTo1MiBOfUtf8LikeAFile() {
        // 600,000 characters that are 1,200,000 bytes: the watcher would refuse this file, so the API does too.
        String wide = sleeper("api-wide") + "# " + "é".repeat(600_000) + "\n";
        given().contentType("application/yaml; charset=UTF-8").body(wide.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/api/v1/programs?dryRun=true").then().statusCode(400)
                .body("detail", containsString("the manifest is larger than 1 MiB"));
        given().contentType("application/yaml; charset=UTF-8").body(new byte[] {(byte) 0xff, 'a'})
                .post("/api/v1/programs?dryRun=true").then().statusCode(400)
                .body("detail", equalTo("the manifest is not UTF-8 text at line 1, column 1 (byte 0xff); save it as UTF-8 (iconv -f LATIN1 -t UTF-8, say), and apply again"));
        given().contentType("application/yaml; charset=ISO-8859-1").body(sleeper("api-wide", "labels: {e: \u00e9}")
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
                .post("/api/v1/programs?dryRun=true").then().statusCode(400)
                .body("detail", equalTo("the manifest (sent as ISO-8859-1; manifests are read as UTF-8, as files are)"
                        + " is not UTF-8 text at line 10, column 15 (byte 0xe9); save it as UTF-8 (iconv -f LATIN1 -t UTF-8,"
                        + " say), and apply again"));
        given().contentType("application/yaml; charset=UTF-8").body(sleeper("api-wide", "labels: {e: é}")
                        .replace("labels: {e: é}", "environment: {E: été}").getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/api/v1/programs?dryRun=true").then().statusCode(200)
                .body("items[0].action", equalTo("created"));
    }

    @Test
    void aManifestSentWithoutAContentTypeIsTakenAsYaml() throws Exception {
        // curl -T web.yaml sends no Content-Type; the framework would hand it to the multipart method
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:"
                + io.restassured.RestAssured.port + "/api/v1/programs?dryRun=true"))
                .header("Authorization", ApiFixture.AUTHORIZATION)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(sleeper("api-untyped"))).build();
        java.net.http.HttpResponse<String> response = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"program\":\"api-untyped\""), response.body());
    }

    @Test
    void unknownProgramsAndBadParametersAreExplained() {
        given().get("/api/v1/programs/api-nope").then().statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("NotFound"))
                .body("type", equalTo("https://steward.dev/problems/not-found"))
                .body("title", equalTo("Not Found"))
                .body("detail", containsString("steward get programs"))
                .body("errors", hasSize(0));
        given().delete("/api/v1/programs/api-nope").then().statusCode(404).body("code", equalTo("NotFound"));
        given().post("/api/v1/programs/api-nope/scale?replicas=2").then().statusCode(404);
        given().post("/api/v1/programs/api-nope/scale").then().statusCode(400)
                .body("code", equalTo("BadRequest")).body("detail", containsString("replicas is required"));
        given().post("/api/v1/programs/api-nope/scale?replicas=abc").then().statusCode(400)
                .body("detail", containsString("replicas must be a whole number"));
        given().post("/api/v1/programs/api-nope/scale?replicas=-1").then().statusCode(400);
        given().post("/api/v1/programs?dryRun=maybe").then().statusCode(400)
                .body("detail", containsString("dryRun must be true or false"));
        given().put("/api/v1/programs").then().statusCode(405)
                .contentType("application/problem+json").body("code", equalTo("MethodNotAllowed"));
    }

    @Test
    void listFiltersBySelector() {
        apply(ApiFixture.manifest("api-sel-1", "tier: front, suite: api", "exec sleep 1000")
                + "---\n" + ApiFixture.manifest("api-sel-2", "tier: back, suite: api", "exec sleep 1000"))
                .statusCode(200).body("items.action", org.hamcrest.Matchers.contains("created", "created"));
        awaitProgram("api-sel-2", true);
        awaitProgram("api-sel-1", true);
        given().get("/api/v1/programs?selector=tier=front").then().statusCode(200)
                .body("items.name", org.hamcrest.Matchers.contains("api-sel-1"));
        given().get("/api/v1/programs?selector=suite==api,tier!=front").then()
                .body("items.name", org.hamcrest.Matchers.contains("api-sel-2"));
        given().get("/api/v1/programs?selector=!tier").then()
                .body("items.name", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem("api-sel-1")));
        given().get("/api/v1/programs?selector=tier=front,=x").then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("BadRequest"))
                .body("detail", containsString("=x"));
    }

    @Test
    void openApiDocumentsTheApi() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/api/v1/programs'.post.summary", containsString("Apply"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/processes/{name}/logs"));
        given().get("/q/openapi").then().statusCode(200).contentType(containsString("yaml"))
                .body(containsString("  /api/v1/programs/{name}/scale:"));
    }

    @Test
    void openApiAnswersJsonToAnAcceptHeaderThatPrefersIt() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .contentType(containsString("application/json"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/programs/{name}/scale"));
        given().accept("application/json;q=0.5, application/yaml").get("/q/openapi").then()
                .contentType(containsString("yaml"));
        given().accept("text/html, */*;q=0.8").get("/q/openapi").then().contentType(containsString("yaml"));
        // the query parameter, when given, wins over the header
        given().accept("application/json").get("/q/openapi?format=yaml").then().contentType(containsString("yaml"));
        given().accept("application/yaml").get("/q/openapi?format=json").then()
                .contentType(containsString("application/json"));
    }
}
