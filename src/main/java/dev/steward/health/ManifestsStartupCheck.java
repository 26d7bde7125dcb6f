package dev.steward.health;

import dev.steward.control.Control;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/** {@code /q/health/started}: UP once the manifest directory has been read and applied at least once. */
@Startup
@ApplicationScoped
public class ManifestsStartupCheck implements HealthCheck {
    private final Control control;

    public ManifestsStartupCheck(Control control) {
        this.control = control;
    }

    @Override
    public HealthCheckResponse call() {
        boolean loaded = control.manifestsLoaded();
        return HealthCheckResponse.named("manifests-loaded")
                .status(loaded)
                .withData("manifests", loaded ? "loaded" : "not read yet")
                .build();
    }
}
