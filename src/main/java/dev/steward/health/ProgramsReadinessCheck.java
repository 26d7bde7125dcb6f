package dev.steward.health;

import dev.steward.control.Control;
import dev.steward.control.ProcessInfo;
import dev.steward.control.ProgramView;
import dev.steward.manifest.ManifestError;
import dev.steward.manifest.RestartPolicy;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code /q/health/ready}: UP when the manifests are loaded and every process of every autostart
 * program is RUNNING, except the ones an operator stopped by hand and one-shot runs that completed
 * (EXITED with an expected exit code). The data has one entry per program
 * ({@code web: 2/2 RUNNING}) and one per rejected manifest file with its first error. A rejected file
 * whose last good programs stay in force does not make the daemon unready: they are judged as usual. One
 * with nothing in force (broken when the daemon started, or new and never valid) does: what it asks for
 * is not running, and nothing else would say so. So does a manifest directory that is gone, once its programs have
 * stopped; one that cannot be listed is reported, its programs judged as usual.
 */
@Readiness
@ApplicationScoped
public class ProgramsReadinessCheck implements AsyncHealthCheck {
    private final Control control;

    public ProgramsReadinessCheck(Control control) {
        this.control = control;
    }

    /** On the event loop, as it reads only the supervisor's snapshot: see {@link OwnerLivenessCheck} for why. */
    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom().item(this::response);
    }

    HealthCheckResponse response() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("programs");
        if (!control.manifestsLoaded()) {
            return response.down().withData("manifests", "not read yet").build();
        }
        boolean ready = true;
        List<ProgramView> programs = control.programs(); // once: one snapshot, and a thousand processes converted once
        for (ProgramView program : programs) {
            Verdict verdict = judge(program);
            ready &= verdict.ready();
            response.withData(program.name(), verdict.summary());
        }
        Optional<String> directoryProblem = control.manifestDirectoryProblem();
        if (directoryProblem.isPresent()) {
            // Gone, its programs have stopped: a daemon that runs nothing is not ready. Not listable, they go on as they
            // were and are judged as usual, as a rejected file's last good programs are.
            ready &= !programs.isEmpty();
            response.withData("manifest directory", directoryProblem.get());
        }
        Set<String> inForce = programs.stream().map(p -> p.source().toString()).collect(Collectors.toSet());
        for (Map.Entry<String, String> invalid : firstErrorPerFile(control.manifestErrors()).entrySet()) {
            boolean kept = inForce.contains(invalid.getKey());
            ready &= kept;
            response.withData(invalid.getKey(), invalid.getValue() + (kept ? "" : " (nothing from this file runs)"));
        }
        return response.status(ready).build();
    }

    private record Verdict(boolean ready, String summary) {
    }

    static Verdict judge(ProgramView program) {
        if (program.waiting() && program.spec().replicas() > 0) {
            // No process of its own yet: its replicas are not running, though none is listed as not running.
            String summary = "0/" + program.spec().replicas() + " RUNNING; waiting for the processes of the removed program"
                    + " of its name to stop";
            return program.spec().autostart() ? new Verdict(false, summary)
                    : new Verdict(true, summary + " (autostart false: not required)");
        }
        // Instances retiring after a scale-down (index >= replicas) are on their way out: not judged.
        List<ProcessInfo> current = program.processes().stream()
                .filter(p -> p.index() < program.spec().replicas()).toList();
        List<ProcessInfo> required = current.stream().filter(p -> !p.stoppedByHand()).toList();
        long running = required.stream().filter(p -> p.state().equals("RUNNING")).count();
        // Under Always an expected exit is restarted too (a second after its start at the latest): not done.
        boolean restartsExpectedExits = program.spec().restartPolicy() == RestartPolicy.Always;
        long completed = restartsExpectedExits ? 0 : required.stream().filter(ProgramsReadinessCheck::completed).count();
        StringBuilder summary = new StringBuilder().append(running).append('/').append(required.size()).append(" RUNNING");
        String others = required.stream().filter(p -> !p.state().equals("RUNNING"))
                .map(p -> p.name() + " " + p.state() + (!restartsExpectedExits && completed(p) ? " (completed)" : ""))
                .collect(Collectors.joining(", "));
        if (!others.isEmpty()) {
            summary.append("; ").append(others);
        }
        long byHand = current.size() - required.size();
        if (byHand > 0) {
            summary.append("; ").append(byHand).append(" stopped by hand");
        }
        if (!program.spec().autostart()) {
            summary.append(" (autostart false: not required)");
            return new Verdict(true, summary.toString());
        }
        return new Verdict(running + completed == required.size(), summary.toString());
    }

    /**
     * A one-shot run that ended as expected and that its restart policy leaves alone (EXITED with an
     * expected exit code): done, as it should be, so it does not hold readiness down.
     */
    private static boolean completed(ProcessInfo process) {
        return process.state().equals("EXITED") && process.lastExit().map(ProcessInfo.LastExit::expected).orElse(false);
    }

    /** {@code file -> "invalid at 7:14: spec.replicas: must be ..."}: the first error of each rejected file. */
    static Map<String, String> firstErrorPerFile(List<ManifestError> errors) {
        Map<String, String> first = new LinkedHashMap<>();
        for (ManifestError error : errors) {
            StringBuilder text = new StringBuilder("invalid");
            if (error.line() > 0) {
                text.append(" at ").append(error.line()).append(':').append(error.column());
            }
            text.append(": ");
            if (!error.field().isEmpty()) {
                text.append(error.field()).append(": ");
            }
            first.putIfAbsent(error.file().toString(), text.append(error.message()).toString());
        }
        return first;
    }
}
