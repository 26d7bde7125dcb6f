package dev.steward.supervise;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;

import java.util.Map;

/**
 * Spawns children with {@code posix_spawn}: each child leads a new process group, starts with default
 * signal dispositions and an empty mask, stdin on /dev/null, no inherited descriptors beyond 0-2,
 * and stdout/stderr on pipes read by {@link PipeReader}. Exits come from {@link Reaper}.
 */
public final class PosixSpawner implements Spawner {
    private final Reaper reaper = new Reaper();
    private final PipeReader pipes = new PipeReader();

    @Override
    public ChildProcess spawn(SpawnRequest request) throws SpawnException {
        int[] out = newPipe();
        int[] err = request.stderr().isPresent() ? newPipe() : null;
        int pid;
        try {
            pid = reaper.spawnAndWatch(() -> posixSpawn(request, out[1], err == null ? out[1] : err[1]),
                    request.onExit());
        } catch (SpawnException | RuntimeException e) {
            closeAll(out, err);
            throw e;
        }
        LibC.C.close(out[1]);
        pipes.add(out[0], request.stdout());
        if (err != null) {
            LibC.C.close(err[1]);
            pipes.add(err[0], request.stderr().get());
        }
        return new Child(pid);
    }

    private static int posixSpawn(SpawnRequest request, int stdoutFd, int stderrFd) throws SpawnException {
        Memory actions = new Memory(LibC.FILE_ACTIONS_SIZE);
        Memory attributes = new Memory(LibC.SPAWNATTR_SIZE);
        Memory defaults = new Memory(LibC.SIGSET_SIZE);
        Memory mask = new Memory(LibC.SIGSET_SIZE);
        LibC c = LibC.C;
        c.posix_spawn_file_actions_init(actions);
        c.posix_spawnattr_init(attributes);
        try {
            c.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", LibC.O_RDONLY, 0);
            c.posix_spawn_file_actions_adddup2(actions, stdoutFd, 1);
            c.posix_spawn_file_actions_adddup2(actions, stderrFd, 2);
            // The JDK opens some descriptors without O_CLOEXEC; a child must not keep our sockets.
            c.posix_spawn_file_actions_addclosefrom_np(actions, 3);
            request.directory().ifPresent(dir -> c.posix_spawn_file_actions_addchdir_np(actions, dir.toString()));
            c.sigfillset(defaults);
            c.sigdelset(defaults, 9);
            c.sigdelset(defaults, 19);
            c.sigemptyset(mask);
            c.posix_spawnattr_setsigdefault(attributes, defaults);
            c.posix_spawnattr_setsigmask(attributes, mask);
            c.posix_spawnattr_setpgroup(attributes, 0);
            c.posix_spawnattr_setflags(attributes, (short) (LibC.POSIX_SPAWN_SETPGROUP
                    | LibC.POSIX_SPAWN_SETSIGDEF | LibC.POSIX_SPAWN_SETSIGMASK));
            IntByReference pid = new IntByReference();
            int rc = c.posix_spawn(pid, request.executable().toString(), actions, attributes,
                    request.argv().toArray(String[]::new), environment(request.environment()));
            if (rc != 0) {
                throw new SpawnException("cannot execute " + request.executable() + ": " + c.strerror(rc)
                        + request.directory().map(d -> " (working directory " + d + ")").orElse("")
                        + "; check the path, its permissions and spec.directory");
            }
            return pid.getValue();
        } finally {
            c.posix_spawn_file_actions_destroy(actions);
            c.posix_spawnattr_destroy(attributes);
        }
    }

    private static String[] environment(Map<String, String> environment) {
        return environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    private static int[] newPipe() throws SpawnException {
        int[] fds = new int[2];
        if (LibC.C.pipe2(fds, LibC.O_CLOEXEC) != 0) {
            throw new SpawnException("cannot create a pipe: " + LibC.C.strerror(Native.getLastError())
                    + "; the daemon may be out of file descriptors (raise its ulimit -n)");
        }
        return fds;
    }

    private static void closeAll(int[]... pipes) {
        for (int[] pipe : pipes) {
            if (pipe != null) {
                LibC.C.close(pipe[0]);
                LibC.C.close(pipe[1]);
            }
        }
    }

    /** Whether the daemon may switch users for its children. */
    public static boolean runningAsRoot() {
        return LibC.C.geteuid() == 0;
    }

    private record Child(int pid) implements ChildProcess {
        @Override
        public boolean signal(int signal, boolean toGroup) {
            return LibC.C.kill(toGroup ? -pid : pid, signal) == 0;
        }
    }

}
