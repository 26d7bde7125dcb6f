package dev.steward.control;

import dev.steward.manifest.ProgramSpec;

import java.nio.file.Path;
import java.util.List;

/**
 * A program as supervised now: its spec in force, the file it came from, its processes.
 *
 * @param waiting whether it waits for the processes of a removed program of its name to stop before it starts
 *                (a file removed and restored while they stop): it has no processes yet
 */
public record ProgramView(ProgramSpec spec, Path source, List<ProcessInfo> processes, boolean waiting) {
    public String name() {
        return spec.name();
    }

    /** Processes RUNNING out of desired replicas. */
    public long readyCount() {
        return processes.stream().filter(p -> p.state().equals("RUNNING")).count();
    }
}
