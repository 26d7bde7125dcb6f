package dev.steward.cli;

import dev.steward.cli.FakeDaemon.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command lines read without picocli behave exactly as picocli reads them: same output, same
 * exit code, same requests; and every other command line is left to picocli.
 */
class CommonCommandLineTest {
    private static final String ACTION_ANSWER = """
            {"items": [{"name": "web-0", "program": "web", "ok": true, "state": "RUNNING", "message": "started"},
                       {"name": "web-1", "program": "web", "ok": false, "state": "FATAL", "message": "spawn error"}],
             "ok": false}""";

    @TempDir
    Path dir;
    FakeDaemon daemon;

    @BeforeEach
    void start() throws IOException {
        daemon = FakeDaemon.unix(dir.resolve("steward.sock"));
        daemon.on("GET", "/programs", Answer.json(Fixtures.PROGRAMS));
        daemon.on("GET", "/programs/hello", Answer.json(Fixtures.HELLO_PROGRAM));
        daemon.on("GET", "/processes", Answer.json(Fixtures.PROCESSES));
        daemon.on("GET", "/processes/web-0", Answer.json(Fixtures.WEB_0));
        daemon.on("GET", "/events", Answer.json(Fixtures.EVENTS));
        daemon.on("GET", "/version", Answer.json("{\"version\": \"0.9.0\", \"java\": \"17\", \"pid\": 1, \"startedAt\": null}"));
        daemon.on("GET", "/processes/nope", Answer.problem(404, "NotFound", "no process named nope"));
        daemon.on("GET", "/processes/web-0/logs", Answer.chunked("text/plain", "line 1\n", "line 2\n"));
        daemon.on("GET", "/processes/hello/logs", Answer.text("hello\n"));
        daemon.on("GET", "/processes/web/logs", Answer.problem(404, "NotFound", "no process named web"));
        daemon.on("GET", "/programs/web", Answer.json(Fixtures.WEB));
        daemon.on("GET", "/processes/nope/logs", Answer.problem(404, "NotFound", "no process named nope"));
        daemon.on("GET", "/programs/nope", Answer.problem(404, "NotFound", "no program named nope"));
        Files.writeString(dir.resolve("web.yaml"), "apiVersion: steward.dev/v1\nkind: Program\nmetadata: {name: web}\n"
                + "spec: {command: [sleep, '9'], replicas: 3}\n");
        Files.createDirectories(dir.resolve("m/sub"));
        Files.writeString(dir.resolve("m/sub/api.yaml"), "apiVersion: steward.dev/v1\nkind: Program\nmetadata: {name: api}\n"
                + "spec: {command: [sleep, '9']}\n");
        daemon.on("POST", "/programs", request -> Answer.json("{\"items\": [{\"program\": \"web\", \"action\": \"configured\", "
                + "\"restarts\": false, \"effect\": \"starting web-2\", \"dryRun\": " + request.target().contains("dryRun") + "}]}"));
        daemon.on("DELETE", "/programs/web", Answer.json("{\"program\": \"web\", \"action\": \"deleted\"}"));
        for (String action : List.of("start", "stop", "restart")) {
            daemon.on("POST", "/actions/" + action, Answer.json(ACTION_ANSWER));
        }
    }

    @AfterEach
    void stop() throws IOException {
        daemon.close();
    }

    @Test
    void commonCommandLinesGiveWhatPicocliGives() {
        String server = daemon.address;
        List<List<String>> lines = List.of(
                List.of("--server", server, "status"),
                List.of("status", "--server", server, "web-0", "web:*", "nosuch"),
                List.of("--server=" + server, "status", "-l", "tier=web"),
                List.of("--server", server, "status", "-l", "!"),
                List.of("--server", server, "get", "programs"),
                List.of("--server", server, "get", "ps", "-o", "wide"),
                List.of("--server", server, "get", "processes", "web-0", "-o", "json"),
                List.of("--server", server, "get", "process/web-0", "--output=yaml"),
                List.of("--server", server, "get", "processes", "nope"),
                List.of("--server", server, "get", "processes", "web-0", "hello", "nope"),
                List.of("--server", server, "get", "processes", "web", "-o", "name"),
                List.of("--server", server, "get", "programs", "web", "hello", "-o", "json"),
                List.of("--server", server, "get", "programs", "-l", "tier=web"),
                List.of("--server", server, "get", "programs", "hello", "-l", "a=b"),
                List.of("--server", server, "get", "events"),
                List.of("--server", server, "get", "widgets"),
                List.of("--server", server, "get", "programs", "-o", "xml"),
                List.of("--server", server, "describe", "process", "web-0"),
                List.of("--server", server, "describe", "programs", "-l", "tier=web"),
                List.of("--server", server, "describe", "program/hello"),
                List.of("--server", server, "describe", "events"),
                List.of("--server", server, "describe", "processes", "nope"),
                List.of("--server", server, "describe", "process", "web-0", "hello", "nope"),
                List.of("--server", server, "logs", "web-0"),
                List.of("--server", server, "logs", "web-0", "--tail", "3", "-f"),
                List.of("--server", server, "logs", "--stderr", "web-0", "--limit-bytes=100", "--follow"),
                List.of("--server", server, "logs", "web-0", "--tail", "0"),
                List.of("--server", server, "logs", "web-0", "--tail", "+5"),
                List.of("--server", server, "logs", "hello"),
                List.of("--server", server, "logs", "hello", "-p", "--tail", "3"),
                List.of("--server", server, "logs", "--previous", "hello", "-f"),
                List.of("--server", server, "logs", "web"),
                List.of("--server", server, "logs", "nope"),
                List.of("--server", server, "apply", "-f", "web.yaml"),
                List.of("--server", server, "apply", "--filename=web.yaml", "--dry-run"),
                List.of("--server", server, "apply", "-R", "-f", "m"),
                List.of("--server", server, "apply", "-f", "m"),
                List.of("--server", server, "apply", "-f", "nope.yaml"),
                List.of("--server", server, "diff", "-f", "web.yaml"),
                List.of("--server", server, "diff", "--recursive", "--filename", "m"),
                List.of("--server", server, "delete", "program", "web"),
                List.of("--server", server, "delete", "-f", "web.yaml", "--dry-run"),
                List.of("--server", server, "delete", "program", "nope", "--ignore-not-found"),
                List.of("--server", server, "delete", "program", "nope"),
                List.of("--server", server, "delete"),
                List.of("--server", server, "delete", "process", "web-0"),
                List.of("--server", server, "start", "web"),
                List.of("--server", server, "stop", "web:web-0", "all", "--timeout", "5"),
                List.of("--server", server, "stop", "--timeout", "0.5", "all"),
                List.of("--server", server, "stop", "--timeout", "0", "web"),
                List.of("--server", server, "restart", "-l", "tier=web"),
                List.of("--server", server, "restart", "-l", "tier=web", "web"),
                List.of("--server", server, "start"),
                List.of("version"),
                List.of("--server", server, "version"),
                List.of("--server", server, "version", "--client"),
                List.of("--version"),
                List.of("-V"));
        for (List<String> line : lines) {
            String[] args = line.toArray(String[]::new);
            assertTrue(CommonCommandLine.parse(new StewardCli(io(new Streams())), args).isPresent(), () -> line + " is read by picocli");
            int before = daemon.requests.size();
            Streams common = new Streams();
            int commonCode = StewardCli.run(io(common), args);
            List<String> commonRequests = targetsSince(before);
            before = daemon.requests.size();
            Streams picocli = new Streams();
            int picocliCode = StewardCli.runWithPicocli(io(picocli), args);
            assertEquals(picocliCode, commonCode, () -> line + ": exit code");
            assertEquals(picocli.out(), common.out(), () -> line + ": stdout");
            assertEquals(picocli.err(), common.err(), () -> line + ": stderr");
            assertEquals(targetsSince(before), commonRequests, () -> line + ": requests");
        }
    }

    @Test
    void everythingElseIsLeftToPicocli() {
        List<List<String>> lines = List.of(
                List.of(),
                List.of("--help"),
                List.of("status", "--help"),
                List.of("status", "-h"),
                List.of("version", "extra"),
                List.of("version", "--help"),
                List.of("version", "-l", "a=b"),
                List.of("--version", "status"),
                List.of("apply", "-f", "@list"),
                List.of("apply", "--filename", "@@x.yaml"),
                List.of("describe", "programs", "-l", "@list"),
                List.of("logs", "web-0", "--server", "@list"),
                List.of("--server", "@list", "status"),
                List.of("--server=logs", "logs", "web-0"),
                List.of("--server=get", "get", "programs"),
                List.of("apply"),
                List.of("apply", "web.yaml"),
                List.of("apply", "-f", "web.yaml", "-f", "m"),
                List.of("apply", "-f", "-"),
                List.of("apply", "-Rf", "m"),
                List.of("apply", "-f", "web.yaml", "--dry-run=true"),
                List.of("apply", "-f", "web.yaml", "-l", "a=b"),
                List.of("diff", "-f", "web.yaml", "--dry-run"),
                List.of("diff"),
                List.of("delete", "-f", "web.yaml", "-f", "m"),
                List.of("delete", "program", "web", "--tail", "3"),
                List.of("logs", "web-0", "-R"),
                List.of("describe"),
                List.of("describe", "process", "-o", "json"),
                List.of("logs"),
                List.of("logs", "a", "b"),
                List.of("logs", "web-0", "-l", "a=b"),
                List.of("logs", "web-0", "--tail", "-1"),
                List.of("logs", "web-0", "--tail", "-2"),
                List.of("logs", "web-0", "--tail", "lots"),
                List.of("logs", "web-0", "--tail=0x10"),
                List.of("logs", "web-0", "--limit-bytes"),
                List.of("logs", "web-0", "-f", "-f"),
                List.of("logs", "web-0", "--follow=true"),
                List.of("logs", "web-0", "-fl"),
                List.of("-f", "logs", "web-0"),
                List.of("status", "-f"),
                List.of("get"),
                List.of("get", "programs", "-w"),
                List.of("get", "programs", "-ojson"),
                List.of("get", "programs", "-o"),
                List.of("get", "programs", "-o", "json", "-o", "yaml"),
                List.of("status", "--timeout", "3"),
                List.of("-l", "a=b", "status"),
                List.of("start", "--timeout", "soon", "web"),
                List.of("start", "--", "web"),
                List.of("start", "@targets.txt"),
                List.of("signal", "HUP", "web"),
                List.of("status", "--server"),
                List.of("--server", "status", "status"));
        for (List<String> line : lines) {
            assertFalse(CommonCommandLine.parse(new StewardCli(io(new Streams())), line.toArray(String[]::new)).isPresent(),
                    () -> line + " should be read by picocli");
        }
    }

    private List<String> targetsSince(int index) {
        synchronized (daemon.requests) {
            List<String> targets = new ArrayList<>();
            daemon.requests.subList(index, daemon.requests.size()).forEach(r -> targets.add(r.method() + " " + r.target()));
            return targets;
        }
    }

    private static final class Streams {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    private StewardCli.Io io(Streams streams) {
        return new StewardCli.Io(new ByteArrayInputStream(new byte[0]), new PrintStream(streams.out, true, StandardCharsets.UTF_8),
                new PrintStream(streams.err, true, StandardCharsets.UTF_8), Map.of(), dir, Clock.fixed(CliRun.NOW, ZoneOffset.UTC));
    }
}
