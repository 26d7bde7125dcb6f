package dev.steward.health;

import dev.steward.control.ActionResult;
import dev.steward.control.Control;
import dev.steward.control.LogTail;
import dev.steward.control.ProcessInfo;
import dev.steward.control.ProgramView;
import dev.steward.events.Event;
import dev.steward.events.EventRecord;
import dev.steward.manifest.ManifestError;
import dev.steward.manifest.ProgramSpec;
import dev.steward.supervise.ProcessState;
import dev.steward.supervise.Specs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A {@link Control} whose programs, processes and errors a test sets directly. Enabled only by
 * {@link FakeControlProfile}; the real daemon still runs underneath on an empty manifest directory.
 */
@Alternative
@ApplicationScoped
public class FakeControl implements Control {
    private final List<ProgramView> programs = new CopyOnWriteArrayList<>();
    private final List<ManifestError> errors = new CopyOnWriteArrayList<>();
    private volatile boolean loaded = true;
    private volatile String directoryProblem;
    private volatile boolean shuttingDown;
    private volatile boolean responsive = true;
    private volatile RuntimeException actionFailure;

    public void reset() {
        programs.clear();
        errors.clear();
        loaded = true;
        directoryProblem = null;
        actionFailure = null;
        responsive = true;
        shuttingDown = false;
    }

    public void loaded(boolean value) {
        loaded = value;
    }

    /** What the manifest directory's problem is (null: it can be read). */
    public void directoryProblem(String problem) {
        directoryProblem = problem;
    }

    @Override
    public Optional<String> manifestDirectoryProblem() {
        return Optional.ofNullable(directoryProblem);
    }

    public void shuttingDown(boolean value) {
        shuttingDown = value;
    }

    /** Every action fails with {@code failure} (null: actions succeed on nothing). */
    public void actionFailure(RuntimeException failure) {
        actionFailure = failure;
    }

    private CompletableFuture<List<ActionResult>> nothingDone() {
        return actionFailure != null ? CompletableFuture.failedFuture(actionFailure) : CompletableFuture.completedFuture(List.of());
    }

    public void responsive(boolean value) {
        responsive = value;
    }

    public void addError(ManifestError error) {
        errors.add(error);
    }

    /** Adds (or replaces) a program whose processes are in {@code states}, one per replica. */
    public void program(ProgramSpec spec, String... states) {
        List<ProcessInfo> processes = new ArrayList<>();
        for (int i = 0; i < states.length; i++) {
            processes.add(process(spec, i, states[i], false, 0));
        }
        program(spec, processes);
    }

    public void program(ProgramSpec spec, List<ProcessInfo> processes) {
        remove(spec.name());
        programs.add(new ProgramView(spec, Path.of("manifests", spec.name() + ".yaml"), List.copyOf(processes), false));
        programs.sort(Comparator.comparing(ProgramView::name));
    }

    /** Adds (or replaces) a program that waits for the processes of a removed program of its name to stop. */
    public void waitingProgram(ProgramSpec spec) {
        remove(spec.name());
        programs.add(new ProgramView(spec, Path.of("manifests", spec.name() + ".yaml"), List.of(), true));
        programs.sort(Comparator.comparing(ProgramView::name));
    }

    public void remove(String program) {
        programs.removeIf(p -> p.name().equals(program));
    }

    /** A process of {@code spec}, instance {@code index}, with {@code pid} (0 when not running). */
    public static ProcessInfo process(ProgramSpec spec, int index, String state, boolean stoppedByHand, int pid) {
        return new ProcessInfo(spec.processName(index), spec.name(), index, state, code(state), pid,
                Optional.of(Instant.now().minusSeconds(5)), Optional.empty(), Optional.empty(), 0, Optional.empty(), Optional.empty(),
                stoppedByHand, ProcessInfo.Removal.NONE, false, false, Optional.empty(), Optional.empty(), Optional.empty(), spec.labels(), Optional.empty());
    }

    static int code(String state) {
        return ProcessState.valueOf(state).code();
    }

    public static ProgramSpec spec(String name, int replicas) {
        return Specs.program(name).replicas(replicas).build();
    }

    @Override
    public List<ProgramView> programs() {
        return List.copyOf(programs);
    }

    @Override
    public Optional<ProgramView> program(String name) {
        return programs.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    @Override
    public List<ProcessInfo> processes() {
        return programs.stream().flatMap(p -> p.processes().stream()).sorted(Comparator.comparing(ProcessInfo::name)).toList();
    }

    @Override
    public Optional<ProcessInfo> process(String name) {
        return processes().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    @Override
    public List<ManifestError> manifestErrors() {
        return List.copyOf(errors);
    }

    @Override
    public List<String> resolve(List<String> targets, Optional<String> selector) {
        return List.of();
    }

    @Override
    public CompletableFuture<List<ActionResult>> start(List<String> processes, Optional<Duration> timeout) {
        return nothingDone();
    }

    @Override
    public CompletableFuture<List<ActionResult>> stop(List<String> processes, Optional<Duration> timeout) {
        return nothingDone();
    }

    @Override
    public CompletableFuture<List<ActionResult>> restart(List<String> processes, Optional<Duration> timeout) {
        return nothingDone();
    }

    @Override
    public CompletableFuture<List<ActionResult>> signal(List<String> processes, int signal) {
        return nothingDone();
    }

    @Override
    public List<EventRecord> events() {
        return List.of();
    }

    @Override
    public AutoCloseable subscribe(Consumer<EventRecord> listener) {
        return () -> { };
    }

    @Override
    public Optional<LogTail> logs(String process, boolean stderr) {
        return Optional.empty();
    }

    @Override
    public Optional<String> processWriting(dev.steward.logs.RingBuffer ring, boolean stderr) {
        return Optional.empty();
    }

    @Override
    public void recordOperatorActions(List<Event.OperatorAction> actions) {
    }

    @Override
    public void reread() {
    }

    @Override
    public CompletionStage<Boolean> ownerResponsive() {
        return CompletableFuture.completedFuture(responsive);
    }

    @Override
    public boolean shuttingDown() {
        return shuttingDown;
    }

    @Override
    public boolean shutDown() {
        return shuttingDown && processes().stream().allMatch(p -> Set.of("STOPPED", "EXITED", "FATAL").contains(p.state()));
    }

    @Override
    public boolean manifestsLoaded() {
        return loaded;
    }
}
