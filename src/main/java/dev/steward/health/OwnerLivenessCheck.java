package dev.steward.health;

import dev.steward.control.Control;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * {@code /q/health/live}: UP while the supervision owner loop answers within a second. A stuck owner
 * means no exit is handled and no manifest applied, which only a restart of the daemon cures.
 *
 * <p>Asynchronous, so that it needs no worker thread: a plain HealthCheck waits for one of the few that serve
 * the API, and while hundreds of clients listed a thousand processes a probe took 2 to 4 s (an event-loop
 * answer took 17 ms), past the 1 s a Kubernetes probe waits, whose failures restart the daemon and every program.
 */
@Liveness
@ApplicationScoped
public class OwnerLivenessCheck implements AsyncHealthCheck {
    private final Control control;

    public OwnerLivenessCheck(Control control) {
        this.control = control;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom().completionStage(control::ownerResponsive).map(responsive -> HealthCheckResponse
                .named("supervision-owner")
                .status(responsive)
                .withData("owner", responsive ? "answers" : "does not answer within 1s")
                .build());
    }
}
