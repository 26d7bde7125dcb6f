package dev.steward.daemon;

import dev.steward.config.StewardConfig;
import dev.steward.events.EventHistory;
import dev.steward.manifest.ManifestLoader;
import dev.steward.manifest.ManifestSource;
import dev.steward.supervise.OperatorIntent;
import dev.steward.supervise.OwnerLoop;
import dev.steward.supervise.PosixSpawner;
import dev.steward.supervise.ProcessLauncher;
import dev.steward.supervise.Supervisor;
import dev.steward.supervise.VertxOwnerLoop;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Wires the engine together at startup: lock the state directory, start the owner loop, the
 * supervisor and the manifest watch; on shutdown, stop every program in reverse priority order.
 */
@ApplicationScoped
public class Daemon {
    private static final Logger LOG = Logger.getLogger("steward");
    private final StewardConfig config;
    private final Vertx vertx;
    private StateDirLock lock;
    private Supervisor supervisor;
    private ManifestSource source;
    private CompletableFuture<Void> stopped;
    private final EventHistory history = new EventHistory(Clock.systemUTC());

    public Daemon(StewardConfig config, Vertx vertx) {
        this.config = config;
        this.vertx = vertx;
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
        Path stateDir = config.stateDir().toAbsolutePath();
        try {
            lock = StateDirLock.acquire(stateDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the state directory " + stateDir, e);
        }
        OwnerLoop loop = new VertxOwnerLoop(vertx);
        ProcessLauncher launcher = new ProcessLauncher(new PosixSpawner(), stateDir, System.getenv());
        ConsoleEventLog console = new ConsoleEventLog();
        supervisor = new Supervisor(loop, Clock.systemUTC(), launcher, console.andThen(history),
                OperatorIntent.load(stateDir));
        Path manifests = config.manifests().toAbsolutePath();
        source = new ManifestSource(manifests, new ManifestLoader(),
                desired -> loop.execute(() -> supervisor.apply(desired)), config.debounce(), config.resync());
        LOG.infof("watching %s, state in %s", manifests, stateDir);
        try {
            source.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the manifest directory " + manifests
                    + " (" + e.getMessage() + "); create it or pass --manifests DIR", e);
        }
    }

    /** Stops watching and stops every program; completes when no child is left. Idempotent. */
    public synchronized CompletableFuture<Void> shutdown() {
        if (stopped == null) {
            if (supervisor == null) {
                stopped = CompletableFuture.completedFuture(null);
                return stopped;
            }
            LOG.info("shutting down: stopping all programs, highest priority number first");
            source.close();
            CompletableFuture<Void> done = new CompletableFuture<>();
            supervisor.loop().execute(() -> supervisor.shutdown().whenComplete((ok, error) -> done.complete(null)));
            stopped = done.thenRun(() -> {
                try {
                    lock.close();
                } catch (IOException e) {
                    LOG.warn("could not release the state directory lock: " + e.getMessage());
                }
                LOG.info("all programs stopped");
            });
        }
        return stopped;
    }

    /** The supervisor, or null while the daemon is still starting. */
    public synchronized Supervisor supervisor() {
        return supervisor;
    }

    public EventHistory history() {
        return history;
    }
}
