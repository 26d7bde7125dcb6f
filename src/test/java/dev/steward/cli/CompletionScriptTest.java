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
import java.util.List;
import java.util.Optional;
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

    /** Completes a command line as bash would, and prints it and the completions: {@code LINE|WORD WORD...}. */
    private static final String COMPLETE = """
            complete_line() {
              COMP_LINE=$1; COMP_POINT=${#1}; read -ra COMP_WORDS <<< "$1"; [[ $1 == *' ' ]] && COMP_WORDS+=('')
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
        try (FakeDaemon daemon = FakeDaemon.unix(dir.resolve("steward.sock"))) {
            daemon.on("GET", "/processes", Answer.json(Fixtures.PROCESSES)); // hello, web-0, web-1
            daemon.on("GET", "/programs", Answer.json(Fixtures.PROGRAMS)); // hello, web
            Path script = script("bash");
            // the client on this test's class path, as bin/steward runs it
            Path launcher = Files.createDirectories(dir.resolve("bin")).resolve("steward");
            Files.writeString(launcher, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -cp '"
                    + System.getProperty("java.class.path") + "' dev.steward.cli.StewardCli \"$@\"\n");
            assertTrue(launcher.toFile().setExecutable(true));
            Files.writeString(Files.createDirectories(dir.resolve("m")).resolve("web.yaml"), "");

            String out = run(bash.get().toString(), "-c", "source '" + script + "'\n" + COMPLETE
                    + "complete -p steward\n"
                    + "complete_line 'steward st'\n"
                    + "complete_line 'steward get '\n"
                    + "complete_line 'steward get processes -o '\n"
                    + "complete_line 'steward apply -f m/w'\n"
                    + "complete_line 'steward rollout '\n"
                    + "complete_line 'steward start --timeout '\n"
                    + "PATH=" + launcher.getParent() + ":$PATH\n"
                    + "complete_line 'steward --server " + daemon.address + " status w'\n"
                    + "complete_line 'steward --server " + daemon.address + " logs -f '\n"
                    + "complete_line 'steward --server " + daemon.address + " scale program '\n"
                    + "STEWARD_SERVER=" + daemon.address + " complete_line 'steward get program h'\n");
            assertEquals("""
                    complete -o default -F _steward_complete steward
                    steward st|start stop status
                    steward get |programs processes events
                    steward get processes -o |wide json yaml name
                    steward apply -f m/w|m/web.yaml
                    steward rollout |status restart
                    steward start --timeout |
                    steward --server SOCKET status w|web web-0 web-1
                    steward --server SOCKET logs -f |hello web web-0 web-1
                    steward --server SOCKET scale program |hello web
                    steward get program h|hello
                    """, out.replace(daemon.address, "SOCKET"));
        }
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
