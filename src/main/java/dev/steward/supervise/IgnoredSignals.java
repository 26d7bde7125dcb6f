package dev.steward.supervise;

import java.nio.file.Path;

/**
 * Signals the daemon was started with ignored, taken back before its handlers are installed, as supervisord's are: the
 * JVM installs no handler for a signal ignored at its start, so under {@code nohup} a HUP did nothing, and in a script's
 * {@code &} job neither did an INT. Only when one is ignored is libc (JNA) loaded here, ahead of the spawner's own
 * loading: an ordinary start pays one read of {@code /proc/self/status}.
 */
public final class IgnoredSignals {
    private final long mask;

    private IgnoredSignals(long mask) {
        this.mask = mask;
    }

    /** The signals this process was started with ignored, read once. */
    public static IgnoredSignals atStart() {
        return new IgnoredSignals(ignoredMask(ProcStatus.SELF));
    }

    /** Sets {@code signal} back to its default action, when it was ignored. */
    public void takeBack(int signal) {
        if ((mask & (1L << (signal - 1))) != 0) {
            LibC.signal(signal, null);
        }
    }

    /** The {@code SigIgn} mask of a {@code /proc/PID/status} file: bit {@code n - 1} for signal {@code n}; 0 if unsaid. */
    static long ignoredMask(Path status) {
        try {
            return Long.parseUnsignedLong(ProcStatus.field(status, "SigIgn").orElse("0"), 16);
        } catch (NumberFormatException e) {
            return 0; // not as Linux words it: nothing known to take back
        }
    }
}
