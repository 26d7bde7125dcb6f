package dev.steward.cli;

import dev.steward.cli.FakeDaemon.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every verb against a fake daemon on a unix socket: exact output, exit codes, the requests sent. */
class CliCommandsTest {
    private static final String ZERO_REPLICAS = "{\"name\": \"zero\", \"replicas\": 0, \"processes\": [], \"waiting\": false}";

    @TempDir
    Path dir;
    FakeDaemon daemon;

    @BeforeEach
    void start() throws IOException {
        daemon = FakeDaemon.unix(dir.resolve("steward.sock"));
    }

    @AfterEach
    void stop() throws IOException {
        daemon.close();
    }

    CliRun.Result cli(String... args) {
        return cliIn("", args);
    }

    CliRun.Result cliIn(String stdin, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--server";
        all[1] = daemon.address;
        System.arraycopy(args, 0, all, 2, args.length);
        return CliRun.run(Map.of(), dir, stdin, all);
    }

    @Test
    void getProgramsTable() {
        daemon.on("GET", "/programs", Answer.json(Fixtures.PROGRAMS));
        CliRun.Result r = cli("get", "programs");
        assertEquals(0, r.code(), r::toString);
        assertEquals("""
                NAME    READY   UP-TO-DATE   STATUS    RESTARTS      AGE
                hello   0/1     1            STOPPED   0             -
                web     1/2     1            BACKOFF   5 (30s ago)   61m
                """, r.out(), "web-0 still runs the spec from before an edit");
        assertEquals("", r.err());
        // web-1 too
        daemon.on("GET", "/programs", Answer.json(Fixtures.PROGRAMS.replace("\"spawnError\": \"Exited too quickly\"",
                "\"outdated\": true, \"spawnError\": \"Exited too quickly\"")));
        assertEquals("""
                NAME    READY   UP-TO-DATE   STATUS    RESTARTS      AGE
                hello   0/1     1            STOPPED   0             -
                web     1/2     0            BACKOFF   5 (30s ago)   61m
                """, cli("get", "programs").out());
    }

    @Test
    void topReadsTheUsageTwiceAndShowsCoresMemoryAndProcesses() {
        String web0 = "{\"name\": \"web-0\", \"program\": \"web\", \"pid\": 1234, \"state\": \"RUNNING\","
                + " \"usage\": {\"cpuSeconds\": %s, \"memoryBytes\": 36700160, \"processes\": 3}}";
        String web1 = "{\"name\": \"web-1\", \"program\": \"web\", \"pid\": %d, \"state\": \"RUNNING\","
                + " \"usage\": {\"cpuSeconds\": 1.0, \"memoryBytes\": 1048576, \"processes\": 1}}";
        String hello = "{\"name\": \"hello\", \"program\": \"hello\", \"pid\": null, \"state\": \"STOPPED\"}";
        int[] calls = {0};
        daemon.on("GET", "/processes?usage=true", req -> Answer.json("{\"items\": [" + hello + ", "
                + web0.formatted("2.5") + ", " + web1.formatted(calls[0]++ % 2 == 0 ? 77 : 78) + "]}"));
        CliRun.Result r = cli("top", "--interval", "0.1");
        assertEquals(0, r.code(), r::toString);
        assertEquals("""
                NAME    CPU(cores)   MEMORY(bytes)   PIDS
                web-0   0m           35Mi            3
                web-1   -            1Mi             1
                """, r.out(), "web-1 restarted between the readings: its rate is not known; hello is not running");
        assertEquals(2, daemon.requests.size());

        CliRun.Result programs = cli("top", "prog", "--sort-by", "memory", "--no-headers", "--interval", "0.1");
        assertEquals("web   -     36Mi   4\n", programs.out(), programs::toString);
        CliRun.Result one = cli("top", "web:web-0", "--interval", "0.1");
        assertEquals("web-0   0m           35Mi            3\n", one.out().lines().skip(1).findFirst().orElse("") + "\n");
        CliRun.Result stopped = cli("top", "hello", "--interval", "0.1");
        assertEquals(0, stopped.code());
        assertEquals("no running processes among those asked for\n", stopped.err());

        int readings = daemon.requests.size();
        CliRun.Result unknown = cli("top", "nope", "--interval", "0.1");
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().startsWith("error: no process or program named \"nope\""), unknown::toString);
        assertEquals(List.of("GET /processes?usage=true", "GET /programs/nope"), daemon.requests.subList(readings,
                daemon.requests.size()).stream().map(q -> q.method() + " " + q.target()).toList(), "said at the first reading");
        daemon.on("GET", "/programs/zero", Answer.json(ZERO_REPLICAS));
        CliRun.Result zero = cli("top", "zero", "--interval", "0.1");
        assertEquals(0, zero.code(), zero::toString);
        assertTrue(zero.err().startsWith("zero: no processes (0 replicas"), zero::toString);
        assertEquals(2, cli("top", "--sort-by", "pid").code());
        assertEquals(2, cli("top", "--interval", "0").code());
        assertEquals(2, cli("top", "web", "-l", "tier=frontend").code());
    }

    @Test
    void topShowsARunningProcessTheDaemonFoundNoUsageForAsUnknownNotAsStopped() {
        daemon.on("GET", "/processes?usage=true", Answer.json("{\"items\": [{\"name\": \"web-0\", \"program\": \"web\","
                + " \"pid\": 1234, \"state\": \"RUNNING\"}]}"));
        CliRun.Result r = cli("top", "--interval", "0.1");
        assertEquals(0, r.code(), r::toString);
        assertEquals("""
                NAME    CPU(cores)   MEMORY(bytes)   PIDS
                web-0   -            -               -
                """, r.out());
    }

    @Test
    void topsCoresAreTheCpuTimeOfOneRunOverTheTimeBetweenTheReadings() {
        Object before = Json.parse("{\"pid\": 7, \"usage\": {\"cpuSeconds\": 1.25}}");
        assertEquals(0.5, TopCommand.cores(before, Json.parse("{\"pid\": 7, \"usage\": {\"cpuSeconds\": 1.75}}"), 1.0));
        assertEquals(0.0, TopCommand.cores(before, Json.parse("{\"pid\": 7, \"usage\": {\"cpuSeconds\": 1.0}}"), 1.0),
                "a member that ended unwaited for: not negative");
        assertEquals(-1, TopCommand.cores(before, Json.parse("{\"pid\": 8, \"usage\": {\"cpuSeconds\": 0.1}}"), 1.0));
        assertEquals(-1, TopCommand.cores(null, Json.parse("{\"pid\": 8, \"usage\": {\"cpuSeconds\": 0.1}}"), 1.0));
        Object at0 = Json.parse("{\"usage\": {\"sampledAt\": \"2026-12-07T04:00:00.250Z\"}}");
        Object at1 = Json.parse("{\"usage\": {\"sampledAt\": \"2026-12-07T04:00:01.750Z\"}}");
        assertEquals(1.5, TopCommand.elapsed(List.of(at0), List.of(at1), 9.0), "the daemon's reading times, not the client's");
        assertEquals(9.0, TopCommand.elapsed(List.of(at0), List.of(Json.parse("{}")), 9.0));
        assertEquals("0Mi", TopCommand.memory(400_000));
        assertEquals("1234Mi", TopCommand.memory(1234L * 1024 * 1024 + 1024 * 1024 - 1), "rounded down, as kubectl");
    }

    @Test
    void aProgramWaitingForItsRemovedNamesakeReadsWaiting() {
        String dd = "{\"name\": \"dd\", \"replicas\": 1, \"ready\": 0, \"source\": \"/srv/manifests/dd.yaml\","
                + " \"processes\": [], \"waiting\": true}";
        daemon.on("GET", "/programs", Answer.json("{\"items\": [" + dd + "]}"));
        daemon.on("GET", "/programs/dd", Answer.json(dd));
        daemon.on("GET", "/events", Answer.json("{\"items\": []}"));
        CliRun.Result r = cli("get", "programs");
        assertEquals("""
                NAME   READY   UP-TO-DATE   STATUS    RESTARTS   AGE
                dd     0/1     0            WAITING   0          -
                """, r.out(), r::toString);
        CliRun.Result d = cli("describe", "program", "dd");
        assertEquals(0, d.code(), d::toString);
        assertTrue(d.out().contains("Processes:  <none yet: it starts once the processes of the removed program of its name"
                + " have stopped>\n"), d::toString);
        daemon.on("GET", "/programs", Answer.json("{\"items\": [" + dd.replace("\"replicas\": 1", "\"replicas\": 0") + "]}"));
        assertEquals("""
                NAME   READY   UP-TO-DATE   STATUS   RESTARTS   AGE
                dd     0/0     0            -        0          -
                """, cli("get", "programs").out(), "scaled to 0 while it waits: nothing to wait for");
    }

    @Test
    void getProcessesTableAndWide() {
        daemon.on("GET", "/processes", Answer.json(Fixtures.PROCESSES));
        CliRun.Result r = cli("get", "processes");
        assertEquals(0, r.code(), r::toString);
        assertEquals("""
                NAME    READY   STATUS    RESTARTS      AGE
                hello   0/1     STOPPED   0             -
                web-0   1/1     RUNNING   5 (30s ago)   62s
                web-1   0/1     BACKOFF   0             61m
                """, r.out());
        CliRun.Result wide = cli("get", "ps", "-o", "wide");
        assertEquals("""
                NAME    READY   STATUS    RESTARTS      AGE   PID    PROGRAM   LAST EXIT
                hello   0/1     STOPPED   0             -     -      hello     <none>
                web-0   1/1     RUNNING   5 (30s ago)   62s   1234   web       exit 1 (Error)
                web-1   0/1     BACKOFF   0             61m   -      web       SIGKILL (Killed)
                """, wide.out());
    }

    @Test
    void getLeavesOutTheHeaderWithNoHeaders() {
        daemon.on("GET", "/processes", Answer.json(Fixtures.PROCESSES));
        CliRun.Result r = cli("get", "processes", "--no-headers");
        assertEquals(0, r.code(), r::toString);
        assertEquals("""
                hello   0/1   STOPPED   0             -
                web-0   1/1   RUNNING   5 (30s ago)   62s
                web-1   0/1   BACKOFF   0             61m
                """, r.out());
        assertEquals("""
                hello   0/1   STOPPED   0             -     -      hello   <none>
                web-0   1/1   RUNNING   5 (30s ago)   62s   1234   web     exit 1 (Error)
                web-1   0/1   BACKOFF   0             61m   -      web     SIGKILL (Killed)
                """, cli("get", "ps", "-o", "wide", "--no-headers").out());
    }

    @Test
    void watchWithNoHeadersPrintsRowsOnly() {
        web0StopsWhileWatched();
        CliRun.Result r = cli("get", "processes", "-w", "--no-headers");
        assertEquals("""
                web-0   1/1   RUNNING    5 (30s ago)    62s
                web-0   0/1   STOPPED    5 (30s ago)    62s
                """, r.out());
    }

    @Test
    void getTakesSeveralNamesAndAProgramsNameForItsProcesses() {
        daemon.on("GET", "/processes", Answer.json(Fixtures.PROCESSES));
        daemon.on("GET", "/processes/web", Answer.problem(404, "NotFound", "no process named web"));
        daemon.on("GET", "/programs/web", Answer.json(Fixtures.WEB));
        daemon.on("GET", "/programs/zero", Answer.json(ZERO_REPLICAS));
        daemon.on("GET", "/programs/hello", Answer.json(Fixtures.HELLO_PROGRAM));
        daemon.on("GET", "/programs/nope", Answer.problem(404, "NotFound", "no program named \"nope\""));

        CliRun.Result two = cli("get", "processes", "web-1", "hello", "-o", "name");
        assertEquals(0, two.code(), two::toString);
        assertEquals("process/web-1\nprocess/hello\n", two.out(), "in the order asked for");
        assertEquals("process/web-0\nprocess/web-1\n", cli("get", "processes", "web", "-o", "name").out());
        assertEquals("process/web-1\n", cli("get", "processes", "web:web-1", "-o", "name").out());

        CliRun.Result missing = cli("get", "processes", "web-0", "nope");
        assertEquals(1, missing.code(), missing::toString);
        assertTrue(missing.out().contains("web-0   1/1     RUNNING"), missing.out());
        assertEquals("error: no process or program named \"nope\"; run `steward get processes` to list them\n", missing.err());

        CliRun.Result zero = cli("get", "processes", "zero");
        assertEquals(0, zero.code(), zero::toString);
        assertEquals("", zero.out());
        assertEquals("program zero has no processes (0 replicas; scale it up: steward scale program zero --replicas 1)\n",
                zero.err());

        CliRun.Result noSuchReplica = cli("get", "processes", "web:web-5");
        assertEquals(1, noSuchReplica.code(), noSuchReplica::toString);
        assertEquals("error: no process or program named \"web:web-5\"; run `steward get processes` to list them\n",
                noSuchReplica.err(), "web has replicas: web-5 is not one of them");
        daemon.on("GET", "/programs/web_01", Answer.problem(404, "NotFound", "no program named \"web_01\""));
        for (String supervisors : List.of("web_01", "web:web_01")) {
            CliRun.Result old = cli("get", "processes", supervisors);
            assertEquals(1, old.code(), old::toString);
            assertEquals("error: no process or program named \"" + supervisors + "\"; did you mean web-1? (Supervisor's"
                    + " process_name web_00 is web-0 here)\n", old.err(), "as the daemon answers for one process by name");
        }
        daemon.on("GET", "/programs/web_07", Answer.problem(404, "NotFound", "no program named \"web_07\""));
        assertEquals("error: no process or program named \"web_07\"; run `steward get processes` to list them\n",
                cli("get", "processes", "web_07").err(), "no web-7 to point at");
        daemon.on("GET", "/programs/db", Answer.json("{\"name\": \"db\", \"replicas\": 1, \"processes\": [], \"waiting\": true}"));
        assertEquals("program db has no processes (not yet: it waits for the processes of the removed program of its name"
                + " to stop)\n", cli("get", "processes", "db").err());

        CliRun.Result programs = cli("get", "programs", "hello", "nope", "-o", "json");
        assertEquals(1, programs.code(), programs::toString);
        assertEquals(1, Json.list(Json.obj(Json.parse(programs.out())).get("items")).size(), programs.out());
        assertEquals("error: no program named \"nope\"\n", programs.err());
    }

    @Test
    void oneProcessNameThatNamesNothingPrintsNoEmptyListForAScriptToRead() {
        daemon.on("GET", "/processes", Answer.json(Fixtures.PROCESSES));
        daemon.on("GET", "/programs", Answer.json(Fixtures.PROGRAMS));
        daemon.on("GET", "/programs/zero", Answer.json(ZERO_REPLICAS));
        for (String format : List.of("json", "yaml", "name")) {
            // as kubectl's get pod nope -o json, and as get program nope -o json here
            CliRun.Result process = cli("get", "processes", "nope", "-o", format);
            assertEquals(1, process.code(), process::toString);
            assertEquals("", process.out(), format);
            assertEquals("error: no process or program named \"nope\"; run `steward get processes` to list them\n", process.err());
            CliRun.Result program = cli("get", "programs", "nope", "-o", format);
            assertEquals(1, program.code(), program::toString);
            assertEquals("", program.out(), format);
        }
        CliRun.Result two = cli("get", "processes", "nope", "nope2", "-o", "json");
        assertEquals(1, two.code(), two::toString);
        assertEquals("{\n  \"items\": []\n}\n", two.out(), "several names are a list, of none here, as kubectl's");
        CliRun.Result zero = cli("get", "processes", "zero", "-o", "json");
        assertEquals(0, zero.code(), zero::toString);
        assertEquals("{\n  \"items\": []\n}\n", zero.out(), "a program's name stands for its processes: none");
    }

    @Test
    void namesArePercentEncodedInThePathWithASpaceAsPercent20() {
        daemon.on("GET", "/programs/a%20b%2Bc%25d", Answer.json(Fixtures.WEB));
        daemon.on("GET", "/events", Answer.json(Fixtures.EVENTS));
        CliRun.Result r = cli("describe", "program", "a b+c%d");
        assertEquals("/programs/a%20b%2Bc%25d", daemon.requests.get(0).target(), r::toString);
    }

    @Test
    void aNameTheServerWouldNotSeeAsANameIsNotFoundWithoutAsking() {
        // As the daemon's HTTP server answers them: dot segments removed, so /programs/. is the list, /programs/.. nothing.
        for (String collection : List.of("/programs", "/processes")) {
            String list = collection.equals("/programs") ? Fixtures.PROGRAMS : Fixtures.PROCESSES;
            daemon.on("GET", collection, Answer.json(list));
            daemon.on("GET", collection + "/", Answer.json(list));
            daemon.on("GET", collection + "/.", Answer.json(list));
            daemon.on("GET", collection + "/..", Answer.problem(404, "NotFound", "no such API resource; see /q/openapi for the API"));
        }
        for (String name : List.of("", ".", "..")) {
            CliRun.Result program = cli("get", "program", name);
            assertEquals(1, program.code(), program::toString);
            assertEquals("error: no program named \"" + name + "\"; run `steward get programs` to list them\n", program.err());
            CliRun.Result slash = cli("get", "program/" + name);
            assertEquals(program, slash, "get program/" + name);

            CliRun.Result process = cli("get", "processes", name);
            assertEquals(1, process.code(), process::toString);
            assertEquals("error: no process or program named \"" + name + "\"; run `steward get processes` to list them\n",
                    process.err());

            CliRun.Result described = cli("describe", "process", name);
            assertEquals(1, described.code(), described::toString);
            assertEquals("", described.out());

            CliRun.Result status = cli("status", name);
            assertEquals(4, status.code(), status::toString);
            assertEquals(name + ": ERROR (no such process)\n", status.out());
        }
    }

    @Test
    void selectorIsSentNormalized() {
        daemon.on("GET", "/processes", Answer.json("{\"items\": [" + Fixtures.WEB_0 + "]}"));
        CliRun.Result r = cli("get", "processes", "-l", "tier = frontend, !canary");
        assertEquals(0, r.code(), r::toString);
        assertEquals("/processes?selector=tier%3Dfrontend%2C%21canary", daemon.last().target());
    }

    @Test
    void emptyListSaysSoOnStderr() {
        daemon.on("GET", "/programs", Answer.json("{\"items\": []}"));
        CliRun.Result r = cli("get", "programs", "-l", "tier=none");
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.out());
        assertEquals("No programs found.\n", r.err());
    }

    @Test
    void jsonOutputIsAnItemsListOrTheObject() {
        daemon.on("GET", "/processes", Answer.json("{\"items\": [" + Fixtures.HELLO + "]}"));
        daemon.on("GET", "/processes/hello", Answer.json(Fixtures.HELLO));
        CliRun.Result list = cli("get", "processes", "-o", "json");
        assertEquals(0, list.code(), list::toString);
        Object parsed = Json.parse(list.out());
        List<Object> items = Json.list(Json.obj(parsed).get("items"));
        assertEquals(1, items.size());
        assertEquals("hello", Json.str(items.get(0), "name"));
        assertEquals("STOPPED", Json.str(items.get(0), "state"));
        assertTrue(list.out().startsWith("{\n  \"items\": [\n    {\n      \"name\": \"hello\",\n"), list.out());

        CliRun.Result one = cli("get", "process/hello", "-o", "json");
        assertEquals(0, one.code(), one::toString);
        assertEquals("hello", Json.str(Json.parse(one.out()), "program"));
        assertEquals(null, Json.obj(Json.parse(one.out())).get("lastExit"));
        assertTrue(Json.obj(Json.parse(one.out())).containsKey("lastExit"));
    }

    @Test
    void yamlAndNameOutput() {
        daemon.on("GET", "/processes", Answer.json("{\"items\": [" + Fixtures.WEB_0 + "]}"));
        CliRun.Result yaml = cli("get", "processes", "-o", "yaml");
        assertEquals(0, yaml.code(), yaml::toString);
        assertTrue(yaml.out().startsWith("items:\n- name: web-0\n  program: web\n  index: 0\n  state: RUNNING\n"), yaml.out());
        assertTrue(yaml.out().contains("  lastExit:\n    exitCode: 1\n    signal: null\n"), yaml.out());

        daemon.on("GET", "/programs", Answer.json(Fixtures.PROGRAMS));
        CliRun.Result names = cli("get", "programs", "-o", "name");
        assertEquals("program/hello\nprogram/web\n", names.out());
    }

    @Test
    void notFoundIsProblemDetailOnStderrAndExit1() {
        daemon.on("GET", "/programs/wbe", Answer.problem(404, "NotFound",
                "no program or process named \"wbe\"; run `steward get programs` to list them"));
        CliRun.Result r = cli("get", "program", "wbe");
        assertEquals(1, r.code(), r::toString);
        assertEquals("", r.out());
        assertEquals("error: no program or process named \"wbe\"; run `steward get programs` to list them\n", r.err());
    }

    @Test
    void badRequestFromTheServerIsAUsageError() {
        daemon.on("GET", "/programs", Answer.problem(400, "BadRequest", "bad selector term \"a=b=c\""));
        CliRun.Result r = cli("get", "programs", "-l", "a=b");
        assertEquals(2, r.code(), r::toString);
        assertEquals("error: bad selector term \"a=b=c\"\n", r.err());
    }

    @Test
    void aDaemonThatCannotTakeActionsNowExitsAsOneThatCannotBeReached() {
        daemon.on("POST", "/actions/start", Answer.problem(503, "Unavailable",
                "the daemon is shutting down: it is stopping every process and takes no other action; run this again once it has started"));
        CliRun.Result r = cli("start", "web");
        assertEquals(3, r.code(), r::toString);
        assertEquals("error: the daemon is shutting down: it is stopping every process and takes no other action;"
                + " run this again once it has started\n", r.err());
    }

    @Test
    void getEventsTableAndForOneObject() {
        daemon.on("GET", "/events", Answer.json(Fixtures.EVENTS));
        CliRun.Result r = cli("get", "events");
        assertEquals(0, r.code(), r::toString);
        assertEquals("""
                LAST SEEN         TYPE      REASON    OBJECT          MESSAGE
                61m               Normal    Added     program/web     program/web added from /srv/manifests/web.yaml
                2s (x5 over 2m)   Warning   BackOff   process/web-1   Exited too quickly
                62s               Normal    Started   process/hello   hello started
                """, r.out());
        daemon.on("GET", "/programs/web", Answer.json(Fixtures.WEB));
        CliRun.Result web = cli("get", "events", "web");
        assertEquals(0, web.code(), web::toString);
        assertEquals(3, web.out().lines().count(), web.out());
        assertTrue(web.out().contains("process/web-1"));
        daemon.on("GET", "/programs/hello", Answer.problem(404, "NotFound", "no program"));
        CliRun.Result hello = cli("get", "events", "process/hello");
        assertEquals(2, hello.out().lines().count(), hello.out());
    }

    @Test
    void anEventAsGetEventsDashONameNamesItIsShownByItself() {
        daemon.on("GET", "/events", Answer.json(Fixtures.EVENTS));
        CliRun.Result names = cli("get", "events", "-o", "name");
        assertEquals("event/3\nevent/9\nevent/10\n", names.out(), names::toString);

        CliRun.Result one = cli("get", "event/9");
        assertEquals(0, one.code(), one::toString);
        assertEquals("""
                LAST SEEN         TYPE      REASON    OBJECT          MESSAGE
                2s (x5 over 2m)   Warning   BackOff   process/web-1   Exited too quickly
                """, one.out());
        CliRun.Result gone = cli("get", "event/4");
        assertEquals(1, gone.code(), gone::toString);
        assertEquals("error: no event event/4; an event that happened again has a new id, and the daemon keeps the latest"
                + " events only: run `steward get events` to list them\n", gone.err());
        CliRun.Result watched = cli("get", "event/9", "-w");
        assertEquals(2, watched.code(), watched::toString);
        assertTrue(watched.err().contains("steward get events NAME -w"), watched.err());
    }

    @Test
    void getEventsOfANameThatNamesNothingIsAnErrorButADeletedOnesEventsAreShown() {
        daemon.on("GET", "/events", Answer.json(Fixtures.EVENTS));
        for (String name : new String[] {"hello", "nosuch"}) {
            daemon.on("GET", "/programs/" + name, Answer.problem(404, "NotFound", "no program named " + name));
            daemon.on("GET", "/processes/" + name, Answer.problem(404, "NotFound", "no process named " + name));
        }
        CliRun.Result typo = cli("get", "events", "nosuch");
        assertEquals(1, typo.code(), typo::toString);
        assertEquals("", typo.out());
        assertEquals("error: no program or process named \"nosuch\", and no events about it;"
                + " run `steward get programs` to list them\n", typo.err());
        daemon.on("GET", "/programs/38", Answer.problem(404, "NotFound", "no program named 38"));
        daemon.on("GET", "/processes/38", Answer.problem(404, "NotFound", "no process named 38"));
        CliRun.Result id = cli("get", "event", "38");
        assertEquals(1, id.code(), id::toString);
        assertEquals("error: no program or process named \"38\", and no events about it; run `steward get programs` to"
                + " list them; the event with id 38 is `steward get event/38`\n", id.err());
        CliRun.Result both = cli("get", "events", "hello", "nosuch");
        assertEquals(1, both.code(), both::toString);
        assertEquals(2, both.out().lines().count(), both.out());
        assertTrue(both.out().contains("process/hello"), both.out());
        CliRun.Result deleted = cli("get", "events", "hello");
        assertEquals(0, deleted.code(), deleted::toString);
        assertEquals(2, deleted.out().lines().count(), deleted.out());
    }

    @Test
    void watchEventsStreamsRowsUntilTheStreamEnds() {
        daemon.on("GET", "/events", Answer.json("{\"items\": []}"));
        daemon.on("GET", "/events/stream", Answer.chunked("text/event-stream",
                ": keep-alive\n\n",
                "data: {\"id\": 11, \"type\": \"Warning\", \"reason\": \"Fatal\", \"object\": \"process/web-1\", ",
                "\"message\": \"gave up\", \"count\": 1, \"firstTimestamp\": \"2026-11-22T04:01:00Z\", \"lastTimestamp\": \"2026-11-22T04:01:00Z\"}\n\n"));
        CliRun.Result r = cli("get", "events", "-w");
        assertEquals(3, r.code(), r::toString);
        assertEquals("""
                LAST SEEN         TYPE      REASON         OBJECT             MESSAGE
                2s                Warning   Fatal          process/web-1      gave up
                """, r.out());
        assertEquals("error: the daemon closed the event stream (did it stop?)\n", r.err());
    }

    @Test
    void watchEventsSkipsWhatTheListAlreadyShowed() {
        // the stream is opened before the list is fetched: an event can come both ways
        daemon.on("GET", "/events", Answer.json(Fixtures.EVENTS));
        daemon.on("GET", "/events/stream", Answer.chunked("text/event-stream",
                "data: {\"id\": 10, \"type\": \"Normal\", \"reason\": \"Started\", \"object\": \"process/hello\", \"message\": \"dup\"}\n\n",
                "data:{\"id\": 12, \"type\": \"Normal\", \"reason\": \"Stopped\", \"object\": \"process/hello\", \"message\": \"new\","
                        + " \"lastTimestamp\": \"2026-11-22T04:01:02Z\"}\n\n"));
        CliRun.Result r = cli("get", "events", "-w");
        assertEquals(3, r.code(), r::toString);
        assertEquals(5, r.out().lines().count(), r::toString);
        assertTrue(r.out().endsWith("process/hello      new\n"), r::toString);
        assertTrue(!r.out().contains("dup"), r::toString);
    }

    @Test
    void watchEventsOfAProgramShowsTheProcessesItGainsMeanwhile() {
        // web is scaled from 2 to 3 while watched: web-2's events are web's too, as `get events web` lists them after
        daemon.on("GET", "/events", Answer.json(Fixtures.EVENTS));
        String web2 = Fixtures.WEB_1.replace("\"web-1\"", "\"web-2\"");
        String scaled = Fixtures.WEB.replace("\"processes\": [", "\"processes\": [" + web2 + ", ");
        int[] reads = {0};
        daemon.on("GET", "/programs/web", req -> Answer.json(reads[0]++ == 0 ? Fixtures.WEB : scaled));
        daemon.on("GET", "/events/stream", Answer.chunked("text/event-stream",
                "data: {\"id\": 20, \"type\": \"Normal\", \"reason\": \"Scaled\", \"object\": \"program/web\", \"message\": \"scaled 2 -> 3\"}\n\n",
                "data: {\"id\": 21, \"type\": \"Normal\", \"reason\": \"Starting\", \"object\": \"process/web-2\", \"message\": \"web-2 up\"}\n\n",
                "data: {\"id\": 22, \"type\": \"Normal\", \"reason\": \"Starting\", \"object\": \"process/web-20x\", \"message\": \"other\"}\n\n",
                "data: {\"id\": 23, \"type\": \"Normal\", \"reason\": \"Starting\", \"object\": \"process/hello\", \"message\": \"hello up\"}\n\n"));
        CliRun.Result r = cli("get", "events", "web", "-w");
        assertEquals(3, r.code(), r::toString);
        assertTrue(r.out().contains("scaled 2 -> 3"), r::toString);
        assertTrue(r.out().contains("web-2 up"), r::toString);
        assertFalse(r.out().contains("other"), r::toString);
        assertFalse(r.out().contains("hello up"), r::toString);
        assertTrue(GetCommand.isReplicaName("web-12", "web"));
        assertFalse(GetCommand.isReplicaName("web-", "web"));
        assertFalse(GetCommand.isReplicaName("web-api", "web"));
        assertFalse(GetCommand.isReplicaName("web-1", "process/web"));
    }

    @Test
    void watchProcessesPrintsOnlyChangedRows() {
        web0StopsWhileWatched();
        CliRun.Result r = cli("get", "processes", "-w");
        assertEquals("""
                NAME    READY   STATUS     RESTARTS       AGE
                web-0   1/1     RUNNING    5 (30s ago)    62s
                web-0   0/1     STOPPED    5 (30s ago)    62s
                """, r.out());
    }

    /** web-0 is RUNNING for the list, then STOPPED when the events (one about another process) have the watch list again. */
    private void web0StopsWhileWatched() {
        String stopped = Fixtures.WEB_0.replace("\"RUNNING\"", "\"STOPPED\"").replace("\"pid\": 1234", "\"pid\": 0");
        listsOnceThen("/processes", Fixtures.WEB_0, stopped);
        daemon.on("GET", "/events/stream", Answer.chunked("text/event-stream",
                "data: {\"id\": 1, \"object\": \"process/other\"}\n\n",
                "data: {\"id\": 2, \"object\": \"process/web-0\"}\n\n"));
    }

    /**
     * {@code path} lists {@code first} for the list a watch starts with, then {@code then} (none: ""): a watch lists again
     * once for the events that came together, so how many times it does is up to the threads.
     */
    private void listsOnceThen(String path, String first, String then) {
        int[] calls = {0};
        daemon.on("GET", path, req -> Answer.json("{\"items\": [" + (calls[0]++ < 1 ? first : then) + "]}"));
    }

    @Test
    void aWatchListsAgainOnceForABurstOfEventsNotOnceForEach() {
        String[] burst = new String[200];
        for (int i = 0; i < burst.length; i++) {
            burst[i] = "data: {\"id\": " + (i + 1) + ", \"object\": \"process/web-0\"}\n\n";
        }
        daemon.on("GET", "/events/stream", Answer.chunked("text/event-stream", burst));
        daemon.on("GET", "/processes", Answer.json(Fixtures.PROCESSES));

        CliRun.Result r = cli("get", "processes", "-w");
        assertEquals(3, r.code(), r::toString);
        long lists = daemon.requests.stream().filter(q -> q.path().equals("/processes")).count();
        // once per event, 201 lists fell behind a daemon's burst (restart all) until it cut the watch off
        assertTrue(lists < 1 + burst.length, lists + " lists for " + burst.length + " events");
    }

    @Test
    void watchPrintsALastRowForWhatWentAway() {
        String stopping = Fixtures.WEB_0.replace("\"RUNNING\"", "\"STOPPING\"");
        listsOnceThen("/processes", stopping, "");
        daemon.on("GET", "/events/stream", Answer.chunked("text/event-stream",
                "data: {\"id\": 1, \"object\": \"process/web-0\"}\n\n",
                "data: {\"id\": 2, \"object\": \"process/web-0\"}\n\n",
                "data: {\"id\": 3, \"object\": \"process/web-0\"}\n\n"));
        CliRun.Result r = cli("get", "processes", "-w");
        assertEquals("""
                NAME    READY   STATUS     RESTARTS       AGE
                web-0   0/1     STOPPING   5 (30s ago)    62s
                web-0   0/1     REMOVED    5 (30s ago)    62s
                """, r.out(), "scaled down: once, not at every later event");

        listsOnceThen("/programs", Fixtures.WEB, "");
        CliRun.Result json = cli("get", "programs", "-w", "-o", "json");
        assertEquals(2, json.out().split("\n}\n", -1).length - 1, json::toString);
        assertTrue(json.out().endsWith("  \"removed\": true\n}\n"), json::toString);
    }

    @Test
    void describeProgram() {
        daemon.on("GET", "/programs/web", Answer.json(Fixtures.WEB));
        daemon.on("GET", "/events", Answer.json(Fixtures.EVENTS));
        CliRun.Result r = cli("describe", "program", "web");
        assertEquals(0, r.code(), r::toString);
        assertEquals("""
                Name:                    web
                Labels:                  tier=frontend
                Source:                  /srv/manifests/web.yaml
                Manifest Error:          /srv/manifests/web.yaml:9:13: spec.replicas: must be 0 or more (the last good version, below, stays in force)
                Replicas:                2 desired | 1 updated | 1 ready | 2 total
                Spec:
                  Command:               python3 -m http.server 8080
                  Directory:             <none>
                  Environment:           MODE=prod
                  Replicas:              2
                  Restart Policy:        Always
                  Exit Codes:            0
                  Stop Signal:           INT
                  Stop Timeout Seconds:  5
                  Logs:
                    Stdout:
                      File:              AUTO
                      Max Bytes:         10Mi
                      Backups:           3
                    Redirect Stderr:     false
                Processes:
                  web-0:
                    State:               RUNNING
                      Started:           Sun, 22 Nov 2026 04:00:00 +0000
                      PID:               1234
                    Description:         pid 1234, uptime 0:01:02
                    Last State:          Terminated
                      Reason:            Error
                      Exit Code:         1
                      Expected:          no
                      Finished:          Sun, 22 Nov 2026 04:00:32 +0000
                    Restart Count:       5
                    Stopped By Hand:     no
                    Outdated:            yes: it runs an earlier version of its manifest until the rolling restart gets to it
                    Stdout Log:          /srv/.steward/logs/web-0.out.log
                    Stderr Log:          /srv/.steward/logs/web-0.err.log
                  web-1:
                    State:               BACKOFF
                      Started:           Sun, 22 Nov 2026 03:00:00 +0000
                      Stopped:           Sun, 22 Nov 2026 04:01:00 +0000
                    Description:         Exited too quickly (process log may have details)
                    Last State:          Terminated
                      Reason:            Killed
                      Signal:            SIGKILL
                      Expected:          no
                      Finished:          Sun, 22 Nov 2026 04:01:00 +0000
                    Restart Count:       0
                    Stopped By Hand:     no
                    Spawn Error:         Exited too quickly
                    Stdout Log:          <none>
                    Stderr Log:          <none>
                Events:
                  Type      Reason    Age               From         Message
                  ----      ------    ----              ----         -------
                  Normal    Added     61m               reconciler   program/web added from /srv/manifests/web.yaml
                  Warning   BackOff   2s (x5 over 2m)   supervisor   web-1: Exited too quickly
                """, r.out());
    }

    @Test
    void describeProgramShowsTheEventsOfItsManifestFile() {
        daemon.on("GET", "/programs/web", Answer.json(Fixtures.WEB));
        daemon.on("GET", "/events", Answer.json("""
                {"items": [
                 {"id": 3, "type": "Warning", "reason": "InvalidManifest", "object": "manifest/web.yaml",
                  "message": "/srv/manifests/web.yaml:9:18: spec.restartPolicy: must be one of Always, OnFailure, Never",
                  "count": 1, "firstTimestamp": "2026-11-22T04:01:00Z", "lastTimestamp": "2026-11-22T04:01:00Z"},
                 {"id": 4, "type": "Warning", "reason": "InvalidManifest", "object": "manifest/db.yaml", "message": "db's",
                  "count": 1, "firstTimestamp": "2026-11-22T04:01:00Z", "lastTimestamp": "2026-11-22T04:01:00Z"}]}"""));
        CliRun.Result r = cli("describe", "program", "web");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("Warning   InvalidManifest   2s     watcher   ")
                && r.out().contains("/srv/manifests/web.yaml:9:18: spec.restartPolicy"), r::toString);
        assertFalse(r.out().contains("db's"), r::toString);
    }

    @Test
    void describeProcessWithoutEvents() {
        daemon.on("GET", "/processes/hello", Answer.json(Fixtures.HELLO));
        daemon.on("GET", "/events", Answer.json("{\"items\": []}"));
        CliRun.Result r = cli("describe", "process", "hello");
        assertEquals(0, r.code(), r::toString);
        assertEquals("""
                Name:             hello
                Program:          hello
                Index:            0
                Labels:           <none>
                Command:          <none>
                State:            STOPPED
                Description:      Not started
                Last State:       <none>
                Restart Count:    0
                Stopped By Hand:  yes
                Stdout Log:       /srv/.steward/logs/hello.out.log
                Stderr Log:       /srv/.steward/logs/hello.err.log
                Log Error:        /srv/.steward/logs/hello.out.log: IOException: No space left on device
                Events:  <none>
                """, r.out());
    }

    /** A crash loop backing off: EXITED, its restart due 40 s after NOW. */
    private static final String CRASHY = """
            {"name": "crashy", "program": "crashy", "index": 0, "state": "EXITED", "stateCode": 100, "pid": null,
             "startedAt": "2026-11-22T04:00:00Z", "stoppedAt": "2026-11-22T04:00:02Z", "restartAt": "2026-11-22T04:01:42Z",
             "uptimeSeconds": null, "restarts": 4,
             "lastExit": {"exitCode": 1, "signal": null, "expected": false, "reason": "Error", "at": "2026-11-22T04:00:02Z"},
             "spawnError": null, "stoppedByHand": false, "description": "Nov 22 04:00 AM; restarts in 40 s",
             "stdoutLog": null, "stderrLog": null, "labels": {}}""";

    @Test
    void aProcessWhoseRestartWaitsSaysWhenInGetAndDescribe() {
        daemon.on("GET", "/processes", Answer.json("{\"items\": [" + CRASHY + ", "
                + Fixtures.WEB_1.replace("\"labels\"", "\"restartAt\": \"2026-11-22T04:01:04Z\", \"labels\"") + "]}"));
        daemon.on("GET", "/processes/crashy", Answer.json(CRASHY));
        daemon.on("GET", "/events", Answer.json("{\"items\": []}"));

        assertEquals("""
                NAME     READY   STATUS                     RESTARTS      AGE
                crashy   0/1     EXITED (restarts in 40s)   4 (60s ago)   62s
                web-1    0/1     BACKOFF (retries in 2s)    0             61m
                """, cli("get", "processes").out());
        String described = cli("describe", "process", "crashy").out();
        assertTrue(described.contains("""
                State:            EXITED
                  Started:        Sun, 22 Nov 2026 04:00:00 +0000
                  Stopped:        Sun, 22 Nov 2026 04:00:02 +0000
                  Next Restart:   Sun, 22 Nov 2026 04:01:42 +0000 (in 40s)
                Description:      Nov 22 04:00 AM; restarts in 40 s
                """), described);
    }

    @Test
    void describeProcessLeavesOutAnEmptyDescription() {
        // supervisorctl's description of a STARTING or STOPPING process is empty: no bare "Description:" line then
        daemon.on("GET", "/processes/hello", Answer.json(Fixtures.HELLO.replace("\"Not started\"", "\"\"")));
        daemon.on("GET", "/events", Answer.json("{\"items\": []}"));
        CliRun.Result r = cli("describe", "process", "hello");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("State:            STOPPED\nLast State:       <none>\n"), r.out());
    }

    @Test
    void describeProcessOfAProgramsNameDescribesEachOfItsProcessesAsGetListsThem() {
        daemon.on("GET", "/processes/web", Answer.problem(404, "NotFound", "no process named web"));
        daemon.on("GET", "/processes", Answer.json(Fixtures.PROCESSES));
        daemon.on("GET", "/events", Answer.json("{\"items\": []}"));
        CliRun.Result r = cli("describe", "process", "web");
        assertEquals(0, r.code(), r::toString);
        assertEquals(List.of("Name:             web-0", "Name:             web-1"),
                r.out().lines().filter(line -> line.startsWith("Name:")).toList(), r.out());
        assertTrue(r.out().contains("\n\nName:             web-1\n"), "a blank line between them, as kubectl's");

        daemon.on("GET", "/processes/zero", Answer.problem(404, "NotFound", "no process named zero"));
        daemon.on("GET", "/programs/zero", Answer.json("{\"name\": \"zero\", \"replicas\": 0, \"processes\": []}"));
        CliRun.Result zero = cli("describe", "process", "zero");
        assertEquals(0, zero.code(), zero::toString);
        assertEquals("", zero.out());
        assertTrue(zero.err().startsWith("program zero has no processes (0 replicas;"), zero.err());
    }

    @Test
    void describeTakesSeveralNamesAsGetDoesAndSaysWhichFoundNothing() {
        daemon.on("GET", "/processes", Answer.json(Fixtures.PROCESSES));
        daemon.on("GET", "/programs/nope", Answer.problem(404, "NotFound", "no program named \"nope\""));
        daemon.on("GET", "/events", Answer.json("{\"items\": []}"));

        CliRun.Result r = cli("describe", "process", "web-1", "hello", "nope");
        assertEquals(1, r.code(), r::toString);
        assertEquals(List.of("Name:             web-1", "Name:             hello"),
                r.out().lines().filter(line -> line.startsWith("Name:")).toList(), "in the order asked for: " + r.out());
        assertEquals("error: no process or program named \"nope\"; run `steward get processes` to list them\n", r.err());
    }

    @Test
    void describeProcessShowsTheCommandItsRunGot() {
        daemon.on("GET", "/processes/web-1", Answer.json(Fixtures.WEB_1.replace("\"labels\"",
                "\"command\": [\"app\", \"--port=8001\", \"a b\", \"100%\"], \"labels\"")));
        daemon.on("GET", "/events", Answer.json("{\"items\": []}"));
        CliRun.Result r = cli("describe", "process", "web-1");
        assertTrue(r.out().contains("\nCommand:          app --port=8001 'a b' 100%\n"), r::toString);
    }

    @Test
    void applyFilePrintsOneLinePerProgram() throws IOException {
        Files.writeString(dir.resolve("web.yaml"), "apiVersion: steward.dev/v1\nkind: Program\nmetadata: {name: web}\nspec: {command: [sleep, '9']}\n");
        daemon.on("POST", "/programs", Answer.json("""
                {"items": [{"program": "web", "action": "configured", "file": "/srv/manifests/web.yaml", "restarts": true,
                 "effect": "restarting its processes one at a time (launch settings changed)", "dryRun": false},
                 {"program": "api", "action": "created", "file": "/srv/manifests/api.yaml", "restarts": false, "effect": null, "dryRun": false},
                 {"program": "db", "action": "unchanged", "file": "/srv/manifests/db.yaml", "restarts": false, "effect": null, "dryRun": false}]}"""));
        CliRun.Result r = cli("apply", "-f", "web.yaml");
        assertEquals(0, r.code(), r::toString);
        assertEquals("program/web configured\nprogram/api created\nprogram/db unchanged\n", r.out());
        FakeDaemon.Request sent = daemon.last();
        assertEquals("/programs", sent.target());
        String boundary = sent.headers().get("content-type").replaceFirst("^multipart/form-data; boundary=", "");
        assertEquals("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"web.yaml\"\r\n"
                + "Content-Type: application/yaml\r\n\r\n"
                + "apiVersion: steward.dev/v1\nkind: Program\nmetadata: {name: web}\nspec: {command: [sleep, '9']}\n\r\n"
                + "--" + boundary + "--\r\n", sent.body());
    }

    @Test
    void applyDryRunFromStdinSaysWhatWouldHappen() {
        daemon.on("POST", "/programs", Answer.json("""
                {"items": [{"program": "web", "action": "configured", "file": "/srv/manifests/web.yaml", "restarts": true,
                 "effect": "restarting its processes one at a time (launch settings changed)", "dryRun": true}]}"""));
        CliRun.Result r = cliIn("kind: Program\n", "apply", "-f", "-", "--dry-run");
        assertEquals(0, r.code(), r::toString);
        assertEquals("program/web configured (dry run): restarting its processes one at a time (launch settings changed)\n", r.out());
        assertEquals("/programs?dryRun=true", daemon.last().target());
        assertTrue(daemon.last().body().contains("filename=\"<stdin>\"\r\nContent-Type: application/yaml\r\n\r\nkind: Program\n\r\n"),
                daemon.last().body());
    }

    @Test
    void applyInvalidPrintsEachErrorWithFileLineColumn() throws IOException {
        Files.writeString(dir.resolve("web.yaml"), "spec: {replicas: many}\n");
        daemon.on("POST", "/programs", Answer.json(422, """
                {"type": "https://steward.dev/problems/invalid", "title": "Unprocessable", "status": 422, "code": "Invalid",
                 "detail": "1 error in the manifest; nothing was applied",
                 "errors": [{"file": "web.yaml", "line": 9, "column": 13, "field": "spec.replicas", "message": "must be a whole number (got \\"many\\")"},
                            {"file": "/srv/manifests/other.yaml", "line": 0, "column": 0, "field": "", "message": "unreadable"}]}"""));
        CliRun.Result r = cli("apply", "-f", "web.yaml");
        assertEquals(1, r.code(), r::toString);
        assertEquals("""
                error: 1 error in the manifest; nothing was applied
                web.yaml:9:13: spec.replicas: must be a whole number (got "many")
                /srv/manifests/other.yaml: unreadable
                """, r.err());
    }

    @Test
    void applyDirectorySendsItsManifestsInOneRequestAndPrintsTheErrorsOfEach() throws IOException {
        Path manifests = Files.createDirectories(dir.resolve("m"));
        Files.writeString(manifests.resolve("a.yaml"), "a: 1\n");
        Files.writeString(manifests.resolve("b.yml"), "b: 1\n");
        Files.writeString(manifests.resolve("c.json"), "{\"c\": 1}\n");
        Files.writeString(manifests.resolve(".b.yml.swp"), "junk");
        Files.writeString(manifests.resolve("notes.txt"), "junk");
        daemon.on("POST", "/programs", Answer.json(422, "{\"code\": \"Invalid\", \"status\": 422, \"detail\": \"the manifests are invalid\", "
                + "\"errors\": [{\"file\": \"m/a.yaml\", \"line\": 1, \"column\": 1, \"field\": \"a\", \"message\": \"unknown field\"},"
                + " {\"file\": \"m/b.yml\", \"line\": 1, \"column\": 1, \"field\": \"b\", \"message\": \"unknown field\"}]}"));
        CliRun.Result r = cli("apply", "-f", "m", "-f", "m/a.yaml");
        assertEquals(1, r.code(), r::toString);
        assertEquals("", r.out());
        assertEquals("""
                error: the manifests are invalid
                m/a.yaml:1:1: a: unknown field
                m/b.yml:1:1: b: unknown field
                """, r.err());
        assertEquals(1, daemon.requests.size(), daemon.requests::toString);
        String body = daemon.last().body();
        List<String> parts = List.of("filename=\"m/a.yaml\"\r\nContent-Type: application/yaml\r\n\r\na: 1\n",
                "filename=\"m/b.yml\"\r\nContent-Type: application/yaml\r\n\r\nb: 1\n",
                "filename=\"m/c.json\"\r\nContent-Type: application/json\r\n\r\n{\"c\": 1}\n");
        int at = 0;
        for (String part : parts) { // in the order given, the directory's files sorted
            at = body.indexOf(part, at);
            assertTrue(at >= 0, "no " + part + " in order in " + body);
        }
        assertFalse(body.contains("junk"), body);
        assertEquals(body.indexOf("filename=\"m/a.yaml\""), body.lastIndexOf("filename=\"m/a.yaml\""), "m/a.yaml is sent once");
    }

    @Test
    void fileNamesThatWouldEndTheirHeaderParameterArePercentEncoded() {
        assertEquals("a%22b%5Cc%25d%0De%0A.yaml", ManifestFiles.quoted("a\"b\\c%d\re\n.yaml"));
        assertEquals("manifests/web 1.yaml", ManifestFiles.quoted("manifests/web 1.yaml"));
        assertEquals("a\"b\\c%d\re\n.yaml", dev.steward.api.ProgramsResource.fileName(ManifestFiles.quoted("a\"b\\c%d\re\n.yaml")));
        assertEquals("50%off.yaml", dev.steward.api.ProgramsResource.fileName("50%off.yaml"));
    }

    @Test
    void aRequestsBoundaryIsAlwaysAsLongWhateverTheMachinesUptime() {
        // nanoTime counts from an arbitrary origin, often the boot: its hexadecimal digits grew with the uptime
        assertEquals("steward-".length() + 16, ManifestFiles.boundary(List.of()).length());
        assertTrue(ManifestFiles.boundary(List.of()).matches("steward-[0-9a-f]{16}"));
    }

    @Test
    void applyRefusesToSendMoreThanTheDaemonTakesInOneRequest() throws IOException {
        Path manifests = Files.createDirectories(dir.resolve("big"));
        String kib = "#".repeat(1023) + "\n";
        for (int i = 0; i < 11; i++) {
            Files.writeString(manifests.resolve("f" + i + ".yaml"), kib.repeat(1000));
        }
        CliRun.Result r = cli("apply", "-f", "big");
        assertEquals(1, r.code(), r::toString);
        assertEquals("error: the 11 files make a request of 11265494 bytes, more than the 10485760 (10 MiB) the daemon takes in"
                + " one; nothing was sent: apply them in smaller groups (a manifest is usually a few KiB, at most 1 MiB)\n", r.err());
        assertTrue(daemon.requests.isEmpty(), daemon.requests::toString);
    }

    @Test
    void aManifestLargerThanTheDaemonTakesIsRefusedUnreadNotLoadedWhole() throws IOException {
        // Read whole, a 50 MB file (or -f /dev/zero) ran the client out of heap, with a stack trace, before the daemon
        // could refuse it; the limit is the daemon's for one manifest
        Files.write(dir.resolve("huge.yaml"), new byte[1024 * 1024 + 1]);
        String refused = " is larger than 1 MiB, the most the daemon takes for one manifest; nothing was sent: a manifest"
                + " should be a few KiB, split it into several files";
        for (String verb : List.of("apply", "diff", "delete")) {
            CliRun.Result r = cli(verb, "-f", "huge.yaml");
            assertEquals(verb.equals("diff") ? 2 : 1, r.code(), r::toString);
            assertEquals("error: huge.yaml" + refused + "\n", r.err(), verb);
        }
        CliException stdin = assertThrows(CliException.class, () -> ManifestFiles.read(List.of("-"), false, dir,
                new ByteArrayInputStream(new byte[1024 * 1024 + 1]), System.err));
        assertEquals("standard input" + refused, stdin.getMessage());
        assertTrue(daemon.requests.isEmpty(), daemon.requests::toString);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // opening the pipe waited for ever
    void aNamedPipeThatNothingWritesIntoIsGivenUpOnWithWhatToDo() throws Exception {
        assertEquals(0, new ProcessBuilder("mkfifo", dir.resolve("p.yaml").toString()).inheritIO().start().waitFor());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliException e = assertThrows(CliException.class, () -> ManifestFiles.read(List.of("p.yaml"), false, dir,
                new ByteArrayInputStream(new byte[0]), new PrintStream(err, true, StandardCharsets.UTF_8), 2_000));
        assertEquals("nothing opened p.yaml (a named pipe) to write into it within 2 s; nothing was sent: write the manifest"
                + " into it from elsewhere (cat web.yaml > p.yaml), or give a regular file", e.getMessage());
        assertEquals("waiting for something to write into p.yaml, a named pipe (at most 2 s; Ctrl-C to give up)\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aPipeWithAWriterIsReadAsEver() throws Exception {
        // As -f <(generator) gives it: /dev/fd/63, a pipe whose writer is there from the start
        Files.writeString(dir.resolve("web.src"), "kind: Program\nmetadata: {name: web}\n");
        assertEquals(0, new ProcessBuilder("mkfifo", dir.resolve("p.yaml").toString()).inheritIO().start().waitFor());
        Process writer = new ProcessBuilder("sh", "-c", "exec > p.yaml; sleep 2; exec cat web.src").directory(dir.toFile())
                .start(); // there at once, writing later
        try {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            List<ManifestFiles.Source> read = ManifestFiles.read(List.of("p.yaml"), false, dir,
                    new ByteArrayInputStream(new byte[0]), new PrintStream(err, true, StandardCharsets.UTF_8), 30_000);
            assertEquals(List.of(new ManifestFiles.Source("p.yaml", "kind: Program\nmetadata: {name: web}\n")), read);
        } finally {
            writer.destroyForcibly();
        }
    }

    @Test
    void aDirectorySaysWhichOfItsManifestsAreNotRegularFilesAndSkipsThem() throws Exception {
        Path m = Files.createDirectories(dir.resolve("m"));
        Files.writeString(m.resolve("web.yaml"), "kind: Program\nmetadata: {name: web}\n");
        assertEquals(0, new ProcessBuilder("mkfifo", m.resolve("fifo.yaml").toString()).inheritIO().start().waitFor());
        Files.createSymbolicLink(m.resolve("gone.yaml"), Path.of("/nonexistent/gone.yaml"));
        Files.createDirectories(m.resolve("sub.yaml"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<ManifestFiles.Source> read = ManifestFiles.read(List.of("m"), false, dir, new ByteArrayInputStream(new byte[0]),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(List.of("m/web.yaml"), read.stream().map(ManifestFiles.Source::label).toList());
        assertEquals("warning: skipped m/fifo.yaml: a named pipe (FIFO), not a regular file\n"
                + "warning: skipped m/gone.yaml: a symbolic link to /nonexistent/gone.yaml, which does not exist, not a"
                + " regular file\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aManifestNestedTooDeeplyIsAnErrorNotAStackTrace() throws IOException {
        Files.writeString(dir.resolve("deep.yaml"), "[".repeat(100_000) + "]".repeat(100_000));
        CliRun.Result r = cli("delete", "-f", "deep.yaml");
        assertEquals(1, r.code(), r::toString);
        assertEquals("error: cannot read deep.yaml as YAML: it is nested too deeply; a manifest needs only a few levels\n",
                r.err());
        assertTrue(daemon.requests.isEmpty(), daemon.requests::toString);
    }

    @Test
    void applyNeedsAFile() {
        CliRun.Result r = cli("apply");
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().startsWith("error: Missing required option: '--filename=FILE|DIR|-'"), r.err());
        CliRun.Result missing = cli("apply", "-f", "nope.yaml");
        assertEquals(1, missing.code(), missing::toString);
        assertEquals("error: the file nope.yaml does not exist\n", missing.err());
    }

    @Test
    void aManifestThatIsNotUtf8IsRefusedWithItsPositionNotAppliedWithReplacementCharacters() throws IOException {
        byte[] latin1 = "kind: Program\nmetadata: {name: web, labels: {who: Jos\u00e9}}\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(dir.resolve("latin1.yaml"), latin1);
        CliRun.Result r = cli("apply", "-f", "latin1.yaml");
        assertEquals(1, r.code(), r::toString);
        assertEquals("error: latin1.yaml:2:40: is not UTF-8 text (byte 0xe9); save it as UTF-8 (iconv -f LATIN1 -t UTF-8, say),"
                + " and try again\n", r.err());
        CliException stdin = assertThrows(CliException.class, () -> ManifestFiles.read(List.of("-"), false, dir,
                new ByteArrayInputStream(latin1), System.err));
        assertTrue(stdin.getMessage().startsWith("<stdin>:2:40: is not UTF-8 text"), stdin.getMessage());
        assertTrue(daemon.requests.isEmpty(), daemon.requests::toString);
    }

    @Test
    void deleteByNameAndByFile() throws IOException {
        daemon.on("DELETE", "/programs/web", Answer.json("{\"program\": \"web\", \"action\": \"deleted\"}"));
        daemon.on("DELETE", "/programs/api", Answer.json("{\"program\": \"api\", \"action\": \"deleted\"}"));
        CliRun.Result r = cli("delete", "program", "web");
        assertEquals(0, r.code(), r::toString);
        assertEquals("program \"web\" deleted\n", r.out());

        Files.writeString(dir.resolve("two.yaml"), "kind: Program\nmetadata: {name: web}\n---\nkind: Program\nmetadata: {name: api}\n");
        CliRun.Result file = cli("delete", "-f", "two.yaml");
        assertEquals(0, file.code(), file::toString);
        assertEquals("program \"web\" deleted\nprogram \"api\" deleted\n", file.out());

        CliRun.Result missing = cli("delete", "program", "nope");
        assertEquals(1, missing.code(), missing::toString);
        assertTrue(missing.err().startsWith("error: fake daemon: no route"), missing.err());
        assertEquals(0, cli("delete", "program", "nope", "--ignore-not-found").code());
    }

    @Test
    void deleteByAFileWithTabsEndingItsLinesReadsItAsTheDaemonDoes() throws IOException {
        daemon.on("DELETE", "/programs/web", Answer.json("{\"program\": \"web\", \"action\": \"deleted\"}"));
        Files.writeString(dir.resolve("web.yaml"), "kind: Program\t\nmetadata: {name: web}\t\nspec: {command: [\"true\"]}\t\n");
        CliRun.Result r = cli("delete", "-f", "web.yaml");
        assertEquals(0, r.code(), r::toString);
        assertEquals("program \"web\" deleted\n", r.out());
    }

    @Test
    void deleteUsageErrors() throws IOException {
        assertEquals(2, cli("delete").code());
        assertEquals(2, cli("delete", "process", "web-0").code());
        assertEquals(2, cli("delete", "program").code());
        Path file = Files.writeString(dir.resolve("hello.yaml"), "apiVersion: steward.dev/v1\nkind: Program\nmetadata:\n  name: hello\n"
                + "spec:\n  command: [\"true\"]\n");
        for (List<String> both : List.of(List.of("delete", "program", "web", "-f", file.toString()),
                List.of("delete", "-f", file.toString(), "program/web", "--dry-run"))) {
            CliRun.Result r = cli(both.toArray(String[]::new));
            assertEquals(2, r.code(), r::toString);
            assertEquals("", r.out());
            assertEquals("error: give program NAMEs or -f FILE, not both; nothing was deleted\n", r.err());
        }
        assertTrue(daemon.requests.isEmpty());
    }

    @Test
    void logsStreamsTheChunkedBody() {
        daemon.on("GET", "/processes/web-0/logs", Answer.chunked("text/plain", "line 1\n", "line 2\nline", " 3\n"));
        CliRun.Result r = cli("logs", "web-0", "--tail", "3", "-f");
        assertEquals(0, r.code(), r::toString);
        assertEquals("line 1\nline 2\nline 3\n", r.out());
        assertEquals("/processes/web-0/logs?stream=stdout&tail=3&follow=true", daemon.last().target());
        cli("logs", "web-0", "--stderr");
        assertEquals("/processes/web-0/logs?stream=stderr", daemon.last().target());
        cli("logs", "web-0", "--tail", "-1");
        assertEquals("/processes/web-0/logs?stream=stdout&tail=2147483647", daemon.last().target(), "kubectl's every line");
        CliRun.Result below = cli("logs", "web-0", "--tail", "-2");
        assertEquals(2, below.code(), below::toString);
        assertTrue(below.err().startsWith("error: --tail must be 0 or more, or -1 for every line (got -2)"), below::toString);
    }

    @Test
    void logsPreviousAsksForThePreviousRunAndSaysWhatMemoryLost() {
        daemon.on("GET", "/processes/crash/logs?stream=stdout&tail=2&previous=true",
                Answer.text("last\nwords\n").with("Steward-Lost-Bytes", "70000"));
        CliRun.Result r = cli("logs", "crash", "-p", "--tail", "2");
        assertEquals(0, r.code(), r::toString);
        assertEquals("last\nwords\n", r.out());
        assertEquals("steward: the first 70000 bytes of what crash's previous run wrote are no longer in memory (later output"
                + " wrote over them); its log file has them, if the program keeps one: steward describe process crash names it\n",
                r.err());
        daemon.on("GET", "/processes/calm/logs?stream=stderr&previous=true", Answer.text(""));
        assertEquals("", cli("logs", "calm", "--previous", "--stderr").err(), "an empty previous run is no hint to look elsewhere");
        assertEquals("/processes/calm/logs?stream=stderr&previous=true", daemon.last().target());

        CliRun.Result following = cli("logs", "crash", "-p", "-f");
        assertEquals(2, following.code());
        assertTrue(following.err().contains("--previous shows a run that has ended, which cannot be followed"), following.err());
    }

    @Test
    void logsOfAProcessThatWroteOnlyToStderrSayWhereItsOutputIs() {
        daemon.on("GET", "/processes/crash/logs?stream=stdout", Answer.text(""));
        daemon.on("GET", "/processes/crash/logs?stream=stderr&bytes=1", Answer.text("\n"));
        CliRun.Result r = cli("logs", "crash");
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.out());
        assertEquals("steward: crash wrote nothing to stdout, but it wrote to stderr: steward logs crash --stderr\n", r.err());

        daemon.on("GET", "/processes/quiet/logs?stream=stdout", Answer.text(""));
        daemon.on("GET", "/processes/quiet/logs?stream=stderr&bytes=1", Answer.text(""));
        assertEquals("", cli("logs", "quiet").err(), "nothing anywhere: nothing to point at");
        daemon.on("GET", "/processes/crash/logs?stream=stdout&tail=0", Answer.text(""));
        assertEquals("", cli("logs", "crash", "--tail", "0").err(), "nothing was asked for");
        daemon.on("GET", "/processes/crash/logs?stream=stdout&tail=5", Answer.text(""));
        assertEquals("steward: crash wrote nothing to stdout, but it wrote to stderr: steward logs crash --stderr --tail 5\n",
                cli("logs", "crash", "--tail", "5").err(), "the command shows what was asked for");
    }

    @Test
    void logsOfAnEmptyStderrSayWhenStdoutHasOutput() {
        daemon.on("GET", "/processes/web/logs?stream=stderr&bytes=100", Answer.text(""));
        daemon.on("GET", "/processes/web/logs?stream=stdout&bytes=1", Answer.text("\n"));
        CliRun.Result r = cli("logs", "web", "--stderr", "--limit-bytes", "100");
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.out());
        assertEquals("steward: web wrote nothing to stderr, but it wrote to stdout: steward logs web --limit-bytes 100\n",
                r.err());
    }

    @Test
    void logsOfAProgramWithSeveralProcessesNamesThem() {
        daemon.on("GET", "/programs/web", Answer.json(Fixtures.WEB));
        CliRun.Result r = cli("logs", "web");
        assertEquals(2, r.code(), r::toString);
        assertEquals("error: program web has 2 processes (web-0, web-1); name one (steward logs web-0), take its first"
                + " running one (steward logs program/web), or all by their labels (steward logs -l ...)\n", r.err());
        daemon.on("GET", "/programs/hello", Answer.json(Fixtures.HELLO_PROGRAM));
        daemon.on("GET", "/processes/hello/logs", Answer.text("hi\n"));
        assertEquals("hi\n", cli("logs", "hello").out());
    }

    @Test
    void logsOfSupervisorsGroupColonNameAsSupervisorctlTailTakesThem() {
        daemon.on("GET", "/programs/web", Answer.json(Fixtures.WEB));
        daemon.on("GET", "/processes/web-1/logs", Answer.text("from web-1\n"));
        CliRun.Result member = cli("logs", "web:web-1", "--stderr");
        assertEquals(0, member.code(), member::toString);
        assertEquals("from web-1\n", member.out());
        assertEquals("/processes/web-1/logs?stream=stderr", daemon.last().target());
        daemon.on("GET", "/processes/web-0/logs", Answer.text("from web-0\n"));
        CliRun.Result group = cli("logs", "web:*", "--tail", "1");
        assertEquals("from web-0\n", group.out(), "its first running process, as program/web");
        assertEquals("Found 2 processes, using process/web-0\n", group.err());
        CliRun.Result notInGroup = cli("logs", "web:web-7");
        assertEquals(1, notInGroup.code(), notInGroup::toString);
        assertEquals("error: no process named \"web:web-7\": program web has web-0, web-1; name one of them (steward logs"
                + " web-0)\n", notInGroup.err());
        CliRun.Result supervisorsName = cli("logs", "web:web_01");
        assertEquals(1, supervisorsName.code(), supervisorsName::toString);
        assertEquals("error: no process named \"web:web_01\"; did you mean web-1? (Supervisor's process_name web_00 is"
                + " web-0 here)\n", supervisorsName.err(), "as an action and logs web_01 say");
        int sent = daemon.requests.size();
        CliRun.Result noGroup = cli("logs", ":web-0");
        assertEquals(1, noGroup.code(), noGroup::toString);
        assertEquals("error: no process named \":web-0\": GROUP:NAME needs its program before the colon (PROGRAM:web-0), or name"
                + " the process alone (web-0); run `steward get processes` to list them\n", noGroup.err());
        for (String any : List.of(":*", ":")) { // no process name to suggest alone
            CliRun.Result noProgram = cli("logs", any);
            assertEquals(1, noProgram.code(), noProgram::toString);
            assertEquals("error: no process named \"" + any + "\": PROGRAM" + any + " needs its program before the colon (its first"
                    + " running process); run `steward get programs` to list them\n", noProgram.err());
        }
        assertEquals(sent, daemon.requests.size(), "nothing to ask the daemon");
    }

    @Test
    void logsOfKindSlashNameAsKubectlTakesThem() {
        daemon.on("GET", "/programs/web", Answer.json(Fixtures.WEB));
        daemon.on("GET", "/processes/web-0/logs", Answer.text("from web-0\n"));
        CliRun.Result program = cli("logs", "program/web", "--tail", "1");
        assertEquals(0, program.code(), program::toString);
        assertEquals("from web-0\n", program.out());
        assertEquals("Found 2 processes, using process/web-0\n", program.err(), "kubectl's note for logs deploy/NAME");
        assertEquals("/processes/web-0/logs?stream=stdout&tail=1", daemon.last().target());
        daemon.on("GET", "/processes/web-1/logs", Answer.text("from web-1\n"));
        daemon.on("GET", "/programs/flaky", Answer.json("{\"name\": \"flaky\", \"processes\": [{\"name\": \"web-0\","
                + " \"state\": \"BACKOFF\"}, {\"name\": \"web-1\", \"state\": \"RUNNING\"}]}"));
        CliRun.Result running = cli("logs", "prog/flaky");
        assertEquals("from web-1\n", running.out(), "the first running one");
        assertEquals("Found 2 processes, using process/web-1\n", running.err());
        assertEquals("from web-1\n", cli("logs", "proc/web-1").out());
        assertEquals("[process/web-1] from web-1\n", cli("logs", "process/web-1", "--prefix").out());
        CliRun.Result events = cli("logs", "event/x");
        assertEquals(2, events.code(), events::toString);
        assertEquals("error: logs takes process/NAME or program/NAME (got \"event/x\")\n", events.err());
    }

    @Test
    void logsOfASelectorGiveEveryProcessTheLast10LinesOfEach() {
        daemon.on("GET", "/processes", Answer.json(Fixtures.PROCESSES));
        daemon.on("GET", "/processes/hello/logs", Answer.text("hello 1\nhello 2\n"));
        daemon.on("GET", "/processes/web-0/logs", Answer.text("web-0 says\nunfinished"));
        daemon.on("GET", "/processes/web-1/logs", new Answer(404, "application/problem+json", Map.of(),
                "{\"code\": \"NotFound\", \"status\": 404, \"detail\": \"no process named web-1\"}", null, false));
        CliRun.Result r = cli("logs", "-l", "tier=web", "--prefix");
        assertEquals(1, r.code(), "one of them could not be read; " + r);
        assertEquals("[process/hello] hello 1\n[process/hello] hello 2\n[process/web-0] web-0 says\n[process/web-0] unfinished\n",
                r.out(), "whole lines, each named");
        assertEquals("error: web-1: no process named web-1\n", r.err());
        assertTrue(List.copyOf(daemon.requests).stream().anyMatch(q -> q.target().equals("/processes?selector=tier%3Dweb")), daemon.requests::toString);
        assertEquals("/processes/web-1/logs?stream=stdout&tail=10", daemon.last().target(), "kubectl's default with -l");

        daemon.on("GET", "/processes/web-1/logs", Answer.chunked("text/plain", "a\nb", "\n"));
        CliRun.Result all = cli("logs", "-l", "tier=web", "--tail", "1", "-f");
        assertEquals(0, all.code(), all::toString);
        assertEquals(List.of("a", "b", "hello 1", "hello 2", "unfinished", "web-0 says"), all.out().lines().sorted().toList(),
                "followed at once, line by line");
        CliRun.Result tooMany = cli("logs", "-l", "tier=web", "-f", "--max-log-requests", "2");
        assertEquals(2, tooMany.code(), tooMany::toString);
        assertTrue(tooMany.err().startsWith("error: -l tier=web picks 3 processes, more than --max-log-requests (2)"),
                tooMany::toString);
        assertEquals(2, cli("logs", "web-0", "-l", "tier=web").code(), "a name or a selector, not both");
        assertEquals(2, cli("logs").code(), "nothing named");
    }

    @Test
    void logsOfASelectorSayAtOnceWhichStreamFailedAndWhetherTheDaemonWasReachable() {
        daemon.on("GET", "/processes", Answer.json(Fixtures.PROCESSES));
        daemon.on("GET", "/processes/hello/logs", Answer.chunked("text/plain", "hello 1\n"));
        daemon.on("GET", "/processes/web-0/logs", Answer.problem(404, "NotFound", "web-0 has no output yet"));
        daemon.on("GET", "/processes/web-1/logs", Answer.problem(503, "Unavailable", "the daemon is shutting down"));
        CliRun.Result r = cli("logs", "-l", "tier=web", "-f");
        assertEquals(3, r.code(), "a daemon that could not answer outweighs a process that could not be read; " + r);
        assertEquals("hello 1\n", r.out());
        assertTrue(r.err().contains("error: web-0: web-0 has no output yet\n"), r::toString);
        assertTrue(r.err().contains("error: web-1: the daemon is shutting down\n"), r::toString);
    }

    @Test
    void followingASelectorEndsWhenTheReaderHasGoneThoughSomeStreamsAreSilent() throws Exception {
        java.util.concurrent.CountDownLatch end = new java.util.concurrent.CountDownLatch(1);
        daemon.on("GET", "/processes", Answer.json(Fixtures.PROCESSES));
        daemon.on("GET", "/processes/hello/logs", Answer.chunked("text/plain", "one\n", "two\n", "three\n"));
        java.util.function.Function<FakeDaemon.Request, Answer> silent = request -> {
            try {
                end.await(); // answers nothing until the test ends, as a process that writes nothing
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Answer.text("");
        };
        daemon.on("GET", "/processes/web-0/logs", silent);
        daemon.on("GET", "/processes/web-1/logs", silent);
        java.io.OutputStream closedPipe = new java.io.OutputStream() { // as | head once it has its lines
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        StewardCli.Io io = new StewardCli.Io(new java.io.ByteArrayInputStream(new byte[0]), new java.io.PrintStream(closedPipe),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream()), Map.of(), dir, java.time.Clock.systemUTC());
        try {
            int code = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                    () -> StewardCli.run(io, "--server", daemon.address, "logs", "-l", "tier=web", "-f"),
                    "the client waited on the silent streams after its reader had gone");
            assertEquals(0, code);
        } finally {
            end.countDown();
        }
    }

    @Test
    void aLineWithoutEndIsPrintedIn16KiBPiecesNotHeldWhole() throws IOException {
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(printed, false, java.nio.charset.StandardCharsets.UTF_8);
        byte[] endless = "x".repeat(40 * 1024).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long read = new LogLines(out, out, "[p] ").copy(new java.io.ByteArrayInputStream(endless), false);
        out.flush();
        assertEquals(40 * 1024, read);
        assertEquals(List.of(16 * 1024, 16 * 1024, 8 * 1024), printed.toString(java.nio.charset.StandardCharsets.UTF_8)
                .lines().map(l -> l.length() - "[p] ".length()).toList());

        // however the reads split the stream: a 20000-byte line in reads of 5000 and 8192, and a line of exactly
        // 16 KiB whose newline comes in the next read (no empty line after the cut)
        assertEquals(List.of(16 * 1024, 20000 - 16 * 1024, 16 * 1024, 4), pieces(5000, "y".repeat(20000) + "\n"
                + "z".repeat(16 * 1024) + "\nnext\n"));
        assertEquals(List.of(16 * 1024, 4), pieces(16 * 1024, "z".repeat(16 * 1024) + "\nnext\n"));
    }

    /** The lengths of the lines LogLines prints of {@code text} read {@code readSize} bytes at a time. */
    private static List<Integer> pieces(int readSize, String text) throws IOException {
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(printed, false, java.nio.charset.StandardCharsets.UTF_8);
        java.io.InputStream reads = new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, readSize));
            }
        };
        new LogLines(out, out, "").copy(reads, false);
        out.flush();
        return printed.toString(java.nio.charset.StandardCharsets.UTF_8).lines().map(String::length).toList();
    }

    @Test
    void aStreamThatFailsInsideALineStillShowsWhatItWroteOfIt() {
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(printed, false, java.nio.charset.StandardCharsets.UTF_8);
        java.io.InputStream failing = new java.io.InputStream() {
            private final java.io.InputStream first = new java.io.ByteArrayInputStream("whole\npartial".getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));

            @Override
            public int read() throws IOException {
                int b = first.read();
                if (b < 0) {
                    throw new IOException("lost the connection");
                }
                return b;
            }
        };
        assertThrows(IOException.class, () -> new LogLines(out, out, "[p] ").copy(failing, true));
        out.flush();
        assertEquals("[p] whole\n[p] partial\n", printed.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void logsOfAProgramScaledToZeroSaySo() {
        daemon.on("GET", "/programs/web", Answer.json("{\"name\": \"web\", \"replicas\": 0, \"processes\": []}"));
        CliRun.Result r = cli("logs", "web");
        assertEquals(1, r.code(), r::toString);
        assertEquals("error: program web has 0 replicas, so it has no process to show the log of;"
                + " scale it up: steward scale program web --replicas 1\n", r.err());
    }

    @Test
    void actionsPrintSupervisorStyleAndExit1OnFailure() {
        daemon.on("POST", "/actions/start", Answer.json("""
                {"items": [{"name": "web-0", "program": "web", "ok": true, "state": "RUNNING", "message": "started"},
                           {"name": "web-1", "program": "web", "ok": false, "state": "FATAL", "message": "spawn error: /nope: no such file"}],
                 "ok": false}"""));
        CliRun.Result r = cli("start", "web");
        assertEquals(1, r.code(), r::toString);
        assertEquals("web-0: started\nweb-1: ERROR (spawn error: /nope: no such file)\n", r.out());
        assertEquals("/actions/start?target=web", daemon.last().target(), "no --timeout: the daemon waits what the processes need");

        daemon.on("POST", "/actions/stop", Answer.json("{\"items\": [{\"name\": \"web-0\", \"ok\": true, \"state\": \"STOPPED\", \"message\": \"stopped\"}], \"ok\": true}"));
        CliRun.Result stop = cli("stop", "web:web-0", "all", "--timeout", "5");
        assertEquals(0, stop.code(), stop::toString);
        assertEquals("/actions/stop?target=web%3Aweb-0&target=all&timeout=5", daemon.last().target(), "the daemon checks the group");

        daemon.on("POST", "/actions/restart", Answer.json("{\"items\": [], \"ok\": true}"));
        assertEquals(0, cli("restart", "-l", "tier=web").code());
        assertEquals("/actions/restart?selector=tier%3Dweb", daemon.last().target());
    }

    @Test
    void actionsTakeNamesAsGetDashONamePrintsThem() {
        // kubectl delete $(kubectl get pods -o name): steward stop $(steward get processes -o name) named "process/web-0".
        daemon.on("POST", "/actions/stop", Answer.json("{\"items\": [], \"ok\": true}"));
        CliRun.Result stop = cli("stop", "process/web-0", "program/hello", "prog/web");
        assertEquals(0, stop.code(), stop::toString);
        assertEquals("/actions/stop?target=web-0&target=hello%3A*&target=web%3A*", daemon.last().target());
        CliRun.Result event = cli("stop", "event/3");
        assertEquals(2, event.code(), event::toString);
        assertEquals("error: \"event/3\" is an event; name a process or a program (process/NAME, program/NAME, or NAME)\n",
                event.err());

        daemon.on("GET", "/processes", Answer.json(Fixtures.PROCESSES));
        CliRun.Result status = cli("status", "process/web-1");
        assertTrue(status.out().startsWith("web-1 "), status::toString);
    }

    @Test
    void rolloutRestartNamesTheProgramsProcessesOnly() {
        daemon.on("POST", "/actions/restart", Answer.json("""
                {"items": [{"name": "web-0", "program": "web", "ok": true, "state": "RUNNING", "message": "started"},
                           {"name": "web-1", "program": "web", "ok": false, "state": "RUNNING",
                            "message": "not restarted: web-0 did not come back (BACKOFF)"}], "ok": false}"""));
        CliRun.Result r = cli("rollout", "restart", "program", "all", "--timeout", "60");
        assertEquals(1, r.code(), r::toString);
        assertEquals("/actions/restart?target=all%3A*&timeout=60", daemon.last().target(),
                "GROUP:*, so that a program named all is not every process");
        assertEquals("web-1: ERROR (not restarted: web-0 did not come back (BACKOFF))\n", r.out(), "only what failed");
    }

    @Test
    void anActionWhoseUrlIsTooLongForTheDaemonSaysSoAndWhatToDo() {
        // The daemon's HTTP layer answers a request line over 64 KiB with an empty 414, before any of Steward's code:
        // that is no other server's page, and the daemon is there (exit 2, not 3).
        daemon.on("POST", "/actions/stop", new Answer(414, "text/plain", Map.of(), "", null, false));
        List<String> line = new java.util.ArrayList<>(List.of("stop"));
        for (int i = 0; i < 400; i++) {
            line.add("web-" + i);
        }
        CliRun.Result r = cli(line.toArray(String[]::new));
        assertEquals(2, r.code(), r::toString);
        assertEquals("error: the request is too long for the daemon (HTTP 414: its URL passes the 64 KiB it takes, as"
                + " thousands of names do); name fewer at a time, or all, a program's name, or -l SELECTOR\n", r.err());
    }

    @Test
    void rolloutRestartOfAnUnknownProgramNamesTheProgram() {
        daemon.on("POST", "/actions/restart", Answer.problem(404, "NotFound",
                "no program or process named \"nope:*\"; run `steward get processes` to list them"));
        daemon.on("GET", "/programs/nope", Answer.problem(404, "NotFound", "no program named \"nope\""));
        CliRun.Result r = cli("rollout", "restart", "program/nope");
        assertEquals(1, r.code(), r::toString);
        assertEquals("", r.out());
        assertEquals("error: no program named \"nope\"; run `steward get programs` to list them\n", r.err());
    }

    @Test
    void actionTimeoutPrintsWhereEachGotAndExits1() {
        daemon.on("POST", "/actions/stop", Answer.json(504, """
                {"code": "Timeout", "status": 504, "detail": "stop did not finish within 1s",
                 "items": [{"name": "slow", "ok": false, "state": "STOPPING", "message": "still stopping"}], "ok": false}"""));
        CliRun.Result r = cli("stop", "slow", "--timeout", "1");
        assertEquals(1, r.code(), r::toString);
        assertEquals("slow: ERROR (still stopping)\n", r.out());
        assertEquals("error: stop did not finish within 1s\n", r.err());
    }

    @Test
    void actionUsageErrors() {
        assertEquals(2, cli("start").code());
        assertEquals(2, cli("stop", "web", "-l", "a=b").code());
        assertEquals(2, cli("restart", "-l", "a=b=c").code());
        assertEquals(2, cli("signal").code());
        assertEquals(2, cli("signal", "H U P", "web").code());
        assertTrue(daemon.requests.isEmpty(), daemon.requests::toString);
    }

    @Test
    void signalSendsTheNameWithoutSig() {
        daemon.on("POST", "/actions/signal", Answer.json("{\"items\": [{\"name\": \"web-0\", \"ok\": true, \"message\": \"signalled\"}], \"ok\": true}"));
        CliRun.Result r = cli("signal", "sighup", "web-0");
        assertEquals(0, r.code(), r::toString);
        assertEquals("web-0: signalled\n", r.out());
        assertEquals("/actions/signal?target=web-0&signal=HUP", daemon.last().target());
    }

    @Test
    void scale() {
        daemon.on("POST", "/programs/web/scale", Answer.json("{\"program\": \"web\", \"action\": \"configured\"}"));
        CliRun.Result r = cli("scale", "program", "web", "--replicas", "3");
        assertEquals(0, r.code(), r::toString);
        assertEquals("program/web scaled\n", r.out());
        assertEquals("/programs/web/scale?replicas=3", daemon.last().target());
        assertEquals(0, cli("scale", "program/web", "--replicas=0").code());
        daemon.on("POST", "/programs/web/scale", Answer.json("{\"program\": \"web\", \"action\": \"configured\", \"effect\": \"scaling 2 -> 4\", \"dryRun\": true}"));
        CliRun.Result dry = cli("scale", "program", "web", "--replicas", "4", "--dry-run");
        assertEquals("program/web scaled (dry run): scaling 2 -> 4\n", dry.out(), dry::toString);
        assertEquals("/programs/web/scale?replicas=4&dryRun=true", daemon.last().target());
        daemon.on("POST", "/programs/web/scale", Answer.json("{\"program\": \"web\", \"action\": \"unchanged\"}"));
        assertEquals("program/web unchanged: already 4 replicas\n", cli("scale", "program", "web", "--replicas", "4").out());
        assertEquals("program/web unchanged: already 1 replica\n", cli("scale", "program", "web", "--replicas", "1").out());
        assertEquals("program/web unchanged (dry run): already 1 replica\n",
                cli("scale", "program", "web", "--replicas", "1", "--dry-run").out());
        assertEquals(2, cli("scale", "program", "web").code());
        assertEquals(2, cli("scale", "program", "web", "--replicas", "-1").code());
        assertEquals(2, cli("scale", "process", "web-0", "--replicas", "2").code());
    }

    @Test
    void anEditTheDaemonTakesWhileShuttingDownSaysWhenItTakesEffect() {
        String deferred = "written; the daemon is shutting down, so it takes effect when the daemon starts again";
        daemon.on("POST", "/programs/web/scale", Answer.json("{\"program\": \"web\", \"action\": \"configured\", \"effect\": \""
                + deferred + "\", \"dryRun\": false}"));
        assertEquals("program/web scaled: " + deferred + "\n", cli("scale", "program", "web", "--replicas", "2").out());
        daemon.on("DELETE", "/programs/web", Answer.json("{\"program\": \"web\", \"action\": \"deleted\", \"effect\": \""
                + deferred + "\", \"dryRun\": false}"));
        assertEquals("program \"web\" deleted: " + deferred + "\n", cli("delete", "program", "web").out());
    }

    @Test
    void statusIsSupervisorsTable() {
        daemon.on("GET", "/processes", Answer.json(Fixtures.PROCESSES));
        CliRun.Result r = cli("status");
        assertEquals(3, r.code(), "supervisorctl's 3: hello is not running; " + r);
        assertEquals("""
                hello                            STOPPED   Not started
                web-0                            RUNNING   pid 1234, uptime 0:01:02
                web-1                            BACKOFF   Exited too quickly (process log may have details)
                """, r.out());
        assertEquals(0, cli("status", "web-0", "web-1").code(), "BACKOFF counts as running, as for supervisorctl");
        CliRun.Result some = cli("status", "web:*", "nope");
        assertEquals(4, some.code(), "supervisorctl's 4: a name is unknown; " + some);
        assertEquals("""
                nope: ERROR (no such process)
                web-0                            RUNNING   pid 1234, uptime 0:01:02
                web-1                            BACKOFF   Exited too quickly (process log may have details)
                """, some.out(), "the bad name's line first, as supervisorctl prints it");
        CliRun.Result otherGroup = cli("status", "hello:web-0");
        assertEquals(4, otherGroup.code(), otherGroup::toString);
        assertEquals(3, cli("status", "hello", "nope").code(), "a process not running outweighs an unknown name");
        assertEquals("hello:web-0: ERROR (no such process)\n", otherGroup.out());
        daemon.on("GET", "/programs/zero", Answer.json(ZERO_REPLICAS));
        CliRun.Result zero = cli("status", "zero", "web-0");
        assertEquals(0, zero.code(), zero::toString);
        assertEquals("""
                zero: no processes (0 replicas; scale it up: steward scale program zero --replicas 1)
                web-0                            RUNNING   pid 1234, uptime 0:01:02
                """, zero.out(), "a program scaled to zero is no error");
        daemon.on("GET", "/programs/nogroup", Answer.problem(404, "NotFound", "no program named nogroup"));
        CliRun.Result groups = cli("status", "nogroup:*", "zero:*");
        assertEquals(4, groups.code(), groups::toString);
        assertEquals("""
                nogroup: ERROR (no such group)
                zero: no processes (0 replicas; scale it up: steward scale program zero --replicas 1)
                """, groups.out(), "supervisorctl's words for GROUP:*");
        assertEquals(2, cli("status", "web-0", "-l", "tier=web").code(), "names or a selector, not both");
    }

    @Test
    void diffShowsChangesAndExits1() throws IOException {
        Files.writeString(dir.resolve("web.yaml"), """
                apiVersion: steward.dev/v1
                kind: Program
                metadata:
                  name: web
                  labels: {tier: frontend}
                spec:
                  command: ["python3", "-m", "http.server", "8080"]
                  replicas: 3
                  restartPolicy: Always
                """);
        daemon.on("GET", "/programs/web", Answer.json(Fixtures.WEB));
        daemon.on("POST", "/programs", Answer.json("""
                {"items": [{"program": "web", "action": "configured", "restarts": false, "effect": "starting web-2", "dryRun": true}]}"""));
        CliRun.Result r = cli("diff", "-f", "web.yaml");
        assertEquals(1, r.code(), r::toString);
        assertEquals("""
                --- program/web\tlive
                +++ program/web\tweb.yaml
                @@ -11,7 +11,7 @@
                   - http.server
                   - '8080'
                   environment: {}
                -  replicas: 2
                +  replicas: 3
                   autostart: true
                   restartPolicy: Always
                   exitCodes:
                """, r.out());
        assertEquals("program/web configured: restarts nothing (starting web-2)\n", r.err());
        assertEquals("/programs?dryRun=true", daemon.requests.get(0).target());
    }

    @Test
    void diffWithoutChangesExits0AndErrorsExit2() throws IOException {
        Files.writeString(dir.resolve("hello.yaml"), "apiVersion: steward.dev/v1\nkind: Program\nmetadata: {name: hello}\n"
                + "spec:\n  command: [/bin/sh, -c, echo hi]\n");
        daemon.on("GET", "/programs/hello", Answer.json(Fixtures.HELLO_PROGRAM));
        daemon.on("POST", "/programs", Answer.json("{\"items\": [{\"program\": \"hello\", \"action\": \"unchanged\", \"restarts\": false}]}"));
        CliRun.Result same = cli("diff", "-f", "hello.yaml");
        assertEquals(0, same.code(), same::toString);
        assertEquals("", same.out());
        assertEquals("program/hello unchanged\n", same.err());

        daemon.on("POST", "/programs", Answer.json(422, "{\"code\": \"Invalid\", \"status\": 422, \"detail\": \"invalid\", \"errors\": []}"));
        assertEquals(2, cli("diff", "-f", "hello.yaml").code());
        assertEquals(2, cli("diff", "-f", "missing.yaml").code());
    }

    @Test
    void diffOfANewProgramIsAllAdditionsWithDefaultsFilledIn() throws IOException {
        Files.writeString(dir.resolve("new.yaml"), "apiVersion: steward.dev/v1\nkind: Program\nmetadata: {name: new}\n"
                + "spec: {command: sleep 1, stopSignal: SIGINT, logs: {stdout: {maxBytes: 10MB}}}\n");
        daemon.on("POST", "/programs", Answer.json("{\"items\": [{\"program\": \"new\", \"action\": \"created\", \"restarts\": false}]}"));
        CliRun.Result r = cli("diff", "-f", "new.yaml");
        assertEquals(1, r.code(), r::toString);
        assertEquals("""
                --- program/new\tlive (does not exist)
                +++ program/new\tnew.yaml
                @@ -0,0 +1,32 @@
                +apiVersion: steward.dev/v1
                +kind: Program
                +metadata:
                +  name: new
                +  labels: {}
                +spec:
                +  command:
                +  - sleep
                +  - '1'
                +  environment: {}
                +  replicas: 1
                +  autostart: true
                +  restartPolicy: OnFailure
                +  exitCodes:
                +  - 0
                +  startSeconds: 1
                +  startRetries: 3
                +  stopSignal: INT
                +  stopTimeoutSeconds: 10
                +  stopAsGroup: false
                +  killAsGroup: false
                +  priority: 999
                +  logs:
                +    stdout:
                +      file: AUTO
                +      maxBytes: 10Mi
                +      backups: 10
                +    stderr:
                +      file: AUTO
                +      maxBytes: 50Mi
                +      backups: 10
                +    redirectStderr: false
                """, r.out());
        assertEquals("program/new created: restarts nothing\n", r.err());
    }

    @Test
    void diffFallsBackToTheRawDocumentsWhenTheClientCannotReadThem() throws IOException {
        Files.writeString(dir.resolve("odd.yaml"), "kind: Program\nmetadata: {name: odd}\nspec: {command: [sleep, '1']}\n");
        daemon.on("POST", "/programs", Answer.json("{\"items\": [{\"program\": \"odd\", \"action\": \"created\", \"restarts\": false}]}"));
        CliRun.Result r = cli("diff", "-f", "odd.yaml");
        assertEquals(1, r.code(), r::toString);
        assertEquals("""
                --- program/odd\tlive (does not exist)
                +++ program/odd\todd.yaml
                @@ -0,0 +1,7 @@
                +kind: Program
                +metadata:
                +  name: odd
                +spec:
                +  command:
                +  - sleep
                +  - '1'
                """, r.out());
    }

    @Test
    void versionAndCompletion() {
        daemon.on("GET", "/version", Answer.json("{\"version\": \"0.9.0\", \"java\": \"25.0.1+8\", \"pid\": 4321,"
                + " \"startedAt\": \"2026-11-22T04:00:00Z\"}"));
        CliRun.Result v = cli("version");
        assertEquals(0, v.code(), v::toString);
        assertEquals("Client Version: steward " + StewardCli.version() + "\nServer Version: steward 0.9.0 (pid 4321,"
                + " Java 25.0.1+8, up " + Format.age(java.time.Duration.between(java.time.Instant.parse("2026-11-22T04:00:00Z"),
                CliRun.NOW)) + ")\n", v.out());
        CliRun.Result client = CliRun.run("version", "--client"); // no daemon anywhere
        assertEquals(0, client.code(), client::toString);
        assertEquals("Client Version: steward " + StewardCli.version() + "\n", client.out());
        assertEquals("steward " + StewardCli.version() + "\n", CliRun.run("--version").out());

        daemon.on("GET", "/version", Answer.json(404, "{\"code\": \"NotFound\", \"detail\": \"no such API resource\"}"));
        CliRun.Result older = cli("version");
        assertEquals(1, older.code(), older::toString);
        assertEquals("Client Version: steward " + StewardCli.version() + "\n", older.out());
        assertEquals("error: the daemon has no GET /api/v1/version: it is older than this client, which may ask it for"
                + " what it does not know; restart it with this build (bin/steward serve)\n", older.err());
        CliRun.Result bash = CliRun.run("completion", "bash");
        assertEquals(0, bash.code(), bash::toString);
        assertTrue(bash.out().contains("complete -F _complete_steward"), bash.out());
        assertTrue(bash.out().contains("describe"));
        CliRun.Result zsh = CliRun.run("completion", "zsh");
        assertTrue(zsh.out().contains("bashcompinit"), zsh.out());
        assertEquals(2, CliRun.run("completion", "fish").code());
    }
}
