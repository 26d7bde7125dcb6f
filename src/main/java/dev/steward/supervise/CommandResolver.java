package dev.steward.supervise;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the executable for {@code spec.command} the way exec would, before spawning, so a missing or
 * non-executable command becomes a spawn error that names the path. The path found is absolute: the child
 * runs it after its change to {@code spec.directory}, where a path relative to the daemon's own working
 * directory would name another file.
 */
final class CommandResolver {
    private CommandResolver() {
    }

    static Path resolve(List<String> command, Map<String, String> environment, Optional<Path> directory)
            throws SpawnException {
        // A stray byte of the daemon's environment (a Latin-1 PATH entry) is U+FFFD here: Java names no file with it.
        String program = RawText.lossy(command.get(0));
        // Relative paths, and relative PATH entries, are where the child starts, as exec after the chdir takes them.
        Path start = directory.orElse(Path.of("")).toAbsolutePath();
        if (program.contains("/")) {
            try {
                return checked(start.resolve(program), program);
            } catch (InvalidPathException e) {
                throw new SpawnException("can't find command '" + program + "': Java cannot name it as a file here ("
                        + e.getReason() + ", in " + System.getProperty("sun.jnu.encoding") + "); fix spec.command, or run"
                        + " the daemon in a UTF-8 locale (LANG=C.UTF-8)");
            }
        }
        String searchPath = RawText.lossy(environment.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        for (String dir : searchPath.split(":", -1)) { // an empty entry, also the last, is the working directory
            Path candidate;
            try {
                candidate = start.resolve(dir).resolve(program);
            } catch (InvalidPathException e) {
                continue; // Java names no such file in this locale (LANG=C: ASCII alone): passed over, as one not there
            }
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new SpawnException("can't find command '" + program + "' on PATH (" + searchPath
                + "); install it, give its absolute path in spec.command, or set PATH in spec.environment");
    }

    private static Path checked(Path path, String asWritten) throws SpawnException {
        if (Files.isRegularFile(path) && Files.isExecutable(path)) {
            return path; // two system calls at every spawn; the third only to say what is wrong
        }
        if (!Files.exists(path)) {
            throw new SpawnException("can't find command '" + asWritten + "' (" + path
                    + " does not exist); fix spec.command or spec.directory");
        }
        if (Files.isDirectory(path)) {
            throw new SpawnException("command at '" + path + "' is a directory; name the program in it"
                    + " in spec.command");
        }
        throw new SpawnException("command at '" + path + "' is not executable; "
                + "chmod +x it or run it through an interpreter in spec.command");
    }
}
