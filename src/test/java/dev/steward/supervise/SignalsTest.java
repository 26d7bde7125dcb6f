package dev.steward.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SignalsTest {

    @ParameterizedTest
    @CsvSource({
        "HUP, 1", "INT, 2", "QUIT, 3", "KILL, 9", "USR1, 10", "USR2, 12", "ALRM, 14", "TERM, 15",
        "CONT, 18", "STOP, 19", "TSTP, 20", "WINCH, 28",
        "SIGTERM, 15", "term, 15", "sigterm, 15", "SigHup, 1", "' TERM ', 15",
        "15, 15", "1, 1", "64, 64", "34, 34",
        "RTMIN, 34", "SIGRTMIN, 34", "rtmin+1, 35", "RTMIN+30, 64", "RTMAX, 64", "SIGRTMAX-2, 62", "RTMAX-30, 34"})
    void parsesNamesAndNumbers(String text, int number) {
        assertEquals(number, Signals.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "FOO", "SIG", "SIGFOO", "0", "65", "-1", "99999999999", "1.5", "TERM15",
        "RTMIN+31", "RTMAX-31", "RTMIN-1", "RTMAX+1", "RTMIN+", "RTMINX", "RTMIN+1x", "RTMIN+001"})
    void rejectsOthersListingAcceptedNames(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Signals.parse(text));
        assertTrue(e.getMessage().contains("HUP, INT, QUIT, KILL, USR1, USR2, ALRM, TERM, CONT, STOP, TSTP, WINCH"),
                e.getMessage());
        assertTrue(e.getMessage().contains("1 to 64"), e.getMessage());
    }

    @Test
    void unknownNameIsQuotedInMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Signals.parse("SIGFOO"));
        assertTrue(e.getMessage().startsWith("unknown signal \"SIGFOO\""), e.getMessage());
    }

    @Test
    void nullIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Signals.parse(null));
    }

    @Test
    void namesNumbers() {
        assertEquals("TERM", Signals.name(15));
        assertEquals("KILL", Signals.name(9));
        assertEquals("WINCH", Signals.name(28));
        assertEquals("SEGV", Signals.name(11), "what a crash shows: SIGSEGV, as supervisord says");
        assertEquals("ABRT", Signals.name(6));
        assertEquals("PIPE", Signals.name(13));
        assertEquals(11, Signals.parse("SIGSEGV"));
        assertEquals("HUP", Signals.name(1));
        assertEquals("32", Signals.name(32), "glibc's own: no name");
        assertEquals("0", Signals.name(0));
    }

    @Test
    void nameAndParseRoundTrip() {
        for (int number = 1; number <= Signals.MAX; number++) {
            assertEquals(number, Signals.parse(Signals.name(number)));
        }
    }

    @Test
    void realTimeSignalsAreNamedAsKillDashLNamesThemAndTakenBack() {
        // An action said "sent SIG37" for signal RTMIN+3, and a manifest's stopSignal: RTMIN+3 was shown as 37.
        assertEquals("RTMIN", Signals.name(34));
        assertEquals("RTMIN+3", Signals.name(37));
        assertEquals("RTMIN+15", Signals.name(49));
        assertEquals("RTMAX-14", Signals.name(50));
        assertEquals("RTMAX-1", Signals.name(63));
        assertEquals("RTMAX", Signals.name(64));
        for (int n = 34; n <= Signals.MAX; n++) {
            assertEquals(n, Signals.parse(Signals.name(n)));
        }
    }
}
