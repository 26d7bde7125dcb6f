package dev.steward.supervise;

import java.time.Instant;

/**
 * One transition of one process, as Supervisor would report it.
 *
 * @param detail      human-readable reason: {@code pid 1234}, {@code exit status 1; not expected}, a spawn error
 * @param stderrApart whether the process's stderr has a log of its own, not redirected into stdout's: where a Warning
 *                    sends the operator to read its output
 */
public record StateChange(String program, String process, ProcessState from, ProcessState to, int pid,
                          String detail, Instant at, boolean stderrApart) {

    /** Opens the note on an EXITED change's detail when its restart waits out {@code restartBackoff}. */
    static final String RESTART_BACKOFF = "(restartBackoff: ";
    /** In a STOPPING notice: the child has exited, and the rest of its process group is waited for. */
    static final String WAITING_FOR_GROUP = "waiting for the rest of its process group";

    /** Opens the notice of a process renamed by a scale ({@code web} to {@code web-0}, and back). */
    static final String RENAMED_FROM = "renamed from ";

    /** In a STOPPED detail: processes of the group outlived its SIGKILL, or were beyond its reach, and run on unsupervised. */
    static final String GROUP_LEFT = ", and are left";

    /** In a STOPPING notice: the child exited, and the rest of its process group outlived the stop timeout. */
    static final String GROUP_STILL_THERE = " still has processes ";

    /** Opens a BACKOFF detail when the process could not be spawned; the error that follows says what to do. */
    static final String SPAWN_ERROR = "spawn error: ";

    /** A BACKOFF because the process could not be spawned at all (no such command, say), not because it exited. */
    public boolean spawnFailed() {
        return to == ProcessState.BACKOFF && detail.startsWith(SPAWN_ERROR);
    }

    /** An EXITED with an exit code, not ended by a signal. */
    public boolean exitedWithCode() {
        return to == ProcessState.EXITED && detail.startsWith(ExitStatus.EXIT_STATUS);
    }

    /** A stop that ended with processes of its group still running (stuck in the kernel): worth a warning. */
    public boolean leftGroupMembers() {
        return to == ProcessState.STOPPED && detail.contains(GROUP_LEFT);
    }

    /** A STOPPING notice that the child has exited while others of its process group (killAsGroup) live on. */
    public boolean waitingForGroup() {
        return from == ProcessState.STOPPING && to == ProcessState.STOPPING && detail.contains(WAITING_FOR_GROUP);
    }

    /** The SIGKILL of what is left of the process group of a child that has exited (killAsGroup). */
    public boolean killedRestOfGroup() {
        return from == ProcessState.STOPPING && to == ProcessState.STOPPING && detail.contains(GROUP_STILL_THERE);
    }

    /** A process renamed by a scale, in whatever state it is. */
    public boolean renamed() {
        return from == to && detail.startsWith(RENAMED_FROM);
    }

    /** An exit whose automatic restart waits out {@code restartBackoff}: a crash loop backing off, as kubectl's BackOff. */
    public boolean backingOff() {
        return to == ProcessState.EXITED && detail.contains(RESTART_BACKOFF);
    }

    /** {@code web-0: RUNNING (pid 1234)}: the daemon's log line for this change. */
    @Override
    public String toString() {
        return process + ": " + to + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
