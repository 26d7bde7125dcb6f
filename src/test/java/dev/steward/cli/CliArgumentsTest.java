package dev.steward.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Selectors, server selection, and the exit code 2 of every kind of usage error (before any request). */
class CliArgumentsTest {
    @TempDir
    Path dir;

    @Test
    void selectorsAreKubectls() {
        assertEquals("tier=web", Selector.normalize("tier=web"));
        assertEquals("tier==web,env!=dev,canary,!legacy", Selector.normalize(" tier == web , env != dev, canary , ! legacy"));
        assertEquals("steward.dev/role=db,k=", Selector.normalize("steward.dev/role=db,k="));
        for (String bad : List.of("", " ", "a=b=c", "a,,b", "=x", "!", "a=b c", "a b", "tier=web,", "-a=b", "a=-b")) {
            CliException e = assertThrows(CliException.class, () -> Selector.normalize(bad), bad);
            assertEquals(2, e.exitCode());
            assertTrue(e.getMessage().startsWith("bad selector"), e.getMessage());
        }
        for (String setBased : List.of("tier in (a,b)", "env notin (dev)", "a=b,tier in(web)")) {
            CliException e = assertThrows(CliException.class, () -> Selector.normalize(setBased), setBased);
            assertEquals("bad selector \"" + setBased + "\": set-based terms (in, notin) are not supported; use k=v, k==v,"
                    + " k!=v, k or !k, separated by commas (e.g. -l tier=web,env!=dev)", e.getMessage());
        }
    }

    @Test
    void serverFlagBeatsEnvironmentBeatsSocketBeatsDefault() throws IOException {
        Map<String, String> env = Map.of("STEWARD_SERVER", "http://10.0.0.1:7000");
        assertEquals("unix:/run/s.sock", Api.resolve("/run/s.sock", env, dir).toString());
        assertEquals("http://10.0.0.1:7000", Api.resolve(null, env, dir).toString());
        assertEquals("http://127.0.0.1:9001", Api.resolve(null, Map.of(), dir).toString());

        Files.createDirectories(dir.resolve(".steward"));
        Files.createFile(dir.resolve(".steward/steward.sock"));
        assertEquals("unix:" + dir.resolve(".steward/steward.sock"), Api.resolve(null, Map.of(), dir).toString());
        assertEquals("http://10.0.0.1:7000", Api.resolve(null, env, dir).toString());

        Files.createDirectories(dir.resolve("state"));
        Files.createFile(dir.resolve("state/steward.sock"));
        assertEquals("unix:" + dir.resolve("state/steward.sock"), Api.resolve(null, Map.of("STEWARD_STATE_DIR", "state"), dir).toString());
        assertEquals("http://127.0.0.1:9001", Api.resolve(null, Map.of("STEWARD_STATE_DIR", "elsewhere"), dir).toString());
    }

    @Test
    void addressForms() {
        assertEquals("http://127.0.0.1:9001", Api.parseAddress("http://127.0.0.1:9001", "x").toString());
        assertEquals("http://127.0.0.1:9001", Api.parseAddress("http://127.0.0.1:9001/", "x").toString());
        assertEquals("http://localhost:80", Api.parseAddress("http://localhost", "x").toString());
        assertEquals("http://example.com:8080", Api.parseAddress("example.com:8080", "x").toString());
        assertEquals("http://[::1]:9001", Api.parseAddress("http://[::1]:9001", "x").toString());
        assertEquals("unix:/tmp/a.sock", Api.parseAddress("unix:/tmp/a.sock", "x").toString());
        assertEquals("unix:/tmp/a.sock", Api.parseAddress("unix:///tmp/a.sock", "x").toString());
        assertEquals("unix:.steward/steward.sock", Api.parseAddress(".steward/steward.sock", "x").toString());
        assertEquals("unix:steward.sock", Api.parseAddress("steward.sock", "x").toString());
        assertEquals(2, assertThrows(CliException.class, () -> Api.parseAddress("http://h:notaport", "x")).exitCode());
        assertEquals(2, assertThrows(CliException.class, () -> Api.parseAddress("http://h:70000", "x")).exitCode());
        assertEquals(2, assertThrows(CliException.class, () -> Api.parseAddress("https://h:1", "x")).exitCode());
    }

    @Test
    void anActionWithoutATimeoutIsWaitedForAsLongAsTheDaemonMayTakeForIt() {
        HttpTransport http = new HttpTransport(HttpTransport.Endpoint.tcp("127.0.0.1", 9), 1000);
        http.answerTimeout(60_000);

        assertEquals("target=web", ActionCommands.query(List.of("web"), null, null), "no --timeout: none sent");
        assertEquals(60_000 + 3_600_000, http.answerMillis("/api/v1/actions/restart?target=web"));
        assertEquals(60_000 + 5_000, http.answerMillis("/api/v1/actions/restart?target=web&timeout=5"));
        assertEquals(60_000, http.answerMillis("/api/v1/processes"));
        assertEquals(60_000, http.answerMillis("/api/v1/actions/signal?target=web&signal=HUP"), "a signal waits for nothing");
        assertTrue(HttpTransport.probes("/api/v1/actions/stop?target=web"));
        assertFalse(HttpTransport.probes("/api/v1/actions/stop?target=web&timeout=5"));
        assertFalse(HttpTransport.probes("/api/v1/actions/signal?target=web&signal=HUP"));
        assertFalse(HttpTransport.probes("/api/v1/processes"));
        assertEquals(dev.steward.supervise.ActionTimeout.CAP.toMillis(), HttpTransport.ACTION_WAIT_CAP_MILLIS,
                "the client's copy of the daemon's longest wait");
    }

    @Test
    void actionTargetsAndGroups() {
        assertEquals("target=web%3A*&target=web%3Aweb-1&target=all&timeout=30",
                ActionCommands.query(List.of("web:*", "web:web-1", "all"), null, 30.0), "the daemon reads GROUP:NAME");
        assertTrue(ActionCommands.names("web:web-1", "web-1", "web"));
        assertTrue(ActionCommands.names("web:*", "web-1", "web"));
        assertTrue(ActionCommands.names("web:", "web-1", "web"));
        assertTrue(ActionCommands.names("all", "web-1", "web"));
        assertTrue(ActionCommands.names("web", "web-1", "web"));
        assertFalse(ActionCommands.names("hello:web-1", "web-1", "web"), "another program's group");
        assertFalse(ActionCommands.names("web:web-2", "web-1", "web"));
        assertEquals("selector=a%3Db&timeout=5", ActionCommands.query(List.of(), "a = b", 5.0));
        assertEquals("target=x&timeout=0.5", ActionCommands.query(List.of("x"), null, 0.5));
        assertEquals(2, assertThrows(CliException.class, () -> ActionCommands.query(List.of("x"), null, 86401.0)).exitCode());
        assertEquals(2, assertThrows(CliException.class, () -> ActionCommands.query(List.of(), null, 30.0)).exitCode());
        assertEquals(2, assertThrows(CliException.class, () -> ActionCommands.query(List.of("x"), "a=b", 30.0)).exitCode());
        assertEquals(2, assertThrows(CliException.class, () -> ActionCommands.query(List.of("x"), null, 0.0)).exitCode());
    }

    @Test
    void programNamesForDeleteAndScale() {
        assertEquals(List.of("web", "api"), DeleteCommand.programNames(List.of("program", "web", "api"), "delete"));
        assertEquals(List.of("web", "api"), DeleteCommand.programNames(List.of("programs/web", "prog/api"), "delete"));
        assertEquals(2, assertThrows(CliException.class, () -> DeleteCommand.programNames(List.of("program/web", "api"), "delete")).exitCode());
        CliException process = assertThrows(CliException.class, () -> DeleteCommand.programNames(List.of("process", "web-0"), "scale"));
        assertTrue(process.getMessage().startsWith("only programs can be scaled"), process.getMessage());
        assertTrue(process.getMessage().contains("a process belongs to its program"), process.getMessage());
        CliException events = assertThrows(CliException.class, () -> DeleteCommand.programNames(List.of("events", "web"), "scale"));
        assertEquals("only programs can be scaled; events are a record of what happened and stay until the daemon stops",
                events.getMessage());
        CliException plain = assertThrows(CliException.class, () -> DeleteCommand.programNames(List.of("web"), "scale"));
        assertEquals(2, plain.exitCode());
        assertEquals("unknown kind \"web\"; to scale program web, write: steward scale program web", plain.getMessage());
        CliRun.Result typed = CliRun.run("scale", "web", "--replicas", "4");
        assertEquals(2, typed.code(), typed::toString);
        assertEquals("error: unknown kind \"web\"; to scale program web, write: steward scale program web --replicas 4\n",
                typed.err(), "a command that works when typed");
    }

    /** Usage errors exit 2 without ever connecting: the server named here does not exist (that would be 3). */
    @Test
    void usageErrorsExit2BeforeContactingTheDaemon() {
        String nowhere = dir.resolve("nobody-listens.sock").toString();
        List<List<String>> cases = List.of(
                List.of(),
                List.of("frobnicate"),
                List.of("get"),
                List.of("get", "widgets"),
                List.of("get", "programs", "-o", "xml"),
                List.of("get", "programs", "--bogus"),
                List.of("get", "programs", "web", "-l", "a=b"),
                List.of("get", "program/web", "web"),
                List.of("get", "events", "-l", "a=b"),
                List.of("get", "programs", "-l", "a=b=c"),
                List.of("describe"),
                List.of("describe", "events"),
                List.of("apply"),
                List.of("apply", "-f", "-", "-f", "-"),
                List.of("diff"),
                List.of("delete"),
                List.of("logs"),
                List.of("logs", "web", "--tail", "-2"),
                List.of("logs", "web", "--tail", "many"),
                List.of("logs", "web", "--limit-bytes", "-3"),
                List.of("logs", "-l", "a=b", "--limit-bytes=-100"),
                List.of("start"),
                List.of("stop", "--timeout", "0", "web"),
                List.of("signal", "HUP"),
                List.of("scale", "program", "web"),
                List.of("scale", "program", "web", "--replicas", "two"),
                List.of("status", "-l", "!"),
                List.of("completion"),
                List.of("completion", "tcsh"),
                List.of("--server", "http://h:x", "get", "programs"));
        for (List<String> args : cases) {
            String[] all = new String[args.size() + 2];
            all[0] = "--server";
            all[1] = nowhere;
            for (int i = 0; i < args.size(); i++) {
                all[i + 2] = args.get(i);
            }
            CliRun.Result r = CliRun.run(Map.of(), dir, "", all);
            assertEquals(2, r.code(), () -> args + " -> " + r);
            assertTrue(r.err().startsWith("error: ") || r.err().startsWith("Usage: "), () -> args + " -> " + r);
        }
    }

    @Test
    void anIntervalOutOfRangeIsQuotedAsGiven() {
        CliRun.Result r = CliRun.run("--server", dir.resolve("nobody-listens.sock").toString(), "top", "--interval", "61");
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("--interval takes from 0.1 to 60 seconds (got 61)"), r.err());
    }

    @Test
    void helpExits0AndNoDaemonExits3WithHowToStartIt() {
        CliRun.Result help = CliRun.run("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("Commands:"), help.out());
        assertEquals(0, CliRun.run("get", "--help").code());
        CliRun.Result helpVerb = CliRun.run("help");
        assertEquals(0, helpVerb.code(), helpVerb::toString);
        assertEquals(help.out(), helpVerb.out(), "supervisorctl's and kubectl's help verb");
        CliRun.Result helpGet = CliRun.run("help", "get");
        assertEquals(0, helpGet.code(), helpGet::toString);
        assertEquals(CliRun.run("get", "--help").out(), helpGet.out());
        CliRun.Result helpNothing = CliRun.run("help", "nosuch");
        assertEquals(2, helpNothing.code(), helpNothing::toString);
        assertTrue(helpNothing.err().contains("'nosuch'"), helpNothing::toString);
        CliRun.Result typo = CliRun.run("hepl");
        assertTrue(typo.err().contains("Did you mean: steward help"), typo::toString);

        CliRun.Result r = CliRun.run(Map.of(), dir, "", "--server", dir.resolve("nobody.sock").toString(), "get", "programs");
        assertEquals(3, r.code(), r::toString);
        assertTrue(r.err().startsWith("error: cannot reach the Steward daemon at unix:" + dir.resolve("nobody.sock") + " (no such socket)."), r.err());
        assertTrue(r.err().contains("bin/steward serve"), r.err());

        CliRun.Result stateDir = CliRun.run(Map.of("STEWARD_SERVER", dir.toString()), dir, "", "logs", "web-0");
        assertEquals(3, stateDir.code(), stateDir::toString);
        assertTrue(stateDir.err().startsWith("error: cannot reach the Steward daemon at unix:" + dir + " (that is a directory,"
                + " not a socket; the daemon's socket is steward.sock in its state directory: --server "
                + dir.resolve("steward.sock") + ")."), stateDir.err());
    }

    @Test
    void verbHelpSaysWhatTheVerbDoes() {
        // signal took --timeout from the verbs it shares its options with, described as a wait it never makes
        assertTrue(CliRun.run("signal", "--help").out().replaceAll("\\s+", " ").contains("signal waits for nothing"),
                () -> CliRun.run("signal", "--help").out());
        // picocli wrapped each of the description's lines apart, leaving "when a" on a line of its own
        String rollout = CliRun.run("rollout", "--help").out();
        assertTrue(rollout.replaceAll("\\s+", " ").contains("exit 1 when a process ends FATAL, or EXITED unexpectedly under restartPolicy"
                + " Never, or the timeout passes."), rollout);
        assertFalse(rollout.lines().anyMatch(line -> line.strip().equals("when a")), rollout);
        String delete = CliRun.run("delete", "--help").out();
        assertTrue(delete.contains("[program NAME...]") && !delete.contains("NAME...."), delete);
    }

    @Test
    void theDefaultAddressSaysWhereItLookedForASocket() {
        try (java.net.Socket taken = new java.net.Socket("127.0.0.1", 9001)) {
            org.junit.jupiter.api.Assumptions.abort("a daemon listens on the default port 9001 here");
        } catch (IOException free) {
            // nothing there: the client must say it found nothing
        }
        CliRun.Result r = CliRun.run(Map.of("STEWARD_STATE_DIR", "nowhere"), dir, "", "get", "processes");
        assertEquals(3, r.code(), r::toString);
        assertTrue(r.err().startsWith("error: cannot reach the Steward daemon at http://127.0.0.1:9001 ("), r.err());
        assertTrue(r.err().contains("; no socket at " + dir.resolve("nowhere/steward.sock") + ")."), r.err());
    }

    @Test
    void aDotEnvHereIsSaidNotToBeReadWhenNoSocketIsFound() throws IOException {
        try (java.net.Socket taken = new java.net.Socket("127.0.0.1", 9001)) {
            org.junit.jupiter.api.Assumptions.abort("a daemon listens on the default port 9001 here");
        } catch (IOException free) {
            // nothing there: the client must say it found nothing
        }
        // The daemon started here took its state directory from it; the client looks in ./.steward
        java.nio.file.Files.writeString(dir.resolve(".env"), "STEWARD_STATE_DIR=/srv/steward\n");
        CliRun.Result r = CliRun.run(Map.of(), dir, "", "get", "processes");
        assertEquals(3, r.code(), r::toString);
        assertTrue(r.err().contains("; no socket at " + dir.resolve(".steward/steward.sock") + " (the client does not read"
                + " ./.env: if it sets STEWARD_STATE_DIR for the daemon, export that here too, or pass --server))."), r.err());
    }

    @Test
    void serverOptionWorksBeforeOrAfterTheVerb() {
        String nowhere = "http://127.0.0.1:1";
        CliRun.Result before = CliRun.run(Map.of(), dir, "", "--server", nowhere, "status");
        CliRun.Result after = CliRun.run(Map.of(), dir, "", "status", "--server", nowhere);
        CliRun.Result env = CliRun.run(Map.of("STEWARD_SERVER", nowhere), dir, "", "status");
        for (CliRun.Result r : List.of(before, after, env)) {
            assertEquals(4, r.code(), "status's 4, supervisorctl's \"unknown\", where other verbs exit 3; " + r);
            assertTrue(r.err().startsWith("error: cannot reach the Steward daemon at http://127.0.0.1:1 ("), r.err());
        }
    }

    @Test
    void supervisorctlsVerbsSayWhatToTypeInstead() {
        // Nothing listens at this address: the answer comes before any request.
        Map<String, String> nowhere = Map.of("STEWARD_SERVER", "http://127.0.0.1:1");
        Map<List<String>, String> advice = Map.of(
                List.of("tail", "-f", "web-0", "stderr"), "type: steward logs web-0 -f --stderr",
                List.of("tail", "-1600", "hello"), "type: steward logs hello --limit-bytes 1600",
                // GROUP:NAME said as steward names it: the process's own name, or the program's first running process
                List.of("tail", "-f", "web:web-0", "stderr"), "type: steward logs web-0 -f --stderr\n",
                List.of("tail", "web:*"), "type: steward logs program/web\n",
                List.of("tail", "web-0", "nope"), "type: steward logs web-0 (the word after the name is stdout or stderr,"
                        + " not \"nope\")\n",
                List.of("avail"), "type: steward get programs",
                List.of("pid", "web"), "type: steward get processes web -o wide (its PID column)",
                List.of("--server", "/tmp/x.sock", "reread"), "it is not needed: the manifest directory is watched",
                List.of("shutdown"), "stop the daemon with SIGTERM");
        advice.forEach((line, said) -> {
            CliRun.Result r = CliRun.run(nowhere, dir, "", line.toArray(String[]::new));
            assertEquals(2, r.code(), r::toString);
            String verb = line.get(0).equals("--server") ? line.get(2) : line.get(0);
            assertTrue(r.err().startsWith("error: steward has no '" + verb + "' (supervisorctl's): " + said), r.err());
        });
        assertTrue(CliRun.run(nowhere, dir, "", "frobnicate").err().startsWith("error: Unmatched argument"),
                "any other word is picocli's usage error");
    }

    @Test
    void kubectlsVerbsThatChangeObjectsSayWhatToDoInstead() {
        // "edit" was answered "Did you mean: steward diff?"
        Map<String, String> nowhere = Map.of("STEWARD_SERVER", "http://127.0.0.1:1");
        Map<List<String>, String> advice = Map.of(
                List.of("edit", "program", "web"), "a program is edited in its manifest file, which the daemon watches:"
                        + " open the file that steward get program web -o wide names (SOURCE) in your editor; once saved"
                        + " it is in force, or, if it is invalid, the last good version runs on and steward describe"
                        + " program web says why",
                List.of("edit", "program/web"), "open the file that steward get program web -o wide names",
                List.of("help", "edit"), "open the file that steward get program NAME -o wide names",
                List.of("create", "-f", "web.yaml"), "type: steward apply -f FILE",
                List.of("label", "program", "web", "tier=x"), "edit the file that steward get program web -o wide names");
        advice.forEach((line, said) -> {
            CliRun.Result r = CliRun.run(nowhere, dir, "", line.toArray(String[]::new));
            assertEquals(2, r.code(), r::toString);
            String verb = line.get(0).equals("help") ? line.get(1) : line.get(0);
            assertTrue(r.err().startsWith("error: steward has no '" + verb + "' (kubectl's): "), r.err());
            assertTrue(r.err().contains(said), r.err());
        });
    }

    @Test
    void kubectlsVerbsNameTheProgramPastOptionsAndSubcommandsAndNoOtherWord() {
        // set env program web named the program "program"; label web tier=x named it "tier=x"; a process, its own name
        Map<String, String> nowhere = Map.of("STEWARD_SERVER", "http://127.0.0.1:1");
        Map<List<String>, String> advice = Map.of(
                List.of("set", "env", "program", "web", "A=1"), "edit the file that steward get program web -o wide names",
                List.of("set", "image", "prog/web", "x=y"), "edit the file that steward get program web -o wide names",
                List.of("edit", "-o", "yaml", "program", "web"), "open the file that steward get program web -o wide names",
                List.of("label", "web", "tier=x"), "edit the file that steward get program NAME -o wide names",
                List.of("edit", "process", "web-0"), "open the file that steward get program NAME -o wide names");
        advice.forEach((line, said) -> {
            CliRun.Result r = CliRun.run(nowhere, dir, "", line.toArray(String[]::new));
            assertEquals(2, r.code(), r::toString);
            assertTrue(r.err().contains(said), r.err());
        });
    }

    @Test
    void rolloutSaysWhatItTakesBeforeAnyRequest() {
        Map<String, String> nowhere = Map.of("STEWARD_SERVER", "http://127.0.0.1:1");
        Map<List<String>, String> usage = Map.of(
                List.of("rollout", "frob", "program/web"), "error: unknown rollout action \"frob\": use status or restart",
                List.of("rollout", "status", "web"), "error: unknown kind \"web\"; to rollout status program web, write:"
                        + " steward rollout status program web",
                List.of("rollout", "status", "program/web", "program/api"), "error: one program: steward rollout status program NAME",
                List.of("rollout", "history", "program/web"), "error: Steward keeps no revisions",
                List.of("rollout", "status", "program/web", "--timeout", "0"), "error: --timeout must be more than 0",
                List.of("rollout", "status", "process/web-0"), "error: only programs roll out; a process belongs to its program:"
                        + " steward rollout status program NAME, with its program's name (steward get processes -o wide shows it)",
                List.of("rollout", "restart", "ev/1"), "error: only programs roll out; events are a record of what happened:"
                        + " steward rollout restart program NAME");
        usage.forEach((line, said) -> {
            CliRun.Result r = CliRun.run(nowhere, dir, "", line.toArray(String[]::new));
            assertEquals(2, r.code(), r::toString);
            assertTrue(r.err().startsWith(said), r.err());
        });
    }

    @Test
    void rolloutProgressCountsUpdatedProcessesThenOldOnesThenRunningOnes() {
        assertEquals(new RolloutCommand.Progress("1 of 2 processes have been updated", null), progress(2,
                "\"name\": \"web-0\", \"state\": \"RUNNING\"", "\"name\": \"web-1\", \"state\": \"RUNNING\", \"outdated\": true"));
        assertEquals(new RolloutCommand.Progress("1 of 2 updated processes are running", null), progress(2,
                "\"name\": \"web-0\", \"state\": \"RUNNING\"", "\"name\": \"web-1\", \"state\": \"STOPPED\", \"startsAgain\": true"));
        assertEquals(new RolloutCommand.Progress("1 old process is stopping", null), progress(1,
                "\"name\": \"web-0\", \"state\": \"RUNNING\"", "\"name\": \"web-1\", \"state\": \"STOPPING\", \"removed\": true"));
        String completed = "\"name\": \"job-0\", \"state\": \"EXITED\", \"lastExit\": {\"expected\": true}";
        String byHand = "\"name\": \"job-1\", \"state\": \"STOPPED\", \"stoppedByHand\": true";
        String running = "\"name\": \"job-2\", \"state\": \"RUNNING\"";
        assertEquals(new RolloutCommand.Progress(null, null), progress(3, completed, byHand, running));
        assertEquals(new RolloutCommand.Progress("2 of 3 updated processes are running", null),
                progress(3, completed.replace("true", "false"), byHand, running), "a crash is no completion");
        assertEquals(new RolloutCommand.Progress("2 of 3 processes have been updated", null), progress(3, byHand, running),
                "a process yet to be made counts as not updated");
        String failedOnce = "\"name\": \"job-0\", \"state\": \"EXITED\", \"lastExit\": {\"expected\": false}";
        assertTrue(progressUnder("Never", 1, failedOnce).failure().startsWith("program \"web\" rollout stopped: job-0 exited"
                + " unexpectedly and its restartPolicy is Never"), "a one-shot that failed stays down: no wait for the timeout");
        assertEquals(new RolloutCommand.Progress("0 of 1 updated processes are running", null),
                progressUnder("Always", 1, completed), "under Always an exit, even expected, is followed by a start");
        assertTrue(progress(1, "\"name\": \"web-0\", \"state\": \"FATAL\", \"spawnError\": \"no such file\"").failure()
                .startsWith("program \"web\" rollout stopped: web-0 is FATAL (no such file); see why with `steward logs web-0"
                        + " --stderr`"));
        RolloutCommand.Progress redirected = RolloutCommand.Progress.of("web", Json.parse("{\"replicas\": 1, \"spec\":"
                + " {\"restartPolicy\": \"OnFailure\", \"logs\": {\"redirectStderr\": true}}, \"processes\": [{\"name\":"
                + " \"web-0\", \"state\": \"FATAL\"}]}"));
        assertTrue(redirected.failure().contains("see why with `steward logs web-0` and"), "its stderr is in stdout: "
                + redirected.failure());
        assertTrue(RolloutCommand.Progress.of("web", Json.parse("{\"replicas\": 1, \"manifestError\": \"/m/web.yaml:3:1: spec:"
                + " unknown field\", \"processes\": []}")).failure().startsWith("program \"web\" cannot roll out: its manifest"
                + " file is invalid, so the last good version stays in force: /m/web.yaml:3:1: spec: unknown field;"));
        assertEquals(new RolloutCommand.Progress("the processes of the program it replaces are still stopping", null),
                RolloutCommand.Progress.of("web", Json.parse("{\"replicas\": 1, \"waiting\": true, \"processes\": []}")));
    }

    /** The progress of program web with {@code replicas}, whose processes have these members. */
    private static RolloutCommand.Progress progress(int replicas, String... processes) {
        return progressUnder("OnFailure", replicas, processes);
    }

    /** The same, under {@code restartPolicy}. */
    private static RolloutCommand.Progress progressUnder(String restartPolicy, int replicas, String... processes) {
        return RolloutCommand.Progress.of("web", Json.parse("{\"replicas\": " + replicas + ", \"spec\": {\"restartPolicy\": \""
                + restartPolicy + "\"}, \"processes\": [{" + String.join("}, {", processes) + "}]}"));
    }
}
