package dev.steward.supervise;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.util.ArrayList;
import java.util.List;
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
        LibC.close(out[1]);
        pipes.add(out[0], request.stdout());
        if (err != null) {
            LibC.close(err[1]);
            pipes.add(err[0], request.stderr().get());
        }
        return new Child(pid);
    }

    /**
     * Loads libc and sets up what every spawn shares. The first spawn would do it; the engine calls this
     * on the owner thread while the watch thread reads the manifests, off a cold start's critical path.
     */
    public static void prepare() {
        Attributes.VALUE.size();
    }

    /**
     * What every child starts with, set up once: its own process group, default dispositions for every
     * signal that has one, and an empty signal mask. posix_spawn only reads it.
     */
    private static final class Attributes {
        static final Memory VALUE = spawnAttributes();
    }

    private static Memory spawnAttributes() {
        Memory attributes = new Memory(LibC.SPAWNATTR_SIZE);
        Memory defaults = new Memory(LibC.SIGSET_SIZE);
        Memory mask = new Memory(LibC.SIGSET_SIZE);
        LibC.posix_spawnattr_init(attributes);
        LibC.sigfillset(defaults);
        LibC.sigdelset(defaults, 9);
        LibC.sigdelset(defaults, 19);
        LibC.sigemptyset(mask);
        LibC.posix_spawnattr_setsigdefault(attributes, defaults);
        LibC.posix_spawnattr_setsigmask(attributes, mask);
        LibC.posix_spawnattr_setpgroup(attributes, 0);
        LibC.posix_spawnattr_setflags(attributes, (short) (LibC.POSIX_SPAWN_SETPGROUP
                | LibC.POSIX_SPAWN_SETSIGDEF | LibC.POSIX_SPAWN_SETSIGMASK));
        return attributes; // the attribute object copies both sets, so they may go
    }

    private static int posixSpawn(SpawnRequest request, int stdoutFd, int stderrFd) throws SpawnException {
        try (Memory actions = new Memory(LibC.FILE_ACTIONS_SIZE + 8);
             NativeStrings strings = new NativeStrings(request.argv(), environment(request.environment()))) {
            Pointer pid = actions.share(LibC.FILE_ACTIONS_SIZE);
            LibC.posix_spawn_file_actions_init(actions);
            try {
                LibC.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", LibC.O_RDONLY, 0);
                LibC.posix_spawn_file_actions_adddup2(actions, stdoutFd, 1);
                LibC.posix_spawn_file_actions_adddup2(actions, stderrFd, 2);
                // The JDK opens some descriptors without O_CLOEXEC; a child must not keep our sockets.
                LibC.posix_spawn_file_actions_addclosefrom_np(actions, 3);
                if (request.directory().isPresent()) {
                    LibC.posix_spawn_file_actions_addchdir_np(actions, request.directory().get().toString());
                }
                int rc = LibC.posix_spawn(pid, request.executable().toString(), actions, Attributes.VALUE, strings.argv(), strings.envp());
                if (rc != 0) {
                    throw new SpawnException("cannot execute " + request.executable() + ": " + LibC.strerror(rc)
                            + request.directory().map(d -> " (working directory " + d + ")").orElse("")
                            + "; check the path, its permissions and spec.directory");
                }
                return pid.getInt(0);
            } finally {
                LibC.posix_spawn_file_actions_destroy(actions);
            }
        }
    }

    private static List<String> environment(Map<String, String> environment) {
        List<String> entries = new ArrayList<>(environment.size());
        environment.forEach((name, value) -> entries.add(name + "=" + value));
        return entries;
    }

    private static int[] newPipe() throws SpawnException {
        int[] fds = new int[2];
        if (LibC.pipe2(fds, LibC.O_CLOEXEC) != 0) {
            throw new SpawnException("cannot create a pipe: " + LibC.strerror(Native.getLastError())
                    + "; the daemon may be out of file descriptors (raise its ulimit -n)");
        }
        return fds;
    }

    private static void closeAll(int[]... pipes) {
        for (int[] pipe : pipes) {
            if (pipe != null) {
                LibC.close(pipe[0]);
                LibC.close(pipe[1]);
            }
        }
    }

    /** Whether the daemon may switch users for its children. */
    public static boolean runningAsRoot() {
        return LibC.geteuid() == 0;
    }

    private record Child(int pid) implements ChildProcess {
        @Override
        public boolean signal(int signal, boolean toGroup) {
            return LibC.kill(toGroup ? -pid : pid, signal) == 0;
        }
    }

}
