package dev.steward.manifest;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Process names are unique across programs: program {@code a} with two replicas runs {@code a-0} and {@code a-1},
 * so a program named {@code a-0} cannot run beside it (logs, stop marks and the API address processes by name).
 */
final class ProcessNames {

    private ProcessNames() {
    }

    /** Process {@code process} of {@code program} would have the name of one of {@code other}'s. */
    record Clash(ProgramSpec program, ProgramSpec other, String process) {

        /**
         * {@code program "a-0" would run a process named "a-0", and so does program "a" in a.yaml (2 replicas: a-0,
         * a-1)}, where {@code otherPlace} ("a.yaml") says where the other program is defined.
         */
        String describe(String otherPlace) {
            return "program \"" + program.name() + "\" would run a process named \"" + process + "\", and so does program \""
                    + other.name() + "\" in " + otherPlace + replicas(other);
        }

        private static String replicas(ProgramSpec program) {
            return switch (program.replicas()) {
                case 1 -> "";
                case 2 -> " (2 replicas: " + program.processName(0) + ", " + program.processName(1) + ")";
                default -> " (" + program.replicas() + " replicas: " + program.processName(0) + ", ...)";
            };
        }
    }

    /**
     * The first clash of a program of {@code changed} with another program, of {@code unchanged} or of
     * {@code changed} itself (an earlier one); {@code changed} in the order to report them, none of them also in
     * {@code unchanged}.
     */
    static Optional<Clash> find(Collection<ProgramSpec> unchanged, Collection<ProgramSpec> changed) {
        Map<String, ProgramSpec> byProcess = new HashMap<>();
        for (ProgramSpec program : unchanged) {
            for (int index = 0; index < program.replicas(); index++) {
                byProcess.putIfAbsent(program.processName(index), program);
            }
        }
        for (ProgramSpec program : changed) {
            for (int index = 0; index < program.replicas(); index++) {
                String process = program.processName(index);
                ProgramSpec other = byProcess.putIfAbsent(process, program);
                if (other != null && !other.name().equals(program.name())) {
                    return Optional.of(new Clash(program, other, process));
                }
            }
        }
        return Optional.empty();
    }
}
