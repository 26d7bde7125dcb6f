package dev.steward.supervise;

/**
 * How a child ended: an exit code, or the signal that terminated it. Kept apart on purpose: a
 * process killed by SIGKILL did not "exit 137".
 */
public record ExitStatus(int code, int signal, boolean coreDumped) {
    /** Opens {@link #toString} of an exit with a code (not by a signal). */
    static final String EXIT_STATUS = "exit status ";

    public static ExitStatus exited(int code) {
        return new ExitStatus(code, 0, false);
    }

    public static ExitStatus killedBy(int signal) {
        return new ExitStatus(-1, signal, false);
    }

    /** Decodes a raw {@code waitpid} status word (Linux layout). */
    public static ExitStatus fromWaitStatus(int status) {
        int termSignal = status & 0x7f;
        if (termSignal == 0) {
            return exited((status >> 8) & 0xff);
        }
        return new ExitStatus(-1, termSignal, (status & 0x80) != 0);
    }

    public boolean signaled() {
        return signal != 0;
    }

    @Override
    public String toString() {
        if (signaled()) {
            return "terminated by SIG" + Signals.name(signal) + (coreDumped ? " (core dumped)" : "");
        }
        return EXIT_STATUS + code;
    }
}
