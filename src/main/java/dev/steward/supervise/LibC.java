package dev.steward.supervise;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The few libc calls the JDK does not offer: posix_spawn with a process group, waitpid with the raw
 * status (exit code and signal kept apart), kill to a group, pipes we read with epoll. Bound with JNA's
 * direct mapping (static natives): a call costs a fraction of an interface proxy's reflective dispatch,
 * which was a third of the owner thread's time per spawn. {@code Native.getLastError()} holds errno
 * after a failed call.
 */
final class LibC {
    static {
        // Unless this is set, JNA computes its search path with `ldconfig -p` through Runtime.exec: a
        // JDK-managed child that our waitpid(-1) reaper would race for. The exact soname needs no search.
        if (System.getProperty("jna.platform.library.path") == null) {
            System.setProperty("jna.platform.library.path", "/lib:/usr/lib");
        }
        Native.register(LibC.class, NativeLibrary.getInstance("libc.so.6"));
    }

    private LibC() {
    }

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int ENOEXEC = 8;
    static final int ECHILD = 10;
    static final int EAGAIN = 11;

    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_CREAT = 0x40;
    static final int O_TRUNC = 0x200;
    static final int O_APPEND = 0x400;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int F_SETFL = 4;
    static final int F_GETFL = 3;
    static final int F_SETPIPE_SZ = 1031;

    static final short POSIX_SPAWN_SETPGROUP = 0x02;
    static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    static final short POSIX_SPAWN_SETSIGMASK = 0x08;

    static final int PR_SET_CHILD_SUBREAPER = 36;

    static final int EPOLLIN = 0x1;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;

    /** Generous sizes for glibc's opaque structs (80, 336 and 128 bytes on x86_64 and aarch64). */
    static final int FILE_ACTIONS_SIZE = 512;
    static final int SPAWNATTR_SIZE = 1024;
    static final int SIGSET_SIZE = 256;

    /** {@code argv} and {@code envp}: NULL-terminated arrays of C strings ({@link NativeStrings}). */
    static native int posix_spawn(Pointer pid, String path, Pointer fileActions, Pointer attributes, Pointer argv, Pointer envp);

    static native int posix_spawn_file_actions_init(Pointer fileActions);

    static native int posix_spawn_file_actions_destroy(Pointer fileActions);

    static native int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

    static native int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, String path, int flags, int mode);

    static native int posix_spawn_file_actions_addchdir_np(Pointer fileActions, String path);

    static native int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

    static native int posix_spawnattr_init(Pointer attributes);

    static native int posix_spawnattr_setflags(Pointer attributes, short flags);

    static native int posix_spawnattr_setpgroup(Pointer attributes, int pgroup);

    static native int posix_spawnattr_setsigmask(Pointer attributes, Pointer sigset);

    static native int posix_spawnattr_setsigdefault(Pointer attributes, Pointer sigset);

    static native int sigemptyset(Pointer set);

    static native int sigfillset(Pointer set);

    static native int sigdelset(Pointer set, int signal);

    static native int pipe2(int[] fds, int flags);

    static final int RLIMIT_NOFILE = 7;

    /** {@code limits}: the soft and the hard limit (an rlim_t is an unsigned long; -1 means none). */
    static native int getrlimit(int resource, long[] limits);

    /** {@code mode} matters only with {@code O_CREAT}. */
    static native int open(String path, int flags, int mode);

    /** {@code timespec}: a struct timespec (two longs on 64-bit Linux). */
    static native int clock_gettime(int clock, Pointer timespec);

    static native int close(int fd);

    static native long read(int fd, Pointer buffer, long count);

    static native long write(int fd, byte[] buffer, long count);

    static native int fcntl(int fd, int command, int argument);

    static native int epoll_create1(int flags);

    static native int epoll_ctl(int epoll, int operation, int fd, Pointer event);

    static native int epoll_wait(int epoll, Pointer events, int maxEvents, int timeoutMillis);

    static native int kill(int pid, int signal);

    /** {@code signal(2)}; a null handler is {@code SIG_DFL}. */
    static native Pointer signal(int signal, Pointer handler);

    static native int waitpid(int pid, IntByReference status, int options);

    static native int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    static native int geteuid();

    static native String strerror(int errno);

    /**
     * epoll_wait with a nanosecond timeout (Linux 5.11, glibc 2.35), bound on its own: a C library without
     * the symbol fails this class's first call (UnsatisfiedLinkError), not the rest of LibC.
     */
    static final class NanoEpoll {
        static {
            Native.register(NanoEpoll.class, NativeLibrary.getInstance("libc.so.6"));
        }

        private NanoEpoll() {
        }

        /** {@code timeout}: a struct timespec, or NULL to wait without one. */
        static native int epoll_pwait2(int epoll, Pointer events, int maxEvents, Pointer timeout, Pointer signalMask);
    }
}
