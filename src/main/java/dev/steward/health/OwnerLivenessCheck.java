package dev.steward.health;

import dev.steward.control.Control;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * {@code /q/health/live}: UP while the supervision owner loop answers within a second. A stuck owner
 * means no exit is handled and no manifest applied, which only a restart of the daemon cures.
 */
@Liveness
@ApplicationScoped
public class OwnerLivenessCheck implements HealthCheck {
    private final Control control;

    public OwnerLivenessCheck(Control control) {
        this.control = control;
    }

    @Override
    public HealthCheckResponse call() {
        boolean responsive = control.ownerResponsive();
        return HealthCheckResponse.named("supervision-owner")
                .status(responsive)
                .withData("owner", responsive ? "answers" : "does not answer within 1s")
                .build();
    }
}
