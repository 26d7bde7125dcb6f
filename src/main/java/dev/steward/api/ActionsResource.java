package dev.steward.api;

import dev.steward.control.ActionResult;
import dev.steward.control.Control;
import dev.steward.supervise.ActionTimeout;
import dev.steward.supervise.ProcessState;
import dev.steward.supervise.Signals;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Operator actions on processes. The response waits for the outcome without holding a thread: the
 * Control futures complete on the supervision owner, and the response is written from there.
 */
@Path("/api/v1/actions")
@Produces(MediaType.APPLICATION_JSON)
public class ActionsResource {

    private final Control control;

    public ActionsResource(Control control) {
        this.control = control;
    }

    @POST
    @Path("{action}")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "start, stop, restart or signal processes named by target (process, program or all)"
            + " or by a label selector; waits for the outcome up to timeout seconds, or, without one, as long as the"
            + " processes' own startSeconds and stopTimeoutSeconds need (at least 30 s)")
    public CompletionStage<Response> act(@PathParam("action") String action, @QueryParam("target") List<String> target,
                                         @QueryParam("selector") String selector, @QueryParam("signal") String signal,
                                         @QueryParam("timeout") String timeoutParam) {
        if (!List.of("start", "stop", "restart", "signal").contains(action)) {
            throw ApiException.notFound("no action \"" + action + "\"; use start, stop, restart or signal");
        }
        Optional<Duration> timeout = Optional.ofNullable(Params.seconds("timeout", timeoutParam, null));
        int signalNumber = action.equals("signal") ? signal(signal) : 0;
        List<String> targets = Params.list(target);
        List<String> processes = resolve(targets, selector);
        CompletableFuture<List<ActionResult>> done = switch (action) {
            case "start" -> control.start(processes, timeout);
            case "stop" -> control.stop(processes, timeout);
            case "restart" -> control.restart(processes, timeout);
            default -> control.signal(processes, signalNumber).thenApply(results -> skipNotRunning(results, targets));
        };
        // A backstop in case an outcome never comes: restart runs one process after another, each with the timeout.
        long backstop = timeout.orElse(ActionTimeout.CAP).toMillis() * Math.max(1, processes.size()) + 5_000;
        return done.orTimeout(backstop, TimeUnit.MILLISECONDS).handle((results, error) -> {
            if (error == null) {
                // A signal waits for nothing: a process it did not reach is a failure, never one still on its way.
                return respond(results, timeout, !action.equals("signal"));
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof TimeoutException) {
                return ProblemMappers.respond(timedOut(List.of(), timeout));
            }
            throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
        });
    }

    /**
     * A process that {@code all}, a program's name, {@code GROUP:*} or a selector picked, and that is not running, is
     * skipped, not a failure, as supervisord's signal to a group or to all skips it: {@code signal HUP all} after a
     * one-shot has completed, or while a process waits STOPPING for the rest of its process group, succeeds. One named by itself ({@code web-0}, {@code web:web-0}) still fails.
     */
    private static List<ActionResult> skipNotRunning(List<ActionResult> results, List<String> targets) {
        Set<String> named = new HashSet<>();
        for (String t : targets) {
            if (!t.equals("all")) {
                named.add(t.substring(t.indexOf(':') + 1));
            }
        }
        List<ActionResult> out = new ArrayList<>(results.size());
        for (ActionResult r : results) {
            // A signal fails only where it finds no process (Actions.signal): not running, just exited, or STOPPING
            // with only the rest of its process group left; UNKNOWN is a name not found.
            ProcessState state = ProcessState.valueOf(r.state());
            boolean skipped = !r.ok() && state != ProcessState.UNKNOWN && !named.contains(r.name());
            String why = state.isSignallable() ? "its process has exited (" : "not running (";
            out.add(skipped ? new ActionResult(r.name(), r.program(), true, r.state(), why + r.state() + "); skipped", false) : r);
        }
        return out;
    }

    private List<String> resolve(List<String> targets, String selector) {
        Optional<String> labels = Optional.ofNullable(selector).filter(s -> !s.isBlank());
        if (targets.isEmpty() && labels.isEmpty()) {
            throw ApiException.badRequest("say which processes: target=NAME (a process, a program, or all),"
                    + " repeatable, or selector=k=v");
        }
        if (!targets.isEmpty() && labels.isPresent()) {
            // kubectl refuses names with a selector too: acting on the union would surprise either reading.
            throw ApiException.badRequest("give target=NAME or selector=k=v, not both");
        }
        try { // a malformed selector is a 400 naming the bad term
            return control.resolve(targets, labels);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static int signal(String signal) {
        if (signal == null || signal.isBlank()) {
            throw ApiException.badRequest("the signal action needs signal=NAME, e.g. signal=HUP");
        }
        try {
            return Signals.parse(signal);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** 200 with {@code ok} telling whether all ended where asked; 504 when some were still on their way (if {@code waited}). */
    private static Response respond(List<ActionResult> results, Optional<Duration> timeout, boolean waited) {
        if (waited && results.stream().anyMatch(ActionResult::timedOut)) {
            return ProblemMappers.respond(timedOut(results, timeout));
        }
        return Response.ok(ActionResponse.of(results)).build();
    }

    private static Problem timedOut(List<ActionResult> results, Optional<Duration> timeout) {
        String within = timeout.map(t -> "within " + BigDecimal.valueOf(t.toMillis(), 3).stripTrailingZeros().toPlainString()
                + " s").orElse("in the time its processes' own startSeconds and stopTimeoutSeconds allow, and "
                + ActionTimeout.SPARE_SECONDS + " s more (at least " + ActionTimeout.FLOOR.toSeconds() + " s)");
        Problem problem = Problem.of(Problem.Code.Timeout, "the action did not finish " + within + ";"
                + " the processes may still get there: check with `steward get processes`, or pass a longer timeout");
        return new Problem(problem.type(), problem.title(), problem.status(), problem.code(), problem.detail(),
                problem.errors(), List.copyOf(results), false);
    }
}
