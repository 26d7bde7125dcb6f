package dev.steward.supervise;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The few libc calls the JDK does not offer: posix_spawn with a process group, waitpid with the raw
 * status (exit code and signal kept apart), kill to a group, pipes we read with poll.
 */
interface LibC extends Library {
    LibC C = Loader.load();

    /** Loads glibc without letting JNA run a child process. */
    final class Loader {
        private Loader() {
        }

        static LibC load() {
            // Unless this is set, JNA computes its search path with `ldconfig -p` through Runtime.exec: a
            // JDK-managed child that our waitpid(-1) reaper would race for. The exact soname needs no search.
            if (System.getProperty("jna.platform.library.path") == null) {
                System.setProperty("jna.platform.library.path", "/lib:/usr/lib");
            }
            return Native.load("libc.so.6", LibC.class);
        }
    }

    int EINTR = 4;
    int ECHILD = 10;
    int EAGAIN = 11;

    int O_RDONLY = 0;
    int O_NONBLOCK = 0x800;
    int O_CLOEXEC = 0x80000;
    int F_SETFL = 4;
    int F_GETFL = 3;
    int F_SETPIPE_SZ = 1031;

    short POSIX_SPAWN_SETPGROUP = 0x02;
    short POSIX_SPAWN_SETSIGDEF = 0x04;
    short POSIX_SPAWN_SETSIGMASK = 0x08;

    int PR_SET_CHILD_SUBREAPER = 36;

    short POLLIN = 0x1;

    /** Generous sizes for glibc's opaque structs (80, 336 and 128 bytes on x86_64 and aarch64). */
    int FILE_ACTIONS_SIZE = 512;
    int SPAWNATTR_SIZE = 1024;
    int SIGSET_SIZE = 256;

    int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attributes,
                    String[] argv, String[] envp);

    int posix_spawn_file_actions_init(Pointer fileActions);

    int posix_spawn_file_actions_destroy(Pointer fileActions);

    int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

    int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, String path, int flags, int mode);

    int posix_spawn_file_actions_addchdir_np(Pointer fileActions, String path);

    int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

    int posix_spawnattr_init(Pointer attributes);

    int posix_spawnattr_destroy(Pointer attributes);

    int posix_spawnattr_setflags(Pointer attributes, short flags);

    int posix_spawnattr_setpgroup(Pointer attributes, int pgroup);

    int posix_spawnattr_setsigmask(Pointer attributes, Pointer sigset);

    int posix_spawnattr_setsigdefault(Pointer attributes, Pointer sigset);

    int sigemptyset(Pointer set);

    int sigfillset(Pointer set);

    int sigdelset(Pointer set, int signal);

    int pipe2(int[] fds, int flags);

    int close(int fd);

    long read(int fd, Pointer buffer, long count);

    long write(int fd, byte[] buffer, long count);

    int fcntl(int fd, int command, int argument);

    int ppoll(Pointer fds, long count, Pointer timeout, Pointer signalMask);

    int kill(int pid, int signal);

    int waitpid(int pid, IntByReference status, int options);

    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    int geteuid();

    String strerror(int errno);
}
