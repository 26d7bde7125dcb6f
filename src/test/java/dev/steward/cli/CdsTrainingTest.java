package dev.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CdsTrainingTest {

    /** The common commands reach the stand-in daemon, so printing their answers is in the recorded class list. */
    @Test
    @Timeout(60)
    void theCommonCommandsRunToTheEndAgainstTheStandIn() throws Exception {
        // status, get processes, get processes -o wide, get programs, stop all, start p, restart -l a=b,
        // diff -f FILE (the file's two live programs, then a dry run)
        assertEquals(11, CdsTraining.run());
    }
}
