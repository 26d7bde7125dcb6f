package dev.steward.control;

import java.util.Optional;

/**
 * Supervisor's names for the processes of a program with several ({@code numprocs}), as {@code process_name =
 * %(program_name)s_%(process_num)02d} makes them: {@code web_00}, {@code web_01}; here they are {@code web-0},
 * {@code web-1}. An operator who types the old name is pointed at the new one.
 */
public final class SupervisorNames {
    private SupervisorNames() {
    }

    /** {@code web-1} for {@code web_01} (or {@code web_1}); empty for a name not of that form. */
    public static Optional<String> replica(String supervisorName) {
        int underscore = supervisorName.lastIndexOf('_');
        String number = supervisorName.substring(underscore + 1);
        if (underscore <= 0 || number.isEmpty() || number.length() > 5) {
            return Optional.empty();
        }
        for (int i = 0; i < number.length(); i++) { // a loop, not a stream: the CLI asks too (logs GROUP:NAME)
            if (!Character.isDigit(number.charAt(i))) {
                return Optional.empty();
            }
        }
        return Optional.of(supervisorName.substring(0, underscore) + "-" + Integer.parseInt(number));
    }

    /** What a "no process named web_01" goes on with, once {@code replica} is known to be one. */
    public static String didYouMean(String replica) {
        return "; did you mean " + replica + "? (Supervisor's process_name web_00 is web-0 here)";
    }
}
