package dev.steward.daemon;

import dev.steward.config.StewardConfig;
import dev.steward.events.EventHistory;
import dev.steward.supervise.Supervisor;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The engine as a Quarkus bean. {@code steward serve} has usually started the {@link Engine} before
 * Quarkus booted, and this adopts it; otherwise (tests) it starts one at startup. On shutdown it
 * stops every program in reverse priority order.
 */
@ApplicationScoped
public class Daemon {
    private static final Logger LOG = Logger.getLogger("steward");
    // A request can come in before StartupEvent has handed the engine over.
    private static final EventHistory NOTHING_YET = new EventHistory(java.time.Clock.systemUTC());
    private final StewardConfig config;
    // Volatile, read without the lock: shutdown() holds it while the watch stops (seconds, at worst), and health
    // probes, answered on the event loop, read the supervisor meanwhile.
    private volatile Engine engine;

    public Daemon(StewardConfig config) {
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        try {
            shutdown().get();
        } catch (ExecutionException e) {
            LOG.error("stopping programs failed", e.getCause());
        }
    }

    synchronized void start() {
        EngineSettings configured = EngineSettings.of(config);
        engine = Engine.early().orElseGet(() -> Engine.start(configured));
        if (!engine.settings().equals(configured)) {
            // Only what the early reading does not follow (EngineSettings, ConfigFiles) can cause this: a key of
            // config/application-<profile>.properties, say.
            LOG.warnf("the engine started with %s, but the configuration now says %s; set steward.* with flags, "
                    + "-D or STEWARD_* variables", engine.settings(), configured);
        }
    }

    /** Stops watching and stops every program; completes when no child is left. Idempotent. */
    public synchronized CompletableFuture<Void> shutdown() {
        return engine == null ? CompletableFuture.completedFuture(null) : engine.shutdown();
    }

    /** Reads the manifest directory now (see {@link Engine#rereadManifests}); nothing while still starting. */
    public void rereadManifests() {
        Engine started = engine;
        if (started != null) {
            started.rereadManifests();
        }
    }

    /** The supervisor, or null while the daemon is still starting. */
    public Supervisor supervisor() {
        Engine started = engine;
        return started == null ? null : started.supervisor();
    }

    /** Why the manifest directory cannot be read now; empty while it can, and while the daemon is still starting. */
    public Optional<String> manifestDirectoryProblem() {
        Engine started = engine;
        return started == null ? Optional.empty() : started.manifestDirectoryProblem();
    }

    /** The event history; an empty one that keeps nothing while the daemon is still starting. */
    public EventHistory history() {
        Engine started = engine;
        return started == null ? NOTHING_YET : started.history();
    }
}
