package dev.steward.supervise;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IgnoredSignalsTest {
    @Test
    void theIgnoredMaskIsReadFromProcStatus(@TempDir Path dir) throws IOException {
        Path status = Files.writeString(dir.resolve("status"), "Name:\tjava\nSigBlk:\t0000000000000000\n"
                + "SigIgn:\t0000000000000003\nSigCgt:\t0000000000004000\n");
        assertEquals(0b11, IgnoredSignals.ignoredMask(status), "HUP (1) and INT (2) ignored, as nohup in a script's & job");
        assertEquals(0, IgnoredSignals.ignoredMask(dir.resolve("absent")), "not Linux: nothing known");
        assertEquals(0, IgnoredSignals.ignoredMask(Files.writeString(dir.resolve("odd"), "SigIgn:\tzz\n")));
    }
}
