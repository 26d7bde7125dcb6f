package dev.steward.supervise;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Linux signal names and numbers, as written in manifests ({@code stopSignal: TERM}) and shown to users.
 *
 * <p>Every standard Linux signal has its name (a crash shows as {@code SIGSEGV}, not {@code SIG11}); error
 * messages list the ones a program is likely to be stopped with. Any number from 1 to 64 is accepted so that
 * programs listening for real-time signals can still be stopped the way they expect.
 */
public final class Signals {

    /** Highest Linux signal number (SIGRTMAX). */
    public static final int MAX = 64;
    /** The lowest real-time signal a program may use under glibc (SIGRTMIN). */
    private static final int RTMIN = 34;
    static final int CONT = 18;

    /** Linux (x86-64 and arm64) numbers; the order is the one error messages list them in. */
    private static final Map<String, Integer> NUMBERS = new LinkedHashMap<>();

    static {
        NUMBERS.put("HUP", 1);
        NUMBERS.put("INT", 2);
        NUMBERS.put("QUIT", 3);
        NUMBERS.put("KILL", 9);
        NUMBERS.put("USR1", 10);
        NUMBERS.put("USR2", 12);
        NUMBERS.put("ALRM", 14);
        NUMBERS.put("TERM", 15);
        NUMBERS.put("CONT", 18);
        NUMBERS.put("STOP", 19);
        NUMBERS.put("TSTP", 20);
        NUMBERS.put("WINCH", 28);
    }

    /** The other standard ones: named in what a process died of, accepted, not listed in messages. */
    private static final Map<String, Integer> OTHERS = Map.ofEntries(Map.entry("ILL", 4), Map.entry("TRAP", 5),
            Map.entry("ABRT", 6), Map.entry("BUS", 7), Map.entry("FPE", 8), Map.entry("SEGV", 11), Map.entry("PIPE", 13),
            Map.entry("STKFLT", 16), Map.entry("CHLD", 17), Map.entry("TTIN", 21), Map.entry("TTOU", 22),
            Map.entry("URG", 23), Map.entry("XCPU", 24), Map.entry("XFSZ", 25), Map.entry("VTALRM", 26),
            Map.entry("PROF", 27), Map.entry("IO", 29), Map.entry("PWR", 30), Map.entry("SYS", 31));

    private static final Map<Integer, String> NAMES = new HashMap<>();

    static {
        NUMBERS.forEach((name, number) -> NAMES.put(number, name));
        OTHERS.forEach((name, number) -> NAMES.put(number, name));
    }

    private Signals() {
    }

    /**
     * The number of a signal given as a name ({@code TERM}, {@code SIGTERM}, {@code term}) or a number ({@code "15"}).
     *
     * @throws IllegalArgumentException naming the accepted values when {@code nameOrNumber} is neither
     */
    public static int parse(String nameOrNumber) {
        String text = nameOrNumber == null ? "" : nameOrNumber.trim();
        if (!text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // Length guard first: a long digit string would overflow Integer.parseInt.
            if (text.length() <= 3) {
                int number = Integer.parseInt(text);
                if (number >= 1 && number <= MAX) {
                    return number;
                }
            }
            throw new IllegalArgumentException("signal number " + text + " is out of range; use a number from 1 to "
                    + MAX + " or one of " + acceptedNames());
        }
        String name = text.toUpperCase(Locale.ROOT);
        if (name.startsWith("SIG")) {
            name = name.substring(3);
        }
        Integer number = NUMBERS.getOrDefault(name, OTHERS.get(name));
        if (number == null) {
            number = realTime(name);
        }
        if (number == null) {
            throw new IllegalArgumentException("unknown signal \"" + nameOrNumber + "\"; use one of " + acceptedNames()
                    + " (with or without SIG), another Linux signal's name (RTMIN+3 and RTMAX-2 too), or a number from 1 to "
                    + MAX);
        }
        return number;
    }

    /**
     * {@code RTMIN}, {@code RTMIN+3}, {@code RTMAX-2}, {@code RTMAX}: the real-time signals as {@code kill -l} names
     * them, glibc's SIGRTMIN being 34 (it keeps 32 and 33 for itself); null for any other name.
     */
    private static Integer realTime(String name) {
        int base = name.startsWith("RTMIN") ? RTMIN : name.startsWith("RTMAX") ? MAX : -1;
        if (base < 0) {
            return null;
        }
        String offset = name.substring(5);
        if (offset.isEmpty()) {
            return base;
        }
        char sign = offset.charAt(0);
        String digits = offset.substring(1);
        if ((sign != (base == RTMIN ? '+' : '-')) || digits.isEmpty() || digits.length() > 2
                || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        int number = base == RTMIN ? RTMIN + Integer.parseInt(digits) : MAX - Integer.parseInt(digits);
        return number >= RTMIN && number <= MAX ? number : null;
    }

    /**
     * The short name of {@code number} ({@code "TERM"}; a real-time one as {@code kill -l} names it, {@code "RTMIN+3"},
     * which {@link #parse} takes back), or the number itself as text when it has no name here (32 and 33, glibc's own).
     */
    public static String name(int number) {
        String name = NAMES.get(number);
        if (name != null) {
            return name;
        }
        if (number >= RTMIN && number <= MAX) {
            int fromMin = number - RTMIN;
            int toMax = MAX - number;
            // kill -l counts up from RTMIN to the middle (RTMIN+15), and down from RTMAX after it
            return fromMin == 0 ? "RTMIN" : toMax == 0 ? "RTMAX" : fromMin <= (MAX - RTMIN) / 2 ? "RTMIN+" + fromMin
                    : "RTMAX-" + toMax;
        }
        return Integer.toString(number);
    }

    /**
     * Whether SIGCONT follows {@code stopSignal} when a process is stopped with it, as systemd sends it (systemd.kill(5)): a
     * process stopped by job control ({@code kill -STOP}, Ctrl-Z) cannot act on a stop signal it catches until it is
     * continued, and would otherwise be killed after its whole stop timeout. Not after KILL, which ends a stopped process
     * anyway, nor after CONT itself, nor after a stop signal that stops a process (STOP, TSTP, TTIN, TTOU): CONT would undo
     * it.
     */
    static boolean continuedAfter(int stopSignal) {
        return switch (stopSignal) {
            case 9, 18, 19, 20, 21, 22 -> false; // KILL, CONT, STOP, TSTP, TTIN, TTOU
            default -> true;
        };
    }

    private static String acceptedNames() {
        return String.join(", ", NUMBERS.keySet());
    }
}
