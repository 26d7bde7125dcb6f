package dev.steward.api;

import dev.steward.control.ProgramView;
import dev.steward.manifest.ManifestError;
import dev.steward.manifest.ManifestRenderer;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A program as the API shows it (docs/api.md, "Program").
 *
 * @param source   the manifest file it comes from
 * @param ready    processes RUNNING
 * @param spec     every spec field with its value in force; unset optional fields are null
 * @param manifest a complete manifest document that applies back as {@code unchanged}
 * @param waiting  true while it waits for the processes of a removed program of its name to stop before it
 *                 starts, with no processes of its own yet
 * @param manifestError the first error of its manifest file as it is now, whose last good version stays in force;
 *                 null while the file is valid
 */
public record ProgramDto(String name, Map<String, String> labels, String source, int replicas, long ready,
                         Map<String, Object> spec, Map<String, Object> manifest, List<ProcessDto> processes,
                         boolean waiting, String manifestError) {

    private static boolean aboutAnotherProgram(ManifestError error, String program) {
        return error.field().isEmpty() && error.message().startsWith("program \"")
                && !error.message().startsWith("program \"" + program + "\"");
    }

    /** {@code errors}: the daemon's manifest errors now, of every file. */
    static ProgramDto of(ProgramView view, List<ManifestError> errors, Instant now, ZoneId zone) {
        String manifestError = null;
        for (ManifestError error : errors) {
            // A scan's note about another program of the file (one it took over and keeps running) is not this one's
            if (error.file().equals(view.source()) && !aboutAnotherProgram(error, view.name())) {
                manifestError = error.toString();
                break;
            }
        }
        return new ProgramDto(view.name(), new TreeMap<>(view.spec().labels()), view.source().toString(),
                view.spec().replicas(), view.readyCount(), ManifestRenderer.spec(view.spec(), true),
                ManifestRenderer.manifest(view.spec()),
                view.processes().stream().map(p -> ProcessDto.of(p, now, zone)).toList(), view.waiting(), manifestError);
    }
}
