package dev.steward.supervise;

/** Supervisor's process states, with its numeric codes (XML-RPC clients read them). */
public enum ProcessState {
    STOPPED(0), STARTING(10), RUNNING(20), BACKOFF(30), STOPPING(40), EXITED(100), FATAL(200), UNKNOWN(1000);

    private final int code;

    ProcessState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Supervisor's RUNNING_STATES: a start request is refused as "already started". */
    public boolean isRunningGroup() {
        return this == RUNNING || this == BACKOFF || this == STARTING;
    }

    /** Supervisor's STOPPED_STATES. */
    public boolean isStoppedGroup() {
        return this == STOPPED || this == EXITED || this == FATAL || this == UNKNOWN;
    }

    /** Supervisor's SIGNALLABLE_STATES. */
    public boolean isSignallable() {
        return this == RUNNING || this == STARTING || this == STOPPING;
    }
}
