package dev.steward.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The state directory's lock file is the daemon's user's alone: a process of another user that can open it can hold a
 * shared lock on it (read permission is enough), and every later daemon then refused to start, "another Steward daemon
 * is already using the state directory".
 */
class StateDirLockTest {
    @TempDir
    Path stateDir;

    @Test
    void theLockFileCanBeOpenedByTheDaemonsUserOnly() throws Exception {
        try (StateDirLock lock = StateDirLock.acquire(stateDir)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir.resolve("steward.lock"))));
        }
    }

    @Test
    void aLockFileLeftReadableByEveryUserIsClosedToThemAtTheNextStart() throws Exception {
        Path file = Files.writeString(stateDir.resolve("steward.lock"), "4321\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        try (StateDirLock lock = StateDirLock.acquire(stateDir)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(file), "it names this daemon");
        }
    }
}
