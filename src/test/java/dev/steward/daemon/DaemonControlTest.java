package dev.steward.daemon;

import dev.steward.control.ActionResult;
import dev.steward.control.DaemonUnavailableException;
import dev.steward.events.Event;
import dev.steward.events.EventHistory;
import dev.steward.events.EventRecord;
import dev.steward.manifest.ManifestError;
import dev.steward.manifest.ProgramSpec;
import dev.steward.reconcile.DesiredState;
import dev.steward.supervise.ChildProcess;
import dev.steward.supervise.ExitStatus;
import dev.steward.supervise.OperatorIntent;
import dev.steward.supervise.ProcessLauncher;
import dev.steward.supervise.SpawnRequest;
import dev.steward.supervise.Spawner;
import dev.steward.supervise.Specs;
import dev.steward.supervise.Supervisor;
import dev.steward.supervise.ThreadOwnerLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Operator requests through {@link DaemonControl} on a supervisor with a real owner thread (no processes: the
 * spawner refuses): where their records land among the supervisor's own events, and what is refused.
 */
class DaemonControlTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path stateDir;

    // One owner thread for every test here (its executor cannot be shut down); each test releases what it occupied.
    private static final ThreadOwnerLoop loop = new ThreadOwnerLoop();
    private final EventHistory history = new EventHistory(Clock.systemUTC());
    private final CountDownLatch ownerReleased = new CountDownLatch(1);
    private Supervisor supervisor;

    @AfterEach
    void releaseTheOwner() {
        ownerReleased.countDown();
    }

    private DaemonControl control(Consumer<Event> log, BiConsumer<Event, java.time.Instant> events) {
        return control(log, events, request -> {
            throw new AssertionError("nothing is spawned here");
        });
    }

    private DaemonControl control(Consumer<Event> log, BiConsumer<Event, java.time.Instant> events, Spawner spawner) {
        // the manifests beside the state: the files the tests name are there
        supervisor = new Supervisor(loop, Clock.systemUTC(), new ProcessLauncher(spawner, stateDir, stateDir,
                Map.of("PATH", "/usr/bin:/bin")), log, events, OperatorIntent.inMemory());
        Supervisor built = supervisor;
        return new DaemonControl(new Daemon(null) {
            @Override
            public synchronized Supervisor supervisor() {
                return built;
            }

            @Override
            public synchronized EventHistory history() {
                return history;
            }
        });
    }

    /**
     * A control running web-0 and web-1, whose spawner adds each request to {@code spawned}; each child dies when the
     * test calls its onExit.
     */
    private DaemonControl runningTwoWebProcesses(List<SpawnRequest> spawned) throws Exception {
        DaemonControl control = control(event -> { }, history::accept, request -> {
            spawned.add(request);
            int pid = 5000 + spawned.size();
            return new ChildProcess() {
                @Override
                public int pid() {
                    return pid;
                }

                @Override
                public boolean signal(int signal, boolean toGroup) {
                    return true; // it dies when the test says so
                }
            };
        });
        ProgramSpec web = Specs.program("web").command("/bin/sh", "-c", "exec sleep 1000").replicas(2).startSeconds(0).build();
        onOwner(() -> supervisor.apply(new DesiredState(Map.of("web", web), Map.of("web", stateDir.resolve("web.yaml")), List.of())));
        return control;
    }

    private DaemonControl control() {
        return control(event -> { }, history::accept);
    }

    /** Keeps the owner busy until the test ends or releases it: what it was given meanwhile waits. */
    private void occupyTheOwner() {
        loop.execute(() -> {
            try {
                ownerReleased.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private List<String> reasons() {
        return history.all().stream().map(EventRecord::reason).toList();
    }

    @Test
    void aRequestIsListedAfterWhatTheOwnerWasGivenBeforeIt() throws Exception {
        // The request used to be written to the history by the request thread, ahead of this InvalidManifest.
        DaemonControl control = control();
        occupyTheOwner();
        ManifestError error = new ManifestError(stateDir.resolve("web.yaml"), 3, 5, "spec.command", "is required");
        loop.execute(() -> supervisor.apply(new DesiredState(Map.of(), Map.of(), List.of(error))));
        CompletableFuture<List<ActionResult>> stopped = control.stop(List.of("web"), Optional.of(TIMEOUT));
        ownerReleased.countDown();

        stopped.get(30, TimeUnit.SECONDS);
        assertEquals(List.of("InvalidManifest", "OperatorStop"), reasons());
    }

    @Test
    void anEditsRecordIsInTheHistoryWhenTheCallReturns() {
        // The log consumer gives the owner more work right away, queued before the publish that a held event waits for.
        DaemonControl control = control(event -> occupyTheOwner(), history::accept);

        control.recordOperatorActions(List.of(new Event.OperatorAction("program/web", "Scaled", "scaled 1 -> 2 through the API"),
                new Event.OperatorAction("program/api", "Applied", "created by apply in api.yaml")));

        assertEquals(List.of("Scaled", "Applied"), reasons());
    }

    @Test
    void aRequestOnceShutdownHasBegunIsRefusedAndNotRecorded() throws Exception {
        DaemonControl control = control();
        CompletableFuture<Void> shutDown = new CompletableFuture<>();
        loop.execute(() -> supervisor.shutdown().whenComplete((ignored, error) -> shutDown.complete(null)));
        shutDown.get(30, TimeUnit.SECONDS);

        for (CompletableFuture<List<ActionResult>> refused : List.of(control.start(List.of("web"), Optional.of(TIMEOUT)),
                control.restart(List.of("web"), Optional.of(TIMEOUT)), control.stop(List.of("web"), Optional.of(TIMEOUT)), control.signal(List.of("web"), 1))) {
            ExecutionException failure = assertThrows(ExecutionException.class, () -> refused.get(30, TimeUnit.SECONDS));
            assertInstanceOf(DaemonUnavailableException.class, failure.getCause());
            assertTrue(failure.getCause().getMessage().contains("shutting down"), failure.getCause().getMessage());
        }
        assertFalse(reasons().stream().anyMatch(reason -> reason.startsWith("Operator")), reasons().toString());
    }

    @Test
    void whileStartingEveryActionIsUnavailableRatherThanNotFound() {
        DaemonControl starting = new DaemonControl(new Daemon(null)); // no engine yet: no supervisor

        assertThrows(DaemonUnavailableException.class, () -> starting.resolve(List.of("web"), Optional.empty()));
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> starting.start(List.of("web"), Optional.of(TIMEOUT)).get(30, TimeUnit.SECONDS));
        assertInstanceOf(DaemonUnavailableException.class, failure.getCause());
    }

    @Test
    void beforeTheFirstPassOverTheManifestsResolvingIsUnavailableNotNotFound() {
        DaemonControl control = control(); // a supervisor that has not applied the manifest directory yet

        assertThrows(DaemonUnavailableException.class, () -> control.resolve(List.of("web"), Optional.empty()));
    }

    @Test
    void targetsNameProcessesProgramsAllAndSupervisorsGroupForms() throws Exception {
        DaemonControl control = control();
        ProgramSpec web = Specs.program("web").replicas(2).autostart(false).build();
        ProgramSpec api = Specs.program("api").replicas(0).build();
        onOwner(() -> supervisor.apply(new DesiredState(Map.of("web", web, "api", api),
                Map.of("web", stateDir.resolve("web.yaml"), "api", stateDir.resolve("api.yaml")), List.of())));

        assertEquals(List.of("web-1"), control.resolve(List.of("web:web-1"), Optional.empty()));
        assertEquals(List.of("web-0", "web-1"), control.resolve(List.of("web:*"), Optional.empty()));
        assertEquals(List.of("web-0", "web-1"), control.resolve(List.of("web"), Optional.empty()));
        assertEquals(List.of("web-1", "web-0"), control.resolve(List.of("web-1", "all"), Optional.empty()));
        NoSuchElementException notInGroup = assertThrows(NoSuchElementException.class,
                () -> control.resolve(List.of("web:web-7"), Optional.empty()));
        assertTrue(notInGroup.getMessage().startsWith("no program or process named \"web:web-7\""), notInGroup.getMessage());
        assertThrows(NoSuchElementException.class, () -> control.resolve(List.of("api:web-1"), Optional.empty()),
                "web-1 is not api's");
        NoSuchElementException scaledToZero = assertThrows(NoSuchElementException.class,
                () -> control.resolve(List.of("api"), Optional.empty()));
        assertTrue(scaledToZero.getMessage().contains("program api has 0 replicas")
                && scaledToZero.getMessage().contains("steward scale program api --replicas 1"), scaledToZero.getMessage());
        assertThrows(NoSuchElementException.class, () -> control.resolve(List.of("nope"), Optional.empty()));
    }

    @Test
    void supervisorsProcessNameOfAReplicaPointsAtItsNameHere() throws Exception {
        DaemonControl control = control();
        ProgramSpec web = Specs.program("web").replicas(2).autostart(false).build();
        onOwner(() -> supervisor.apply(new DesiredState(Map.of("web", web), Map.of("web", stateDir.resolve("web.yaml")), List.of())));

        for (String supervisorName : List.of("web_01", "web:web_01", "web_1")) {
            NoSuchElementException e = assertThrows(NoSuchElementException.class,
                    () -> control.resolve(List.of(supervisorName), Optional.empty()));
            assertEquals("no program or process named \"" + supervisorName + "\"; did you mean web-1? (Supervisor's"
                    + " process_name web_00 is web-0 here)", e.getMessage());
        }
        for (String noSuchReplica : List.of("web_07", "web_", "_01", "web_x1")) {
            NoSuchElementException e = assertThrows(NoSuchElementException.class,
                    () -> control.resolve(List.of(noSuchReplica), Optional.empty()));
            assertTrue(e.getMessage().endsWith("; run `steward get processes` to list them"), e.getMessage());
        }
    }

    @Test
    void anUnknownNameAmongSeveralSaysThatNothingWasDoneToTheOthers() throws Exception {
        // supervisorctl's `stop web nope` stops web; here the request is refused whole, and the message must say so.
        DaemonControl control = control();
        ProgramSpec web = Specs.program("web").replicas(2).autostart(false).build();
        onOwner(() -> supervisor.apply(new DesiredState(Map.of("web", web), Map.of("web", stateDir.resolve("web.yaml")), List.of())));

        NoSuchElementException several = assertThrows(NoSuchElementException.class,
                () -> control.resolve(List.of("web-0", "nope", "web:*"), Optional.empty()));
        assertEquals("no program or process named \"nope\"; run `steward get processes` to list them (nothing was done, to"
                + " web-0, web:* either: correct or leave out \"nope\" and run it again)", several.getMessage());
        NoSuchElementException many = assertThrows(NoSuchElementException.class,
                () -> control.resolve(List.of("web-0", "web-1", "web-0", "nope", "web", "web:*", "all"), Optional.empty()));
        assertTrue(many.getMessage().endsWith("(nothing was done, to web-0, web-1, web and 2 more either: correct or leave"
                + " out \"nope\" and run it again)"), many.getMessage());
        NoSuchElementException alone = assertThrows(NoSuchElementException.class,
                () -> control.resolve(List.of("nope"), Optional.empty()));
        assertEquals("no program or process named \"nope\"; run `steward get processes` to list them", alone.getMessage());
    }

    @Test
    void aRestartThatShutdownCutsShortIsUnavailableNotATimeout() throws Exception {
        // web-1, whose turn had not come, is refused while it is still STOPPING: the API took that for a timeout (504).
        List<SpawnRequest> spawned = new CopyOnWriteArrayList<>();
        DaemonControl control = runningTwoWebProcesses(spawned);

        CompletableFuture<List<ActionResult>> restarted = control.restart(List.of("web-0", "web-1"), Optional.of(TIMEOUT));
        onOwner(supervisor::shutdown); // web-0 is STOPPING for its restart; shutdown stops web-1 too
        spawned.get(0).onExit().accept(ExitStatus.killedBy(15)); // web-0 stopped: its restart ends, and web-1's turn comes

        ExecutionException failure = assertThrows(ExecutionException.class, () -> restarted.get(30, TimeUnit.SECONDS));
        assertInstanceOf(DaemonUnavailableException.class, failure.getCause());
        assertEquals(2, spawned.size(), "started after shutdown began");
        spawned.get(1).onExit().accept(ExitStatus.killedBy(15)); // lets shutdown complete
    }

    @Test
    void shutDownOnlyOnceTheLastStopOfTheShutdownIsInTheHistory() throws Exception {
        // Both stops in one publish: Stopped web-0 was handed over with shutDown() already true, so the event stream
        // ended there, and Stopped web-1 never reached its clients.
        List<SpawnRequest> spawned = new CopyOnWriteArrayList<>();
        DaemonControl control = runningTwoWebProcesses(spawned);
        List<String> seenShutDown = new CopyOnWriteArrayList<>();
        history.subscribe(record -> {
            if (control.shutDown()) {
                seenShutDown.add(record.object() + " " + record.reason());
            }
        });
        onOwner(supervisor::shutdown);

        occupyTheOwner(); // both exits in before the publish
        spawned.get(0).onExit().accept(ExitStatus.killedBy(15));
        spawned.get(1).onExit().accept(ExitStatus.killedBy(15));
        ownerReleased.countDown();
        onOwner(() -> { });

        List<EventRecord> all = history.all();
        assertEquals(List.of("Stopped", "Stopped"), all.subList(all.size() - 2, all.size()).stream().map(EventRecord::reason).toList());
        EventRecord last = all.get(all.size() - 1);
        assertEquals(List.of(last.object() + " Stopped"), seenShutDown);
        assertTrue(control.shutDown());
    }

    /** Runs {@code task} on the owner and waits for it. */
    private void onOwner(Runnable task) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            task.run();
            done.complete(null);
        });
        done.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aHistoryConsumerThatThrowsDoesNotCancelTheAction() throws Exception {
        DaemonControl control = control(event -> { }, (event, at) -> {
            if (event instanceof Event.OperatorAction) {
                throw new IllegalStateException("a bug in a consumer");
            }
        });

        List<ActionResult> results = control.stop(List.of("web"), Optional.of(TIMEOUT)).get(30, TimeUnit.SECONDS);

        assertEquals(1, results.size());
        assertFalse(results.get(0).ok()); // no such process: the action ran and answered
    }
}
