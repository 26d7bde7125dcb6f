package dev.steward.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steward.control.ActionResult;
import dev.steward.health.FakeControl;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** How the action results a daemon gives become the HTTP answer: 200 with ok, or 504 for one still on its way. */
class ActionsResourceTest {

    /** A daemon that knows every name and answers every restart and signal with {@code results}. */
    private static ActionsResource answering(List<ActionResult> results) {
        return new ActionsResource(new FakeControl() {
            @Override
            public List<String> resolve(List<String> targets, Optional<String> selector) {
                return targets;
            }

            @Override
            public CompletableFuture<List<ActionResult>> restart(List<String> processes, Optional<Duration> timeout) {
                return CompletableFuture.completedFuture(results);
            }

            @Override
            public CompletableFuture<List<ActionResult>> signal(List<String> processes, int signal) {
                return CompletableFuture.completedFuture(results);
            }
        });
    }

    /** A signal waits for nothing, so its answer is never a 504 "did not finish within the timeout". */
    @Test
    void aSignalThatMissedAStoppingProcessIs200WithOkFalse() {
        // The process died of its stop signal a moment ago; the daemon has not handled its exit yet.
        Response response = answering(List.of(new ActionResult("web", "web", false, "STOPPING",
                "not signalled: it has just exited (STOPPING until its exit is handled); nothing to signal", false)))
                .act("signal", List.of("web"), null, "HUP", null).toCompletableFuture().join();

        assertEquals(200, response.getStatus());
    }

    /** supervisord's signal to all (or a group) skips what is not running; a process named by itself still fails. */
    @Test
    void aSignalToAllSkipsWhatIsNotRunningButNotAProcessNamedByItself() {
        List<ActionResult> results = List.of(new ActionResult("job", "job", false, "EXITED", "not running (EXITED); nothing to signal", false),
                new ActionResult("web-0", "web", true, "RUNNING", "sent SIGHUP", false),
                new ActionResult("web-1", "web", false, "FATAL", "not running (FATAL); nothing to signal", false),
                new ActionResult("web-2", "web", false, "STOPPING", "not signalled: its process has exited, and it stays STOPPING"
                        + " until the rest of its process group has gone (killAsGroup); nothing to signal", false));

        for (List<String> targets : List.of(List.of("all"), List.of("job", "web"), List.of("job", "web:*"))) {
            ActionResponse answer = (ActionResponse) answering(results).act("signal", targets, null, "HUP", null)
                    .toCompletableFuture().join().getEntity();
            assertEquals(targets.equals(List.of("all")), answer.ok(), targets.toString());
            assertEquals(targets.equals(List.of("all")) ? "not running (EXITED); skipped" : "not running (EXITED); nothing to signal",
                    answer.items().get(0).message(), targets.toString());
            assertEquals(new ActionResult("web-1", "web", true, "FATAL", "not running (FATAL); skipped", false), answer.items().get(2),
                    targets.toString());
            assertEquals(new ActionResult("web-2", "web", true, "STOPPING", "its process has exited (STOPPING); skipped", false),
                    answer.items().get(3), targets.toString());
        }
        ActionResponse named = (ActionResponse) answering(results).act("signal", List.of("job", "web:web-0", "web:web-1", "web:web-2"), null,
                "HUP", null).toCompletableFuture().join().getEntity();
        assertEquals(results, named.items(), "each named by itself: as the daemon said");
    }

    @Test
    void aRestartedProcessRemovedWhileItWaitedItsTurnIsDecidedNotTimedOut() {
        // web-2, scaled away while web-1 restarted, is STOPPING to go: not restarted, and not a 504 "did not finish".
        Response response = answering(List.of(new ActionResult("web-1", "web", true, "RUNNING", "started, pid 12", false),
                new ActionResult("web-2", "web", false, "STOPPING", "not restarted: it was removed meanwhile (scaled down, or"
                        + " its program deleted); it is STOPPING", false)))
                .act("restart", List.of("web-1", "web-2"), null, null, null).toCompletableFuture().join();

        assertEquals(200, response.getStatus());
    }

    @Test
    void aRestartedProcessStoppedByHandWhileItWaitedItsTurnIsDecidedNotTimedOut() {
        Response response = answering(List.of(new ActionResult("web-0", "web", true, "RUNNING", "started, pid 12", false),
                new ActionResult("web-1", "web", false, "STOPPING", "not restarted: it was stopped by hand meanwhile (`steward"
                        + " stop`), and stays so; it is STOPPING", false)))
                .act("restart", List.of("web-0", "web-1"), null, null, null).toCompletableFuture().join();

        assertEquals(200, response.getStatus());
    }

    @Test
    void aRestartWhoseTimeRanOutBeforeAProcessesTurnIs504() {
        Response response = answering(List.of(new ActionResult("web-0", "web", false, "STARTING", "timed out after 5 s; it is"
                + " STARTING", true), new ActionResult("web-1", "web", false, "RUNNING", "not restarted: the time (--timeout) ran out"
                + " while the program's earlier processes restarted; it is still RUNNING", true)))
                .act("restart", List.of("web-0", "web-1"), null, null, "5").toCompletableFuture().join();

        assertEquals(504, response.getStatus());
    }

    @Test
    void withoutATimeoutTheDaemonWaitsWhatTheProcessesNeedAndA504SaysSo() {
        List<Optional<Duration>> asked = new java.util.ArrayList<>();
        ActionsResource resource = new ActionsResource(new FakeControl() {
            @Override
            public List<String> resolve(List<String> targets, Optional<String> selector) {
                return targets;
            }

            @Override
            public CompletableFuture<List<ActionResult>> stop(List<String> processes, Optional<Duration> timeout) {
                asked.add(timeout);
                return CompletableFuture.completedFuture(List.of(new ActionResult("web", "web", false, "STOPPING",
                        "timed out after 70 s; it is STOPPING", true)));
            }
        });

        Response response = resource.act("stop", List.of("web"), null, null, null).toCompletableFuture().join();
        resource.act("stop", List.of("web"), null, null, "2.5").toCompletableFuture().join();

        assertEquals(List.of(Optional.empty(), Optional.of(Duration.ofMillis(2500))), asked);
        assertEquals(504, response.getStatus());
        assertEquals("the action did not finish in the time its processes' own startSeconds and stopTimeoutSeconds allow, and 10 s"
                + " more (at least 30 s); the processes may still get there: check with `steward get processes`, or pass a longer"
                + " timeout", ((Problem) response.getEntity()).detail());
    }
}
