package dev.steward.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.awaitility.Awaitility.await;

/** Looks at real processes through /proc and ProcessHandle; kills leftovers by pid. */
final class Processes {
    private Processes() {
    }

    /** Alive and not a zombie. */
    static boolean alive(long pid) {
        char state = state(pid);
        return state != 'Z' && state != 'X';
    }

    /** Stopped by job control (kill -STOP). */
    static boolean stopped(long pid) {
        return state(pid) == 'T';
    }

    /** Its state in /proc/PID/stat (R, S, T, Z ...), X when it is gone. */
    private static char state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException e) {
            return 'X';
        }
    }

    static void awaitDead(long pid) {
        await("process " + pid + " gone").atMost(DaemonProcess.PATIENCE).pollInterval(Duration.ofMillis(20))
                .until(() -> !alive(pid));
    }

    static void kill(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    /**
     * A process's environment variable, read from /proc (the child must be ours: same user). A child the
     * daemon has just spawned may still be inside execve, where /proc/PID/environ reads empty until the
     * new image's environment is set up; every child of ours has one, so an empty read is waited out.
     */
    static Optional<String> environment(long pid, String name) {
        Path environ = Path.of("/proc", Long.toString(pid), "environ");
        byte[] raw = await("environment of process " + pid).atMost(DaemonProcess.PATIENCE).pollInterval(Duration.ofMillis(5))
                .until(() -> Files.readAllBytes(environ), bytes -> bytes.length > 0);
        for (String entry : new String(raw).split("\0")) {
            if (entry.startsWith(name + "=")) {
                return Optional.of(entry.substring(name.length() + 1));
            }
        }
        return Optional.empty();
    }

    /** Reads a pid that a test script wrote to a marker file, waiting for the file. */
    static long awaitPidFile(Path file) {
        await("pid file " + file).atMost(DaemonProcess.PATIENCE).pollInterval(Duration.ofMillis(20))
                .until(() -> Files.exists(file) && !Files.readString(file).isBlank() && Files.readString(file).endsWith("\n"));
        try {
            return Long.parseLong(Files.readString(file).trim());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
