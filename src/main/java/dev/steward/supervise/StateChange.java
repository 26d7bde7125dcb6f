package dev.steward.supervise;

import java.time.Instant;

/**
 * One transition of one process, as Supervisor would report it.
 *
 * @param detail human-readable reason: {@code pid 1234}, {@code exit status 1; not expected}, a spawn error
 */
public record StateChange(String program, String process, ProcessState from, ProcessState to, int pid,
                          String detail, Instant at) {

    /** {@code web-0: RUNNING (pid 1234)}: the daemon's log line for this change. */
    @Override
    public String toString() {
        return process + ": " + to + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
