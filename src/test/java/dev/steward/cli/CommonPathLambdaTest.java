package dev.steward.cli;

import dev.steward.cli.FakeDaemon.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The common command lines link no lambda of the client's own: the first one of a call sets up the JDK's lambda
 * machinery, and each costs start-up time (docs/cli.md, "Start-up time"). Each runs in a JVM of its own, as bin/steward
 * runs it, whose class loading says which lambda classes it spun.
 */
class CommonPathLambdaTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void theCommonCommandLinesLinkNoLambdaOfTheClient() throws Exception {
        try (FakeDaemon daemon = FakeDaemon.unix(dir.resolve("steward.sock"))) {
            daemon.on("GET", "/processes", Answer.json(Fixtures.PROCESSES));
            daemon.on("GET", "/programs", Answer.json(Fixtures.PROGRAMS));
            List<List<String>> commandLines = List.of(List.of("status"), List.of("get", "processes"), List.of("get", "programs"),
                    List.of("get", "processes", "-o", "name"), List.of("get", "processes", "-o", "json"),
                    List.of("get", "processes", "web-0"), List.of("get", "processes", "nope"));
            for (List<String> args : commandLines) {
                List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xlog:class+load=info", "-cp", System.getProperty("java.class.path"), StewardCli.class.getName(),
                        "--server", daemon.address));
                command.addAll(args);
                Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
                try {
                    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertTrue(process.waitFor(60, TimeUnit.SECONDS), out);
                    // A command line that failed on the way (a route the fake daemon lacks) would not have run its path.
                    // status: supervisorctl's 3, as not every process runs; nope: not found
                    int expected = args.contains("status") ? 3 : args.contains("nope") ? 1 : 0;
                    assertEquals(expected, process.exitValue(), () -> "steward " + String.join(" ", args) + ": " + outputOf(out));
                    List<String> lambdas = new ArrayList<>();
                    for (String line : out.split("\n")) {
                        if (line.contains(" dev.steward.") && line.contains("$$Lambda")) {
                            lambdas.add(line);
                        }
                    }
                    assertEquals(List.of(), lambdas, "steward " + String.join(" ", args));
                } finally {
                    process.destroyForcibly();
                }
            }
        }
    }

    /** What the command printed, without the class loading lines around it. */
    private static String outputOf(String out) {
        StringBuilder lines = new StringBuilder();
        for (String line : out.split("\n")) {
            if (!line.contains("[class,load]")) {
                lines.append(line).append('\n');
            }
        }
        return lines.toString();
    }
}
