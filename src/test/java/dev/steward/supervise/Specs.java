package dev.steward.supervise;

import dev.steward.manifest.LogsSpec;
import dev.steward.manifest.ProgramSpec;
import dev.steward.manifest.RestartBackoff;
import dev.steward.manifest.RestartPolicy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Builds {@link ProgramSpec}s for tests: Steward's defaults, changed one field at a time. */
public final class Specs {
    private String name;
    private Map<String, String> labels = Map.of();
    private List<String> command = List.of("/bin/true");
    private Optional<String> directory = Optional.empty();
    private Map<String, String> environment = Map.of();
    private Optional<String> user = Optional.empty();
    private Optional<Integer> umask = Optional.empty();
    private int replicas = 1;
    private boolean autostart = true;
    private RestartPolicy restartPolicy = RestartPolicy.OnFailure;
    private Optional<RestartBackoff> restartBackoff = Optional.empty();
    private Set<Integer> exitCodes = Set.of(0);
    private int startSeconds = 1;
    private int startRetries = 3;
    private int stopSignal = 15;
    private int stopTimeoutSeconds = 10;
    private boolean stopAsGroup;
    private boolean killAsGroup;
    private int priority = 999;
    private LogsSpec logs = LogsSpec.defaults();

    private Specs(String name) {
        this.name = name;
    }

    /** A builder with the defaults for a program called {@code name}. */
    public static Specs program(String name) {
        return new Specs(name);
    }

    /** The defaults for a program called {@code name}. */
    public static ProgramSpec defaults(String name) {
        return program(name).build();
    }

    /** A builder starting from {@code spec}'s values. */
    public static Specs from(ProgramSpec spec) {
        Specs s = new Specs(spec.name());
        s.labels = spec.labels();
        s.command = spec.command();
        s.directory = spec.directory();
        s.environment = spec.environment();
        s.user = spec.user();
        s.umask = spec.umask();
        s.replicas = spec.replicas();
        s.autostart = spec.autostart();
        s.restartPolicy = spec.restartPolicy();
        s.restartBackoff = spec.restartBackoff();
        s.exitCodes = spec.exitCodes();
        s.startSeconds = spec.startSeconds();
        s.startRetries = spec.startRetries();
        s.stopSignal = spec.stopSignal();
        s.stopTimeoutSeconds = spec.stopTimeoutSeconds();
        s.stopAsGroup = spec.stopAsGroup();
        s.killAsGroup = spec.killAsGroup();
        s.priority = spec.priority();
        s.logs = spec.logs();
        return s;
    }

    public Specs name(String value) {
        name = value;
        return this;
    }

    public Specs labels(Map<String, String> value) {
        labels = value;
        return this;
    }

    public Specs command(String... argv) {
        command = List.of(argv);
        return this;
    }

    public Specs directory(String value) {
        directory = Optional.of(value);
        return this;
    }

    public Specs environment(Map<String, String> value) {
        environment = value;
        return this;
    }

    public Specs user(String value) {
        user = Optional.of(value);
        return this;
    }

    public Specs umask(int value) {
        umask = Optional.of(value);
        return this;
    }

    public Specs replicas(int value) {
        replicas = value;
        return this;
    }

    public Specs autostart(boolean value) {
        autostart = value;
        return this;
    }

    public Specs restartPolicy(RestartPolicy value) {
        restartPolicy = value;
        return this;
    }

    public Specs restartBackoff(int initialSeconds, int maxSeconds, int resetSeconds) {
        restartBackoff = Optional.of(new RestartBackoff(initialSeconds, maxSeconds, resetSeconds));
        return this;
    }

    public Specs noRestartBackoff() {
        restartBackoff = Optional.empty();
        return this;
    }

    public Specs exitCodes(Integer... codes) {
        exitCodes = Set.of(codes);
        return this;
    }

    public Specs startSeconds(int value) {
        startSeconds = value;
        return this;
    }

    public Specs startRetries(int value) {
        startRetries = value;
        return this;
    }

    public Specs stopSignal(int value) {
        stopSignal = value;
        return this;
    }

    public Specs stopTimeoutSeconds(int value) {
        stopTimeoutSeconds = value;
        return this;
    }

    public Specs stopAsGroup(boolean value) {
        stopAsGroup = value;
        return this;
    }

    public Specs killAsGroup(boolean value) {
        killAsGroup = value;
        return this;
    }

    public Specs priority(int value) {
        priority = value;
        return this;
    }

    public Specs logs(LogsSpec value) {
        logs = value;
        return this;
    }

    public ProgramSpec build() {
        return new ProgramSpec(name, labels, command, directory, environment, user, umask, replicas, autostart,
                restartPolicy, restartBackoff, exitCodes, startSeconds, startRetries, stopSignal, stopTimeoutSeconds,
                stopAsGroup, killAsGroup, priority, logs);
    }
}
