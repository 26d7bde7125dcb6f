package dev.steward.supervise;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * setrlimit(2) on RLIMIT_FSIZE, for a test that makes a write stop part way, as on a disk that fills up during it: the
 * JVM ignores SIGXFSZ, so a write across the limit writes what fits, and the next one fails with EFBIG.
 */
final class FileSizeLimit {
    static final int EFBIG = 27;
    private static final int RLIMIT_FSIZE = 1;

    static {
        LibC.strerror(0); // LibC's binding sets the library path this one loads by
        Native.register(FileSizeLimit.class, NativeLibrary.getInstance("libc.so.6"));
    }

    private FileSizeLimit() {
    }

    private static native int getrlimit(int resource, long[] limits);

    private static native int setrlimit(int resource, long[] limits);

    /** Lets this process's files grow to {@code bytes} at most until {@code run} has run. */
    static void during(long bytes, Runnable run) {
        long[] before = new long[2];
        if (getrlimit(RLIMIT_FSIZE, before) != 0 || setrlimit(RLIMIT_FSIZE, new long[] {bytes, before[1]}) != 0) {
            throw new IllegalStateException("cannot limit the file size: " + LibC.strerror(Native.getLastError()));
        }
        try {
            run.run();
        } finally {
            setrlimit(RLIMIT_FSIZE, before);
        }
    }
}
