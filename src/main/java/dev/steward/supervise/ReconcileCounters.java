package dev.steward.supervise;

/** Reconcile pass counters for metrics. Owner thread writes; readers get immutable totals in the snapshot. */
public final class ReconcileCounters {
    private long passes;
    private long nanos;
    private long passesWithErrors;

    /** Totals so far: passes, their summed duration, and passes that saw invalid manifests. */
    public record Totals(long passes, long durationNanos, long passesWithErrors) {
        public static final Totals ZERO = new Totals(0, 0, 0);
    }

    void pass(long durationNanos, int errors) {
        passes++;
        nanos += durationNanos;
        if (errors > 0) {
            passesWithErrors++;
        }
    }

    Totals totals() {
        return new Totals(passes, nanos, passesWithErrors);
    }
}
