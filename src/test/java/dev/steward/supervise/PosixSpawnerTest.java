package dev.steward.supervise;

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
 * The spawn error messages, and exits reaching the spawner that started the child whatever other spawners the JVM
 * has (spawning itself is covered end to end by EngineIT).
 */
class PosixSpawnerTest {
    @TempDir
    Path dir;

    private static SpawnRequest request(Path executable) {
        return new SpawnRequest(executable, List.of(executable.toString()), Map.of(), Optional.empty(),
                chunk -> { }, Optional.empty(), status -> { });
    }

    @Test
    void everyExitReachesItsSpawnerWhileAnotherSpawnersOrphanLivesOn() throws Exception {
        // A daemon started again in one JVM (as @QuarkusTest profiles do) has a spawner of its own. An orphaned
        // grandchild of the first one's child is the JVM's child (a subreaper's): with a reaper per spawner, the first
        // one's waitpid(-1) blocked on it and then took the second one's exits, which were never heard of.
        Path orphanPid = dir.resolve("orphan.pid");
        PosixSpawner first = new PosixSpawner();
        java.util.concurrent.CompletableFuture<ExitStatus> firstExit = new java.util.concurrent.CompletableFuture<>();
        first.spawn(new SpawnRequest(Path.of("/bin/sh"), List.of("/bin/sh", "-c", "sleep 60 & echo $! > " + orphanPid),
                Map.of(), Optional.empty(), chunk -> { }, Optional.empty(), firstExit::complete));
        firstExit.get(30, java.util.concurrent.TimeUnit.SECONDS);
        int orphan = Integer.parseInt(Files.readString(orphanPid).trim());
        try {
            PosixSpawner second = new PosixSpawner();
            for (int i = 0; i < 5; i++) {
                java.util.concurrent.CompletableFuture<ExitStatus> exit = new java.util.concurrent.CompletableFuture<>();
                second.spawn(new SpawnRequest(Path.of("/bin/sh"), List.of("/bin/sh", "-c", "exit 3"), Map.of(),
                        Optional.empty(), chunk -> { }, Optional.empty(), exit::complete));
                assertEquals(3, exit.get(30, java.util.concurrent.TimeUnit.SECONDS).code(),
                        "exit " + i + " reached its spawner");
            }
        } finally {
            LibC.kill(orphan, 9);
        }
    }

    @Test
    void aScriptWhoseInterpreterIsMissingNamesTheInterpreter() throws IOException {
        Path script = Files.writeString(dir.resolve("job.sh"), "#!/nonexistent/bin/python9 -u\nprint('hi')\n");
        assertEquals("cannot execute " + script + ": its interpreter /nonexistent/bin/python9 (from its #! line)"
                + " does not exist; install it or fix the #! line", PosixSpawner.spawnError(request(script), LibC.ENOENT));
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
