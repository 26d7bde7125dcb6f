package dev.steward.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * A real Steward daemon started from the packaged jar, observed from the outside: its stdout lines,
 * and the pids it reports (which {@link #close()} kills if anything is left behind).
 */
final class DaemonProcess implements AutoCloseable {
    static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Pattern PID = Pattern.compile("^.*? (\\S+): (STARTING|RUNNING) \\(pid (\\d+)\\)$");

    final Path manifests;
    final Path stateDir;
    private final Process process;
    private final Path transcript;
    private final Set<Long> childPids = new TreeSet<>();

    private DaemonProcess(Path manifests, Path stateDir, Process process, Path transcript) {
        this.manifests = manifests;
        this.stateDir = stateDir;
        this.process = process;
        this.transcript = transcript;
    }

    /** Starts a daemon on {@code root/manifests} and {@code root/state}, and waits until it watches. */
    static DaemonProcess start(Path root, String name) throws IOException {
        DaemonProcess daemon = launch(root.resolve("manifests"), root.resolve("state"), name);
        daemon.awaitLine("watching ");
        return daemon;
    }

    static DaemonProcess launch(Path manifests, Path stateDir, String name) throws IOException {
        return launch(manifests, stateDir, name, "127.0.0.1:0");
    }

    /** Starts a daemon listening on {@code listen} (HOST:PORT), for clients that must know the port. */
    static DaemonProcess start(Path root, String name, String listen) throws IOException {
        return start(List.of(), root, name, listen);
    }

    /** As above, with {@code jvmOptions} ({@code -Dkey=value} settings, say). */
    static DaemonProcess start(List<String> jvmOptions, Path root, String name, String listen) throws IOException {
        Path manifests = root.resolve("manifests");
        Path stateDir = root.resolve("state");
        DaemonProcess daemon = launch(jvmOptions, manifests, stateDir, name,
                List.of("--manifests", manifests.toString(), "--state-dir", stateDir.toString(), "--listen", listen));
        daemon.awaitLine("watching ");
        return daemon;
    }

    static DaemonProcess launch(Path manifests, Path stateDir, String name, String listen) throws IOException {
        return launch(List.of(), manifests, stateDir, name,
                List.of("--manifests", manifests.toString(), "--state-dir", stateDir.toString(), "--listen", listen));
    }

    /** Starts {@code java <jvmOptions> -jar <jar> serve <serveArgs>}; {@code manifests} and {@code stateDir} are where they point. */
    static DaemonProcess launch(List<String> jvmOptions, Path manifests, Path stateDir, String name, List<String> serveArgs)
            throws IOException {
        return launch(List.of(), jvmOptions, manifests, stateDir, name, serveArgs);
    }

    /** As above, with {@code wrapper} before {@code java}: a command that execs its arguments (under some limit). */
    static DaemonProcess launch(List<String> wrapper, List<String> jvmOptions, Path manifests, Path stateDir, String name,
                                List<String> serveArgs) throws IOException {
        Files.createDirectories(manifests);
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx128m", "-XX:TieredStopAtLevel=1"));
        if (Runtime.version().feature() >= 24) {
            // As bin/steward runs it: else JDK 24 and later print four lines about Netty's use of sun.misc.Unsafe.
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar(), "serve"));
        command.addAll(serveArgs);
        // Output goes to a file, not a pipe: the JDK closes a child's pipe when the child exits,
        // racing a reader for the last lines (the ones that report the shutdown).
        return launchCommand(command, Map.of(), manifests, stateDir, name);
    }

    /** Runs {@code command}, a daemon in the foreground, with {@code environment} over this JVM's. */
    static DaemonProcess launchCommand(List<String> command, Map<String, String> environment, Path manifests, Path stateDir,
                                       String name) throws IOException {
        Path transcript = transcript(name);
        Files.createDirectories(transcript.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(transcript.toFile());
        builder.environment().putAll(environment);
        return new DaemonProcess(manifests, stateDir, builder.start(), transcript);
    }

    /** The file the daemon named {@code name} prints into, which {@link #lines()} reads. */
    static Path transcript(String name) {
        return Path.of("target", "it-daemons", name + ".log").toAbsolutePath();
    }

    /** The token requests over TCP need, from the state directory, where the daemon writes it before it listens. */
    String token() {
        Path file = stateDir.resolve("token");
        await("the daemon's token " + file).atMost(PATIENCE).until(() -> Files.isRegularFile(file) && Files.size(file) > 0);
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String jar() {
        return System.getProperty("steward.jar", "target/quarkus-app/quarkus-run.jar");
    }

    /** Everything the daemon printed so far, line by line (remembering the pids it reported). */
    List<String> lines() {
        List<String> lines;
        try {
            lines = List.of(Files.readString(transcript, StandardCharsets.UTF_8).split("\n", -1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        lines = lines.subList(0, lines.size() - 1); // the text after the last newline is not a line yet
        synchronized (childPids) {
            for (String line : lines) {
                Matcher pid = PID.matcher(line);
                if (pid.matches()) {
                    childPids.add(Long.parseLong(pid.group(3)));
                }
            }
        }
        return lines;
    }

    /** Writes a manifest atomically (temp file + rename), as an operator's tooling would. */
    void writeManifest(String fileName, String yaml) throws IOException {
        Path temp = manifests.resolve("." + fileName + ".tmp");
        Files.writeString(temp, yaml);
        Files.move(temp, manifests.resolve(fileName), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    void deleteManifest(String fileName) throws IOException {
        Files.delete(manifests.resolve(fileName));
    }

    /** Waits for a line containing {@code text}, returns it. */
    String awaitLine(String text) {
        return awaitLineAfter(0, text);
    }

    /** Waits for a line containing {@code text} after the first {@code skip} lines. */
    String awaitLineAfter(int skip, String text) {
        return awaitMatch(Pattern.compile(".*" + Pattern.quote(text) + ".*"), skip).group();
    }

    /** Waits for a line matching {@code regex} (found anywhere in the line) after the first {@code skip} lines. */
    Matcher awaitMatch(Pattern regex, int skip) {
        Matcher[] found = new Matcher[1];
        await("daemon line matching " + regex + "\n--- daemon output ---\n" + String.join("\n", tail()))
                .atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> {
                    List<String> now = lines();
                    for (int i = skip; i < now.size(); i++) {
                        Matcher m = regex.matcher(now.get(i));
                        if (m.find()) {
                            found[0] = m;
                            return true;
                        }
                    }
                    return false;
                });
        return found[0];
    }

    private List<String> tail() {
        List<String> all = lines();
        return all.subList(Math.max(0, all.size() - 40), all.size());
    }

    /** The pid of {@code process}'s newest RUNNING line after {@code skip}, waiting for it. */
    long awaitRunning(String processName, int skip) {
        Matcher m = awaitMatch(Pattern.compile(" " + Pattern.quote(processName) + ": RUNNING \\(pid (\\d+)\\)$"), skip);
        return Long.parseLong(m.group(1));
    }

    /** The lines printed after the first {@code skip}. */
    List<String> linesAfter(int skip) {
        List<String> all = lines();
        return all.subList(Math.min(skip, all.size()), all.size());
    }

    long count(String text) {
        return lines().stream().filter(l -> l.contains(text)).count();
    }

    int lineCount() {
        return lines().size();
    }

    /** The pids of every process the daemon reported starting so far. */
    Set<Long> reportedPids() {
        lines();
        synchronized (childPids) {
            return Set.copyOf(childPids);
        }
    }

    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    /** Sends SIGTERM and waits for the daemon to exit; returns its exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return process.exitValue();
    }

    /** Stops the daemon and kills, by pid, every child it ever reported that is still alive. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            terminate();
        }
        lines();
        synchronized (childPids) {
            for (long pid : childPids) {
                Processes.kill(pid);
            }
        }
    }
}
