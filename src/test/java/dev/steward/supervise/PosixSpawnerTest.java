package dev.steward.supervise;

import com.sun.jna.Memory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The spawn error messages (no child is spawned here: a second reaper in the test JVM would race the
 * daemon's own under @QuarkusTest; spawning is covered end to end by EngineIT).
 */
class PosixSpawnerTest {
    @TempDir
    Path dir;

    private static SpawnRequest request(Path executable) {
        return new SpawnRequest(executable, List.of(executable.toString()), Map.of(), Optional.empty(),
                chunk -> { }, Optional.empty(), status -> { });
    }

    @Test
    void aScriptWhoseInterpreterIsMissingNamesTheInterpreter() throws IOException {
        Path script = Files.writeString(dir.resolve("job.sh"), "#!/nonexistent/bin/python9 -u\nprint('hi')\n");
        assertEquals("cannot execute " + script + ": its interpreter /nonexistent/bin/python9 (from its #! line)"
                + " does not exist; install it or fix the #! line", PosixSpawner.spawnError(request(script), LibC.ENOENT));
    }

    @Test
    void aScriptWithoutItsHashBangLineIsSaidToNeedOne() throws IOException {
        // A shell runs such a file itself; exec does not (ENOEXEC, "Exec format error"), nor does supervisord.
        Path script = Files.writeString(dir.resolve("job.sh"), "echo hi\n");
        assertEquals("cannot execute " + script + ": it is no program for this machine, and has no #! line to name its"
                + " interpreter; add one as its first line (#!/bin/sh, say), or run it through its interpreter in"
                + " spec.command ([\"/bin/sh\", \"" + script + "\"])", PosixSpawner.spawnError(request(script), 8));
    }

    @Test
    void otherFailuresGiveTheSystemErrorAndWhatToCheck() throws IOException {
        Path script = Files.writeString(dir.resolve("job.sh"), "#!/bin/sh\necho hi\n");
        assertEquals("cannot execute " + script + ": " + LibC.strerror(LibC.ENOENT)
                + "; check the path, its permissions and spec.directory", PosixSpawner.spawnError(request(script), LibC.ENOENT));
        Path binary = Files.write(dir.resolve("prog"), new byte[] {0x7f, 'E', 'L', 'F'});
        assertEquals("cannot execute " + binary + ": " + LibC.strerror(8)
                + "; check the path, its permissions and spec.directory", PosixSpawner.spawnError(request(binary), 8));
    }

    @Test
    void theSignalsGlibcKeepsForItselfAreAddedToAFullSet() {
        try (Memory set = new Memory(LibC.SIGSET_SIZE)) {
            LibC.sigfillset(set);
            assertNotEquals(-1L, set.getLong(0), "glibc's sigfillset leaves out 32 and 33");

            PosixSpawner.addInternalSignals(set);

            assertEquals(-1L, set.getLong(0), "signals 1 to 64, every one");
        }
    }

    /** What a descriptor is, as /proc shows it (pipe:[inode]); empty once closed. */
    private static String link(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException closed) {
            return "";
        }
    }

    @Test
    void aPipeAtOrAboveTheCeilingRefusesTheSpawnAndIsClosed() throws SpawnException {
        int[] pipe = new int[2];
        assertEquals(0, LibC.pipe2(pipe, LibC.O_CLOEXEC));
        String readEnd = link(pipe[0]);
        String writeEnd = link(pipe[1]);

        PosixSpawner.refuseAtCeiling(pipe, Math.max(pipe[0], pipe[1]) + 1); // below the ceiling: kept
        assertEquals(readEnd, link(pipe[0]));
        SpawnException refused = assertThrows(SpawnException.class, () -> PosixSpawner.refuseAtCeiling(pipe, 3));

        assertEquals("the daemon has 3 files open, and keeps the rest of its limit of open files (ulimit -n) for itself: its"
                + " API, log files and manifests; raise the limit (ulimit -n, systemd's LimitNOFILE=, docker run --ulimit"
                + " nofile=N:N) or run fewer processes", refused.getMessage());
        // (the numbers may already name other files, opened since by other threads, but not this pipe)
        assertNotEquals(readEnd, link(pipe[0]), "the read end is closed");
        assertNotEquals(writeEnd, link(pipe[1]), "the write end is closed");
    }
}
