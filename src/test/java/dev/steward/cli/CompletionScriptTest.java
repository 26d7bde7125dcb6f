package dev.steward.cli;

import dev.steward.cli.FakeDaemon.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The completion scripts, sourced in the shells they are for. */
class CompletionScriptTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void theZshScriptKeepsTheCompletionsRegisteredBeforeIt() throws Exception {
        Optional<Path> zsh = onPath("zsh");
        assumeTrue(zsh.isPresent(), "zsh is not installed");
        Path script = script("zsh");
        // as a .zshrc has it: the completion system, kubectl's completion (compdef), then steward's
        String out = run(zsh.get().toString(), "-f", "-c", "autoload -U compinit && compinit; _other() { compadd x; };"
                + " compdef _other other; source '" + script + "'; print -r -- \"${_comps[other]}|${_comps[steward]}\"");
        assertEquals("_other|_bash_complete -F _steward_complete -o default\n", out);
        String alone = run(zsh.get().toString(), "-f", "-c", "source '" + script + "'; print -r -- \"${_comps[steward]}\"");
        assertEquals("_bash_complete -F _steward_complete -o default\n", alone, "it loads the completion system when none is");
    }

    /**
     * Completes a command line as bash would, and prints it and the completions: {@code LINE|WORD WORD...}. As bash
     * does (COMP_WORDBREAKS), {@code =} and {@code :} are words of their own: {@code --server=http://h:1} is five.
     */
    private static final String COMPLETE = """
            complete_line() {
              local split=${1//=/ = }; split=${split//:/ : }
              COMP_LINE=$1; COMP_POINT=${#1}; read -ra COMP_WORDS <<< "$split"; [[ $1 == *' ' ]] && COMP_WORDS+=('')
              COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=()
              _steward_complete steward "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" 2>/dev/null
              echo "$1|${COMPREPLY[*]}"
            }
            """;

    @Test
    @Timeout(180)
    void bashCompletesVerbsKindsFormatsFilesAndTheNamesTheDaemonLists() throws Exception {
        Optional<Path> bash = onPath("bash");
        assumeTrue(bash.isPresent(), "bash is not installed");
        try (FakeDaemon daemon = FakeDaemon.unix(dir.resolve("steward.sock")); FakeDaemon tcp = FakeDaemon.tcp()) {
            for (FakeDaemon each : List.of(daemon, tcp)) {
                each.on("GET", "/processes", Answer.json(Fixtures.PROCESSES)); // hello, web-0, web-1
                each.on("GET", "/programs", Answer.json(Fixtures.PROGRAMS)); // hello, web
            }
            Path script = script("bash");
            Path launcher = launcher();
            Files.writeString(Files.createDirectories(dir.resolve("m")).resolve("web.yaml"), "");
            for (String name : List.of("my app.yaml", "x[1].yaml", "x1.yaml")) { // a space; a name that reads as a pattern
                Files.writeString(dir.resolve("m").resolve(name), "");
            }

            String out = run(bash.get().toString(), "-c", "source '" + script + "'\n" + COMPLETE
                    + "complete -p steward\n"
                    + "complete_line 'steward st'\n"
                    + "complete_line 'steward get '\n"
                    + "complete_line 'steward get processes -o '\n"
                    + "complete_line 'steward apply -f m/w'\n"
                    + "complete_line 'steward apply -f m/my'; echo ${#COMPREPLY[@]}\n"
                    + "complete_line 'steward apply --filename=m/x['\n"
                    + "complete_line 'steward rollout '\n"
                    + "complete_line 'steward start --timeout '\n"
                    + "PATH=" + launcher.getParent() + ":$PATH\n"
                    + "complete_line 'steward --server " + daemon.address + " status w'\n"
                    + "complete_line 'steward --server " + daemon.address + " logs -f '\n"
                    + "complete_line 'steward --server " + daemon.address + " scale program '\n"
                    + "complete_line 'steward --server=" + daemon.address + " get -o=name programs '\n"
                    + "complete_line 'steward --server " + tcp.address + " logs '\n"
                    + "STEWARD_SERVER=" + daemon.address + " complete_line 'steward get program h'\n");
            assertEquals("""
                    complete -o default -F _steward_complete steward
                    steward st|start stop status
                    steward get |programs processes events
                    steward get processes -o |wide json yaml name
                    steward apply -f m/w|m/web.yaml
                    steward apply -f m/my|m/my app.yaml
                    1
                    steward apply --filename=m/x[|m/x[1].yaml
                    steward rollout |status restart
                    steward start --timeout |
                    steward --server SOCKET status w|web web-0 web-1
                    steward --server SOCKET logs -f |hello web web-0 web-1
                    steward --server SOCKET scale program |hello web
                    steward --server=SOCKET get -o=name programs |hello web
                    steward --server TCP logs |hello web web-0 web-1
                    steward get program h|hello
                    """, out.replace(daemon.address, "SOCKET").replace(tcp.address, "TCP"));
        }
    }

    @Test
    @Timeout(120)
    void aDaemonThatDoesNotAnswerHoldsTheShellThreeSecondsAtMost() throws Exception {
        Optional<Path> bash = onPath("bash");
        assumeTrue(bash.isPresent() && onPath("timeout").isPresent(), "bash or timeout(1) is not installed");
        CountDownLatch stopped = new CountDownLatch(1); // as kill -STOP leaves it: the connection taken, no answer
        try (FakeDaemon daemon = FakeDaemon.unix(dir.resolve("steward.sock"))) {
            for (String list : List.of("/processes", "/programs")) {
                daemon.on("GET", list, request -> {
                    try {
                        stopped.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return Answer.json(Fixtures.PROCESSES);
                });
            }
            Path script = script("bash");
            Path launcher = launcher();
            long start = System.nanoTime();
            String out = run(bash.get().toString(), "-c", "source '" + script + "'\n" + COMPLETE + "PATH=" + launcher.getParent()
                    + ":$PATH\ncomplete_line 'steward --server " + daemon.address + " logs '\n");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals("steward --server SOCKET logs |\n", out.replace(daemon.address, "SOCKET"));
            // It asked for processes, then programs, 3 s each (and 5 s each for a connect that is not taken): 6 s or 10 s
            assertTrue(took.compareTo(Duration.ofMillis(5500)) < 0, took::toString);
        } finally {
            stopped.countDown();
        }
    }

    /** The client on this test's class path, as bin/steward runs it. */
    private Path launcher() throws IOException {
        Path launcher = Files.createDirectories(dir.resolve("bin")).resolve("steward");
        Files.writeString(launcher, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '"
                + System.getProperty("java.class.path") + "' dev.steward.cli.StewardCli \"$@\"\n");
        assertTrue(launcher.toFile().setExecutable(true));
        return launcher;
    }

    private Path script(String shell) throws IOException {
        CliRun.Result script = CliRun.run("completion", shell);
        assertEquals(0, script.code(), script::toString);
        return Files.writeString(dir.resolve("steward." + shell), script.out());
    }

    /** Standard output and error of a shell command run in {@code dir}, with {@code dir} as its HOME. */
    private String run(String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("HOME", dir.toString());
        Process process = builder.start();
        try {
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), out);
            return out;
        } finally {
            process.destroyForcibly();
        }
    }

    private static Optional<Path> onPath(String program) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(entry.isEmpty() ? "." : entry, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
