package dev.steward.supervise;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcStatTest {
    /** A real line of /proc/PID/stat, its command name made awkward: spaces and a ')' of its own. */
    private static final String STAT = "4242 (my (odd) name) S 17 4242 4242 0 -1 4194560 113 0 0 0 1 2 4 5 20 0 1 0 5114543"
            + " 2527232 200 18446744073709551615 1 1 0 0 0 0 0 0 65536 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

    @Test
    void theGroupStartTimeAndResidentSizeAreCountedFromTheLastParenthesis() {
        ProcStat stat = ProcStat.parse(4242, STAT).orElseThrow();
        assertEquals(new ProcStat(4242, 'S', 4242, 3, 9, 5114543, 200), stat);
        assertFalse(stat.finished());
    }

    @Test
    void aZombieHasFinished() {
        assertTrue(ProcStat.parse(4242, STAT.replace(") S 17", ") Z 17")).orElseThrow().finished());
    }

    @Test
    void aTextThatIsNoStatLineGivesNothing() {
        assertEquals(Optional.empty(), ProcStat.parse(1, ""));
        assertEquals(Optional.empty(), ProcStat.parse(1, "4242 (cut short) S 17 4242"));
        assertEquals(Optional.empty(), ProcStat.parse(1, "no parenthesis at all"));
        assertEquals(Optional.empty(), ProcStat.parse(1, STAT.replace("5114543", "soon")));
    }

    @Test
    void theTestsOwnProcessReadsAsRunning() throws Exception {
        int self = (int) ProcessHandle.current().pid();
        ProcStat stat = ProcStat.read(self).orElseThrow();
        assertFalse(stat.finished());
        assertTrue(stat.startTicks() > 0);
        assertEquals(Optional.empty(), ProcStat.read(0));
    }
}
