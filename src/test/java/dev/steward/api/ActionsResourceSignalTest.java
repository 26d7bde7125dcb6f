package dev.steward.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.steward.control.ActionResult;
import dev.steward.health.FakeControl;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A signal waits for nothing, so its answer is never a 504 "did not finish within the timeout". */
class ActionsResourceSignalTest {

    @Test
    void aSignalThatMissedAStoppingProcessIs200WithOkFalse() {
        // The process died of its stop signal a moment ago; the daemon has not handled its exit yet.
        List<ActionResult> results = List.of(new ActionResult("web", "web", false, "STOPPING",
                "not signalled: it has just exited (STOPPING until its exit is handled); nothing to signal"));
        ActionsResource resource = new ActionsResource(new FakeControl() {
            @Override
            public List<String> resolve(List<String> targets, Optional<String> selector) {
                return targets;
            }

            @Override
            public CompletableFuture<List<ActionResult>> signal(List<String> processes, int signal) {
                return CompletableFuture.completedFuture(results);
            }
        });

        Response response = resource.act("signal", List.of("web"), null, "HUP", null).toCompletableFuture().join();

        assertEquals(200, response.getStatus());
    }
}
