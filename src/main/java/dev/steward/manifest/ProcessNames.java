package dev.steward.manifest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Program and process names form one namespace: {@code status}, {@code stop}, {@code logs} and the API take either,
 * so each name may mean one program or one of its processes, never two programs'. Program {@code a} with two
 * replicas runs {@code a-0} and {@code a-1}, so no other program may be named {@code a-0} (whatever its replicas) or
 * run a process named {@code a-1}; a program with one replica runs one process of its own name.
 */
final class ProcessNames {

    private ProcessNames() {
    }

    /** {@code program} would take {@code name}, which {@code other} already has: as its name or a process's. */
    record Clash(ProgramSpec program, ProgramSpec other, String name) {

        /**
         * {@code program "a-0" would run a process named "a-0", and so does program "a" in a.yaml (2 replicas: a-0,
         * a-1)}, where {@code otherPlace} ("a.yaml") says where the other program is defined.
         */
        String describe(String otherPlace) {
            String where = " in " + otherPlace + replicas(other);
            if (!runs(program, name)) {
                return "program \"" + program.name() + "\" is named like a process of program \"" + other.name() + "\"" + where;
            }
            String runs = "program \"" + program.name() + "\" would run a process named \"" + name + "\", ";
            return runs + (runs(other, name) ? "and so does program \"" + other.name() + "\"" + where
                    : "which is the name of program \"" + other.name() + "\"" + where);
        }

        /** What resolves it: only what can, since a program's own replicas do not change its name. */
        String remedy() {
            if (!runs(program, name)) {
                return "rename program \"" + program.name() + "\", or give program \"" + other.name() + "\" fewer replicas";
            }
            if (!runs(other, name)) {
                return "rename program \"" + other.name() + "\", or give program \"" + program.name() + "\" fewer replicas";
            }
            return "rename one of the programs or change its replicas";
        }

        private static String replicas(ProgramSpec program) {
            int last = program.replicas() - 1;
            return switch (program.replicas()) {
                case 0 -> " (0 replicas)";
                case 1 -> "";
                case 2 -> " (2 replicas: " + program.processName(0) + ", " + program.processName(1) + ")";
                default -> " (" + program.replicas() + " replicas: " + program.processName(0) + " to " + program.processName(last) + ")";
            };
        }
    }

    /**
     * The first clash of a program of {@code changed} with another program, of {@code unchanged} or of
     * {@code changed} itself (an earlier one); {@code changed} in the order to report them, none of them also in
     * {@code unchanged}.
     */
    static Optional<Clash> find(Collection<ProgramSpec> unchanged, Collection<ProgramSpec> changed) {
        return all(unchanged, changed).stream().findFirst();
    }

    /**
     * Every clash of the programs of {@code changed}, once per pair of programs, in the order of {@link #find}: a
     * program whose processes take the names of two others clashes twice.
     */
    static List<Clash> all(Collection<ProgramSpec> unchanged, Collection<ProgramSpec> changed) {
        Map<String, ProgramSpec> taken = new HashMap<>();
        for (ProgramSpec program : unchanged) {
            for (String name : names(program)) {
                taken.putIfAbsent(name, program);
            }
        }
        List<Clash> clashes = new ArrayList<>();
        for (ProgramSpec program : changed) {
            Set<String> others = new HashSet<>();
            for (String name : names(program)) {
                ProgramSpec other = taken.putIfAbsent(name, program);
                if (other != null && !other.name().equals(program.name()) && others.add(other.name())) {
                    clashes.add(new Clash(program, other, name));
                }
            }
        }
        return clashes;
    }

    /** The names a program takes: its processes' and its own (the same when it has one replica). */
    private static List<String> names(ProgramSpec program) {
        List<String> names = new ArrayList<>();
        for (int index = 0; index < program.replicas(); index++) {
            names.add(program.processName(index));
        }
        if (!names.contains(program.name())) {
            names.add(program.name());
        }
        return names;
    }

    private static boolean runs(ProgramSpec program, String process) {
        for (int index = 0; index < program.replicas(); index++) {
            if (program.processName(index).equals(process)) {
                return true;
            }
        }
        return false;
    }
}
