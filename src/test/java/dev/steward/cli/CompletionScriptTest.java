package dev.steward.cli;

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
        assertEquals("_other|_bash_complete -F _complete_steward -o default\n", out);
        String alone = run(zsh.get().toString(), "-f", "-c", "source '" + script + "'; print -r -- \"${_comps[steward]}\"");
        assertEquals("_bash_complete -F _complete_steward -o default\n", alone, "it loads the completion system when none is");
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
