package dev.steward.health;

import dev.steward.control.Control;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/** {@code /q/health/started}: UP once the manifest directory has been read and applied at least once. */
@Startup
@ApplicationScoped
public class ManifestsStartupCheck implements AsyncHealthCheck {
    private final Control control;

    public ManifestsStartupCheck(Control control) {
        this.control = control;
    }

    /** On the event loop, as it reads a flag: see {@link OwnerLivenessCheck} for why. */
    @Override
    public Uni<HealthCheckResponse> call() {
        boolean loaded = control.manifestsLoaded();
        return Uni.createFrom().item(HealthCheckResponse.named("manifests-loaded")
                .status(loaded)
                .withData("manifests", loaded ? "loaded" : "not read yet")
                .build());
    }
}
