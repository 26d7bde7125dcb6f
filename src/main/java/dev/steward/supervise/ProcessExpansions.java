package dev.steward.supervise;

import dev.steward.manifest.Expansions;
import dev.steward.manifest.ProgramSpec;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * supervisord's {@code %(name)s} expansions as one process of a program gets them ({@link Expansions} does the
 * formatting): the names that come from the daemon (its environment, the machine's name, the watched directory)
 * beside those of the process (its program, index and spec's environment). Owner thread only.
 */
final class ProcessExpansions {
    private final SortedMap<String, String> daemonEnvironment;
    private final String here;
    private String hostName; // null until a value names host_node_name

    /**
     * @param daemonEnvironment the daemon's environment, which the children inherit
     * @param here              what {@code %(here)s} names: the watched manifest directory (see
     *                          {@link ProcessLauncher}'s constructor)
     */
    ProcessExpansions(Map<String, String> daemonEnvironment, String here) {
        // Sorted once: each spawn's copy of a sorted map is then built in one pass, without comparisons.
        this.daemonEnvironment = Collections.unmodifiableSortedMap(new TreeMap<>(daemonEnvironment));
        this.here = here;
    }

    /** The daemon's environment, sorted. */
    SortedMap<String, String> daemonEnvironment() {
        return daemonEnvironment;
    }

    /**
     * The spec's environment for its replica {@code index}, each value expanded as supervisord expands it: with the
     * daemon's environment alone.
     *
     * @throws IllegalArgumentException naming the field, when a value cannot be expanded
     */
    Map<String, String> specEnvironment(ProgramSpec spec, int index) {
        Map<String, String> expanded = new TreeMap<>();
        spec.environment().forEach((name, value) -> expanded.put(name, Expansions.inValue(value)
                ? expandTemplate(spec, index, value, "spec.environment." + name, daemonEnvironment::get, false) : value));
        return expanded;
    }

    /**
     * What {@code %(ENV_X)s} names in the command, the directory and the log paths: the spec's environment (expanded),
     * else the daemon's, as supervisord adds each of a program's {@code environment} to its {@code ENV_} names. A view:
     * nothing is copied.
     */
    Function<String, String> variables(Map<String, String> specEnvironment) {
        if (specEnvironment.isEmpty()) {
            return daemonEnvironment::get;
        }
        return name -> specEnvironment.containsKey(name) ? specEnvironment.get(name) : daemonEnvironment.get(name);
    }

    /**
     * A value of the spec as replica {@code index} gets it: with the expansions done where it holds {@code %(} (a log
     * path, wherever it holds {@code %}, goes to {@link #expandTemplate} itself).
     *
     * @throws IllegalArgumentException naming the field, when the value names a variable neither the daemon's
     *                                  environment nor the spec's has
     */
    String expand(ProgramSpec spec, int index, String value, String field, Function<String, String> variables) {
        return Expansions.inValue(value) ? expandTemplate(spec, index, value, field, variables, true) : value;
    }

    /** @param specEnvironment whether {@code variables} holds the spec's environment too, for the error to say */
    String expandTemplate(ProgramSpec spec, int index, String template, String field,
                          Function<String, String> variables, boolean specEnvironment) {
        try {
            return Expansions.expand(template, new Expansions.Values(spec.name(), spec.processName(index), index,
                    spec.replicas(), hostName(), here, variables, specEnvironment));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }

    /** The machine's name, as supervisord's host_node_name (uname's nodename), read once it is first needed. */
    private String hostName() {
        if (hostName == null) {
            hostName = HostName.read().orElse("localhost");
        }
        return hostName;
    }
}
