package dev.steward.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The follower's pace; following itself is tested against a daemon in ApiProcessesTest and CliIT. */
class LogFollowerTest {

    @Test
    void pollsSoonWhileOutputKeepsComingAndRarelyWhenItIsQuiet() {
        // 64 KiB of ring per 100 ms was all a follower could keep up with: 640 KiB/s
        assertEquals(100, LogFollower.nextPollMillis(0));
        assertEquals(100, LogFollower.nextPollMillis(4095));
        assertEquals(10, LogFollower.nextPollMillis(4096));
        assertEquals(10, LogFollower.nextPollMillis(64 * 1024));
    }
}
