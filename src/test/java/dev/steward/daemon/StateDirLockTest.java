package dev.steward.daemon;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    @Test
    void aLockFileOfAnotherUserIsRefusedWithWhatToDo() throws Exception {
        // Its owner may chmod it back and lock it; a daemon not run as root said only the path, or "Operation not permitted"
        Assumptions.assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "only root gives files away");
        Path file = Files.writeString(stateDir.resolve("steward.lock"), "4321\n");
        Files.setAttribute(file, "unix:uid", 65534);
        IOException refused = assertThrows(IOException.class, () -> StateDirLock.acquire(stateDir));
        assertEquals(file + " belongs to user id 65534, not to the daemon's user (id 0): that user may hold a lock on it"
                + " that keeps every daemon from starting; if no daemon uses this state directory, remove the file (each"
                + " start makes it anew), or give this daemon its own --state-dir", refused.getMessage());
        Files.delete(file);
        try (StateDirLock lock = StateDirLock.acquire(stateDir)) {
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(file), "made anew");
        }
    }
}
