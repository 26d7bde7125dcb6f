package dev.steward.supervise;

import dev.steward.manifest.ProgramSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RestartPacingTest {
    private static final ProgramSpec PLAIN = Specs.defaults("web");
    private static final ProgramSpec BACKING_OFF = Specs.program("web").restartBackoff(10, 40, 600).build();

    private final RestartPacing pacing = new RestartPacing();

    @Test
    void withoutRestartBackoffARestartComesASecondAfterThePreviousStartAtTheSoonest() {
        assertEquals(new RestartPacing.Wait(Duration.ofMillis(700), false, 1), pacing.exited(PLAIN, Duration.ofMillis(300)));
        assertEquals(new RestartPacing.Wait(Duration.ZERO, false, 1), pacing.exited(PLAIN, Duration.ofSeconds(1)),
                "a run of a second or more restarts at once");
        assertEquals(new RestartPacing.Wait(Duration.ZERO, false, 1), pacing.exited(PLAIN, Duration.ofMinutes(5)));
    }

    @Test
    void aCrashLoopWaitsTwiceAsLongEachTimeUpToItsMaximum() {
        Duration shortRun = Duration.ofSeconds(2);
        assertEquals(new RestartPacing.Wait(Duration.ZERO, false, 1), pacing.exited(BACKING_OFF, shortRun), "the first at once");
        assertEquals(new RestartPacing.Wait(Duration.ofSeconds(10), true, 2), pacing.exited(BACKING_OFF, shortRun));
        assertEquals(new RestartPacing.Wait(Duration.ofSeconds(20), true, 3), pacing.exited(BACKING_OFF, shortRun));
        assertEquals(new RestartPacing.Wait(Duration.ofSeconds(40), true, 4), pacing.exited(BACKING_OFF, shortRun));
        assertEquals(new RestartPacing.Wait(Duration.ofSeconds(40), true, 5), pacing.exited(BACKING_OFF, shortRun), "the maximum");
    }

    @Test
    void theFirstRestartInARowStillKeepsTheOneASecondPace() {
        assertEquals(new RestartPacing.Wait(Duration.ofMillis(900), false, 1),
                pacing.exited(BACKING_OFF, Duration.ofMillis(100)));
    }

    @Test
    void aLongRunOrAStartByRequestForgetsTheCrashLoop() {
        pacing.exited(BACKING_OFF, Duration.ofSeconds(2));
        pacing.exited(BACKING_OFF, Duration.ofSeconds(2));
        assertEquals(new RestartPacing.Wait(Duration.ZERO, false, 1), pacing.exited(BACKING_OFF, Duration.ofSeconds(600)),
                "a run of resetSeconds");
        pacing.exited(BACKING_OFF, Duration.ofSeconds(2));
        pacing.startedByRequest();
        assertEquals(new RestartPacing.Wait(Duration.ZERO, false, 1), pacing.exited(BACKING_OFF, Duration.ofSeconds(2)));
    }

    @Test
    void aChangedSpecRedecidesTheWaitOfTheSameExitWithoutCountingItAgain() {
        pacing.exited(BACKING_OFF, Duration.ofSeconds(2));
        assertEquals(new RestartPacing.Wait(Duration.ofSeconds(10), true, 2), pacing.exited(BACKING_OFF, Duration.ofSeconds(2)));
        assertEquals(new RestartPacing.Wait(Duration.ofSeconds(10), true, 2), pacing.reconsidered(BACKING_OFF, Duration.ofSeconds(2)),
                "the same spec: the same wait, the same count");
        assertEquals(new RestartPacing.Wait(Duration.ZERO, false, 1), pacing.reconsidered(PLAIN, Duration.ofSeconds(2)),
                "restartBackoff removed: the count starts afresh, and the restart is at once");
        assertEquals(new RestartPacing.Wait(Duration.ofSeconds(10), true, 2), pacing.exited(BACKING_OFF, Duration.ofSeconds(2)),
                "added back: the next exit is the second in a row");
    }
}
