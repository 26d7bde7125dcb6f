package dev.steward.supervise;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Spawns children with {@code posix_spawn}: each child leads a new process group, starts with default
 * signal dispositions and an empty mask, stdin on /dev/null, no inherited descriptors beyond 0-2,
 * and stdout/stderr on pipes read by {@link PipeReader}. Exits come from {@link Reaper}.
 */
public final class PosixSpawner implements Spawner {
    private final Reaper reaper = new Reaper();
    private final PipeReader pipes = new PipeReader();

    public PosixSpawner() {
        if (Reaper.INIT) {
            reaper.start(); // orphans come to pid 1 before its first spawn, and whether it spawns anything or not
        }
    }

    /** Whether the daemon is pid 1 of its pid namespace: a container's main process, the init of every process in it. */
    public static boolean isInit() {
        return Reaper.INIT;
    }

    /**
     * Pid 1, once its programs have stopped: sends SIGTERM to every other process of the namespace, as an init does
     * before it ends (sysvinit's killall5, s6-overlay's, dumb-init's), since the kernel ends them all with SIGKILL once
     * pid 1 exits. Those left are orphans (a program's children that outlived it) and {@code docker exec} sessions.
     * Waits until no child is left (the orphans are pid 1's children), at most {@code millis}.
     *
     * @return whether every child has gone
     */
    public boolean endOrphans(long millis) throws InterruptedException {
        LibC.kill(-1, 15); // from pid 1, every process of the namespace but itself
        return reaper.awaitNoChildren(millis);
    }

    /**
     * Each child costs the daemon two descriptors (its pipes) and up to two more (its log files). Spawned until
     * the process ran out of them, a daemon could then not load a class from a jar, accept a connection or read a
     * manifest: at a start, where the children come before the HTTP server, it could not start at all. So spawns
     * stop short of the limit ({@code ulimit -n}, which the JVM raises to the hard limit): the last 256 (half of a
     * limit under 1024) stay for the daemon itself, which uses about 130.
     */
    private static final class DescriptorLimit {
        static final int CEILING = ceiling();

        private static int ceiling() {
            long[] limits = new long[2];
            if (LibC.getrlimit(LibC.RLIMIT_NOFILE, limits) != 0 || limits[0] < 0 || limits[0] > Integer.MAX_VALUE) {
                return Integer.MAX_VALUE;
            }
            int limit = (int) limits[0];
            return limit - (limit >= 1024 ? 256 : limit / 2);
        }
    }

    @Override
    public ChildProcess spawn(SpawnRequest request) throws SpawnException {
        int[] out = newPipe();
        int[] err = null;
        try {
            err = request.stderr().isPresent() ? newPipe() : null;
            // The read ends go to the reader before the spawn, so a pipe that cannot be read fails the spawn
            // rather than leave a child writing into it. From here on the reader owns them and closes them at
            // EOF, which closing the write ends gives, whether the spawn succeeds or not.
            pipes.add(out[0], request.stdout());
        } catch (SpawnException e) {
            closeAll(out, err);
            throw e;
        }
        if (err != null) {
            try {
                pipes.add(err[0], request.stderr().get());
            } catch (SpawnException e) {
                LibC.close(out[1]);
                closeAll(err);
                throw e;
            }
        }
        int stderrFd = err == null ? out[1] : err[1];
        try {
            int pid = reaper.spawnAndWatch(() -> posixSpawn(request, out[1], stderrFd), request.onExit());
            return new Child(pid);
        } finally {
            LibC.close(out[1]);
            if (err != null) {
                LibC.close(err[1]);
            }
        }
    }

    /**
     * Loads libc and sets up what every spawn shares. The first spawn would do it; the engine calls this
     * on the owner thread while the watch thread reads the manifests, off a cold start's critical path
     * ({@code steward serve} starts it earlier still, {@link #prepareInBackground}; a second call waits
     * for the first or returns at once).
     */
    public static void prepare() {
        Attributes.VALUE.size();
        int ceiling = DescriptorLimit.CEILING; // read here, on the owner, once libc is loaded: not at the first spawn
    }

    /**
     * Starts {@link #prepare} on a thread of its own, for a daemon's first moments: until the JVM has read
     * its settings and the manifests, one of a small machine's CPUs is mostly idle, and loading libc
     * through JNA takes about 65 ms of CPU. A failure here is reported by the engine's own call.
     */
    public static void prepareInBackground() {
        Thread thread = new Thread(() -> {
            try {
                prepare();
            } catch (LinkageError | RuntimeException e) {
                // no libc or JNA here: the engine's own call of prepare() reports it
            }
        }, "steward-libc-init");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * What every child starts with, set up once: its own process group, default dispositions for every
     * signal that has one (glibc's own two as well: {@link #addInternalSignals}), and an empty signal mask.
     * posix_spawn only reads it.
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
        addInternalSignals(defaults);
        LibC.sigemptyset(mask);
        LibC.posix_spawnattr_setsigdefault(attributes, defaults);
        LibC.posix_spawnattr_setsigmask(attributes, mask);
        LibC.posix_spawnattr_setpgroup(attributes, 0);
        LibC.posix_spawnattr_setflags(attributes, (short) (LibC.POSIX_SPAWN_SETPGROUP
                | LibC.POSIX_SPAWN_SETSIGDEF | LibC.POSIX_SPAWN_SETSIGMASK));
        return attributes; // the attribute object copies both sets, so they may go
    }

    /**
     * Adds signals 32 and 33 to {@code set}. glibc keeps them for itself (thread cancellation and set*id across
     * threads): its sigfillset leaves them out and its sigaddset refuses them, and its posix_spawn gives the child
     * SIG_IGN for every one of them not in the sigdefault set, which exec keeps. A child would start with both
     * ignored (SigIgn 0000000180000000 in /proc/PID/status), where a shell's or supervisord's child has them at
     * SIG_DFL. A sigset_t is an array of unsigned longs, signal N at bit N-1, so the bits are set by hand.
     */
    static void addInternalSignals(Pointer set) {
        for (int signal = 32; signal <= 33; signal++) {
            int bit = signal - 1;
            if (Native.LONG_SIZE == 8) {
                long offset = bit / 64 * 8L;
                set.setLong(offset, set.getLong(offset) | 1L << (bit % 64));
            } else {
                long offset = bit / 32 * 4L;
                set.setInt(offset, set.getInt(offset) | 1 << (bit % 32));
            }
        }
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
                    throw new SpawnException(spawnError(request, rc));
                }
                return pid.getInt(0);
            } finally {
                LibC.posix_spawn_file_actions_destroy(actions);
            }
        }
    }

    /**
     * What went wrong and what to do; a script whose #! interpreter is missing says so, not just ENOENT, and one
     * without a #! line, not just ENOEXEC ("Exec format error"): a shell runs such a file itself, exec does not.
     */
    static String spawnError(SpawnRequest request, int errno) {
        String prefix = "cannot execute " + request.executable() + ": ";
        Optional<String> interpreter = errno == LibC.ENOENT ? interpreter(request.executable()) : Optional.empty();
        if (interpreter.isPresent()) {
            return prefix + "its interpreter " + interpreter.get() + " (from its #! line) does not exist;"
                    + " install it or fix the #! line";
        }
        if (errno == LibC.ENOEXEC && isScriptWithoutInterpreter(request.executable())) {
            return prefix + "it is no program for this machine, and has no #! line to name its interpreter; add one as"
                    + " its first line (#!/bin/sh, say), or run it through its interpreter in spec.command ([\"/bin/sh\", \""
                    + request.executable() + "\"])";
        }
        return prefix + LibC.strerror(errno) + request.directory().map(d -> " (working directory " + d + ")").orElse("")
                + "; check the path, its permissions and spec.directory";
    }

    /** Whether the file starts with neither #! nor an ELF header: a shell script written without its first line. */
    private static boolean isScriptWithoutInterpreter(Path executable) {
        try (InputStream in = Files.newInputStream(executable)) {
            byte[] head = in.readNBytes(4);
            boolean script = head.length >= 2 && head[0] == '#' && head[1] == '!';
            boolean elf = Arrays.equals(head, new byte[] {0x7f, 'E', 'L', 'F'});
            return !script && !elf;
        } catch (IOException | RuntimeException e) {
            return false; // unreadable: the plain error is all there is to say
        }
    }

    /** The interpreter a script's first line names, when the file is a script whose interpreter is missing. */
    private static Optional<String> interpreter(Path executable) {
        try (InputStream in = Files.newInputStream(executable)) {
            String head = new String(in.readNBytes(256), StandardCharsets.ISO_8859_1);
            if (!head.startsWith("#!")) {
                return Optional.empty();
            }
            String[] words = head.substring(2).split("\n", 2)[0].strip().split("\\s+");
            return words[0].isEmpty() || Files.exists(Path.of(words[0])) ? Optional.empty() : Optional.of(words[0]);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable or odd: the plain error is all there is to say
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
        refuseAtCeiling(fds, DescriptorLimit.CEILING);
        return fds;
    }

    /** Closes {@code pipe} and refuses the spawn when it got a descriptor at or above {@code ceiling}. */
    static void refuseAtCeiling(int[] pipe, int ceiling) throws SpawnException {
        // The kernel hands out the lowest free descriptors, so every one below these is in use.
        if (Math.max(pipe[0], pipe[1]) >= ceiling) {
            closeAll(pipe);
            throw new SpawnException("the daemon has " + ceiling + " files open, and keeps the rest of its limit"
                    + " of open files (ulimit -n) for itself: its API, log files and manifests; raise the limit (ulimit -n,"
                    + " systemd's LimitNOFILE=, docker run --ulimit nofile=N:N) or run fewer processes");
        }
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

        /**
         * EPERM is a member that lives as another user now (sudo, a setuid program): it is there all the same, and taken
         * for gone it would outlive a stop unannounced.
         */
        @Override
        public boolean groupAlive() {
            return LibC.kill(-pid, 0) == 0 || Native.getLastError() == LibC.EPERM;
        }
    }

}
