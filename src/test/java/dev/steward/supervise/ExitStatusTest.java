package dev.steward.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Decoding Linux {@code waitpid} status words, and how an ending reads. */
class ExitStatusTest {

    @Test
    void exitZero() {
        ExitStatus status = ExitStatus.fromWaitStatus(0);

        assertEquals(ExitStatus.exited(0), status);
        assertEquals(0, status.code());
        assertFalse(status.signaled());
        assertFalse(status.coreDumped());
        assertEquals("exit status 0", status.toString());
    }

    @Test
    void exitOne() {
        ExitStatus status = ExitStatus.fromWaitStatus(1 << 8);

        assertEquals(ExitStatus.exited(1), status);
        assertFalse(status.signaled());
        assertEquals("exit status 1", status.toString());
    }

    @Test
    void exit255() {
        ExitStatus status = ExitStatus.fromWaitStatus(0xff00);

        assertEquals(255, status.code());
        assertEquals(0, status.signal());
        assertFalse(status.signaled());
        assertEquals("exit status 255", status.toString());
    }

    @Test
    void killedBySigkill() {
        ExitStatus status = ExitStatus.fromWaitStatus(9);

        assertEquals(ExitStatus.killedBy(9), status);
        assertTrue(status.signaled());
        assertEquals(9, status.signal());
        assertEquals(-1, status.code());
        assertFalse(status.coreDumped());
        assertEquals("terminated by SIGKILL", status.toString());
        assertNotEquals(ExitStatus.exited(137), status, "a SIGKILL is not exit 137");
    }

    @Test
    void sigtermWithCoreDump() {
        ExitStatus status = ExitStatus.fromWaitStatus(15 | 0x80);

        assertTrue(status.signaled());
        assertEquals(15, status.signal());
        assertEquals(-1, status.code());
        assertTrue(status.coreDumped());
        assertEquals("terminated by SIGTERM (core dumped)", status.toString());
    }

    @Test
    void exit137IsAnExitCode() {
        ExitStatus status = ExitStatus.fromWaitStatus(137 << 8);

        assertFalse(status.signaled());
        assertEquals(137, status.code());
        assertEquals("exit status 137", status.toString());
    }
}
