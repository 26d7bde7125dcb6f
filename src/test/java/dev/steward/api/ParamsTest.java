package dev.steward.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How a flag given without a value is told from an absent one, from the raw query. */
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
}
