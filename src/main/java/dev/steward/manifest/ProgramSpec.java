package dev.steward.manifest;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One validated program manifest: everything Steward needs to run {@code replicas} processes of it.
 * Immutable; two specs are compared by value to decide what a change must restart.
 *
 * @param name        DNS label, unique across the manifest directory
 * @param labels      free-form labels for selectors
 * @param command     argv; {@code command.get(0)} is resolved against PATH when it has no slash
 * @param directory   working directory, empty for the daemon's own
 * @param environment extra environment on top of the daemon's
 * @param user        user to run as (daemon must be root), empty for the daemon's user
 * @param umask       umask for the child, empty to inherit
 * @param restartBackoff waits between the automatic restarts of a crash loop; empty to restart at once, as
 *                    supervisord does
 */
public record ProgramSpec(
        String name,
        Map<String, String> labels,
        List<String> command,
        Optional<String> directory,
        Map<String, String> environment,
        Optional<String> user,
        Optional<Integer> umask,
        int replicas,
        boolean autostart,
        RestartPolicy restartPolicy,
        Optional<RestartBackoff> restartBackoff,
        Set<Integer> exitCodes,
        int startSeconds,
        int startRetries,
        int stopSignal,
        int stopTimeoutSeconds,
        boolean stopAsGroup,
        boolean killAsGroup,
        int priority,
        LogsSpec logs) {

    /**
     * The most processes one program may ask for, in a manifest or through scale: a bound on a typo
     * ({@code replicas: 50000000} would take the daemon's whole heap before a single spawn).
     */
    public static final int MAX_REPLICAS = 10_000;

    public ProgramSpec {
        labels = Map.copyOf(labels);
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        exitCodes = Set.copyOf(exitCodes);
    }

    /**
     * A hash of every field, the same in every JVM (the maps and sets sorted first: their own order is
     * randomized per run): what a process stopped by hand was stopped under, so that a change made while
     * the daemon was down ends it.
     */
    /**
     * The form of {@link #fingerprint()}: raise it with any change to what the fingerprint covers (a field, a
     * default), so that marks made by an earlier version are kept rather than taken for a changed manifest.
     */
    public static final int FINGERPRINT_VERSION = 1;

    public String fingerprint() {
        String canonical = String.join("\u0000", name, new TreeMap<>(labels).toString(), command.toString(),
                directory.toString(), new TreeMap<>(environment).toString(), user.toString(), umask.toString(),
                Integer.toString(replicas), Boolean.toString(autostart), restartPolicy.name(), new TreeSet<>(exitCodes).toString(),
                Integer.toString(startSeconds), Integer.toString(startRetries), Integer.toString(stopSignal),
                Integer.toString(stopTimeoutSeconds), Boolean.toString(stopAsGroup), Boolean.toString(killAsGroup),
                Integer.toString(priority), logs.toString())
                // Only when set: a spec without it keeps the fingerprint an earlier version gave it, so no new form.
                + restartBackoff.map(backoff -> "\u0000" + backoff).orElse("");
        // FNV-1a, 64 bits: stable and cheap (a MessageDigest would load the security providers into the daemon
        // at its first stop); telling two versions of one program apart needs no more.
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < canonical.length(); i++) {
            hash = (hash ^ canonical.charAt(i)) * 0x100000001b3L;
        }
        return FINGERPRINT_VERSION + ":" + String.format("%016x", hash);
    }

    /** The fields a running child was started with: when any differs, its processes must restart. */
    public LaunchSettings launchSettings() {
        return new LaunchSettings(command, directory, environment, user, umask,
                logs.stdout().file(), logs.stderr().file(), logs.redirectStderr());
    }

    /** Process name of instance {@code index}: the program name alone when it has one replica. */
    public String processName(int index) {
        return replicas == 1 ? name : name + "-" + index;
    }

    /** Fields that restart a program's processes when they change (see README, "How reconcile decides"). */
    public record LaunchSettings(List<String> command, Optional<String> directory, Map<String, String> environment,
                                 Optional<String> user, Optional<Integer> umask,
                                 String stdoutFile, String stderrFile, boolean redirectStderr) {
    }
}
