package dev.steward.supervise;

import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One thread that reaps every child with {@code waitpid(-1)}: exits are seen the moment the child
 * dies (even when a grandchild still holds its stdout), with the exact wait status, and no zombie
 * is left, including orphaned grandchildren re-parented to us as a child subreaper.
 *
 * <p>A daemon has one. A JVM that runs several daemons one after another (the tests: one per Quarkus test profile,
 * each with its own class loader) has one per daemon, and any of them may take the others' exits while a child of the
 * JVM outlives its daemon and keeps the old reaper in {@code waitpid}: so no test leaves a child behind.
 */
final class Reaper {
    /**
     * Pid 1 of a pid namespace (a container's main process) inherits every orphan of the namespace, also those of
     * processes it never started ({@code docker exec}, {@code kubectl exec}, a Docker HEALTHCHECK): they must be reaped
     * even while the daemon has no child of its own, when {@code waitpid} cannot block and returns ECHILD at once.
     */
    static final boolean INIT = ProcessHandle.current().pid() == 1;
    /**
     * How long pid 1 waits, with no child at all, before it looks for orphans to reap again: tini looks every second
     * too. Any other daemon waits for a spawn instead, and never wakes up idle: only its own descendants can become its
     * children, and one that does is its child before its parent can be reaped.
     */
    private static final long ORPHAN_LOOK_MILLIS = 1000;
    private final Object lock = new Object();
    private final Map<Integer, Consumer<ExitStatus>> waiting = new HashMap<>();
    private boolean started;
    // How often waitpid has found no child at all, guarded by lock: awaitNoChildren waits for the next time.
    private long childless;

    /**
     * Runs {@code spawn} and registers the pid it returns under the reaper's lock, so an exit can
     * never be reaped before its listener is known.
     */
    int spawnAndWatch(SpawnAction spawn, Consumer<ExitStatus> onExit) throws SpawnException {
        synchronized (lock) {
            startIfNeeded();
            int pid = spawn.spawn();
            waiting.put(pid, onExit);
            lock.notifyAll();
            return pid;
        }
    }

    interface SpawnAction {
        int spawn() throws SpawnException;
    }

    /** Starts reaping now, not at the first spawn: pid 1 has orphans to reap from its first moment ({@link #INIT}). */
    void start() {
        synchronized (lock) {
            startIfNeeded();
        }
    }

    private void startIfNeeded() {
        if (started) {
            return;
        }
        started = true;
        // Orphans of our children (daemonizing grandchildren) become ours, so we reap them too.
        LibC.prctl(LibC.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        Thread thread = new Thread(null, this::reapForever, "steward-reaper", 256 * 1024);
        thread.setDaemon(true);
        thread.start();
    }

    private void reapForever() {
        IntByReference status = new IntByReference();
        while (true) {
            int pid = LibC.waitpid(-1, status, 0);
            if (pid > 0) {
                Consumer<ExitStatus> listener;
                synchronized (lock) {
                    listener = waiting.remove(pid);
                }
                if (listener != null) {
                    try {
                        listener.accept(ExitStatus.fromWaitStatus(status.getValue()));
                    } catch (RuntimeException e) {
                        // as for a pipe's sink: one listener must not stop this thread, which hears every exit
                    }
                }
                continue;
            }
            int errno = Native.getLastError();
            if (errno == LibC.ECHILD) {
                awaitChildren();
            } else if (errno != LibC.EINTR) {
                throw new IllegalStateException("waitpid failed: " + LibC.strerror(errno));
            }
        }
    }

    /**
     * Waits until {@code waitpid} finds no child left, at most {@code millis}; whether it did. Pid 1's only
     * ({@link #INIT}), whose reaper looks again every second without a child: another's waits for a spawn instead.
     */
    boolean awaitNoChildren(long millis) throws InterruptedException {
        synchronized (lock) {
            long seen = childless;
            lock.notifyAll(); // a reaper waiting out ORPHAN_LOOK_MILLIS looks now
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (childless == seen) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                lock.wait(left);
            }
            return true;
        }
    }

    private void awaitChildren() {
        synchronized (lock) {
            childless++;
            lock.notifyAll();
            while (waiting.isEmpty()) {
                try {
                    if (INIT) {
                        lock.wait(ORPHAN_LOOK_MILLIS); // a spawn ends it sooner
                        return;
                    }
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
