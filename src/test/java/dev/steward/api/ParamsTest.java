package dev.steward.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Whole numbers, and how a flag given without a value is told from an absent one, from the raw query. */
class ParamsTest {

    @Test
    void aFlagWithoutValueIsGiven() {
        assertTrue(Params.givenWithoutValue("dryRun", "dryRun"));
        assertTrue(Params.givenWithoutValue("dryRun", "dryRun="));
        assertTrue(Params.givenWithoutValue("dryRun", "replicas=2&dryRun"));
        assertTrue(Params.givenWithoutValue("dryRun", "dry%52un&x=1"), "the key is decoded");
        assertTrue(Params.givenWithoutValue("dryRun", "x%zz=1&dryRun"), "a malformed escape elsewhere is skipped");
    }

    @Test
    void anAbsentFlagOrAnotherKeyIsNot() {
        assertFalse(Params.givenWithoutValue("dryRun", null));
        assertFalse(Params.givenWithoutValue("dryRun", ""));
        assertFalse(Params.givenWithoutValue("dryRun", "replicas=2"));
        assertFalse(Params.givenWithoutValue("dryRun", "dryRunx&xdryRun="));
        assertFalse(Params.givenWithoutValue("dryRun", "dryRun=false"), "a value is the framework's to parse");
    }

    @Test
    void aWholeNumberMayBeAsLargeAsALong() {
        // logs?bytes=5000000000 (kubectl's --limit-bytes is 64-bit): log files and their backups may hold more than 2 GiB
        assertEquals(Optional.of(5_000_000_000L), Params.wholeNumber("bytes", "5000000000", 0, Long.MAX_VALUE));
        assertEquals(Optional.empty(), Params.wholeNumber("bytes", " ", 0, Long.MAX_VALUE));
    }

    @Test
    void aNumberPastTheRangeIsToldTheRangesEnd() {
        assertEquals("tail must be a whole number from -1 to 2147483647 (got \"3000000000\")", assertThrows(ApiException.class,
                () -> Params.integer("tail", "3000000000", -1, Integer.MAX_VALUE)).getMessage(), "not \"of -1 or more\", which it is");
        assertEquals("tail must be a whole number of -1 or more (got \"many\")", assertThrows(ApiException.class,
                () -> Params.integer("tail", "many", -1, Integer.MAX_VALUE)).getMessage());
        assertEquals("tail must be a whole number of -1 or more (got \"-2\")", assertThrows(ApiException.class,
                () -> Params.integer("tail", "-2", -1, Integer.MAX_VALUE)).getMessage());
    }
}
