package dev.steward.supervise;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything needed to start one child.
 *
 * @param executable resolved path of the program to exec
 * @param argv       full argv, argv[0] included
 * @param environment complete environment of the child
 * @param directory  working directory, empty to inherit
 * @param stdout     receives stdout (and stderr when {@code stderr} is empty: redirected)
 * @param stderr     receives stderr; empty merges stderr into stdout's pipe
 * @param onExit     called once, on the reaper thread, when the child has been reaped
 */
public record SpawnRequest(Path executable, List<String> argv, Map<String, String> environment,
                           Optional<Path> directory, OutputSink stdout, Optional<OutputSink> stderr,
                           Consumer<ExitStatus> onExit) {
}
