package dev.steward.manifest;

/** Where a program's stdout and stderr go. */
public record LogsSpec(StreamLogSpec stdout, StreamLogSpec stderr, boolean redirectStderr) {

    /**
     * One stream's log file.
     *
     * @param file     {@link #AUTO}, {@link #NONE} or a path (relative paths resolve against the state directory)
     * @param maxBytes rotate when the file reaches this size; 0 disables rotation
     * @param backups  rotated files kept ({@code file.1} .. {@code file.N}); 0 truncates instead
     */
    public record StreamLogSpec(String file, long maxBytes, int backups) {
        public static final String AUTO = "AUTO";
        public static final String NONE = "NONE";
        public static final long DEFAULT_MAX_BYTES = 50L * 1024 * 1024;
        public static final int DEFAULT_BACKUPS = 10;

        private static final StreamLogSpec DEFAULTS = new StreamLogSpec(AUTO, DEFAULT_MAX_BYTES, DEFAULT_BACKUPS);

        /** One instance for every program without settings of its own (records: compared by value). */
        public static StreamLogSpec defaults() {
            return DEFAULTS;
        }
    }

    private static final LogsSpec DEFAULTS = new LogsSpec(StreamLogSpec.defaults(), StreamLogSpec.defaults(), false);

    /** One instance for every program without a {@code logs} section: thousands of programs need not hold one each. */
    public static LogsSpec defaults() {
        return DEFAULTS;
    }
}
