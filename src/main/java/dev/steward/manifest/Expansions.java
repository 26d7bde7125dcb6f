package dev.steward.manifest;

import java.util.Optional;
import java.util.function.Function;

/**
 * Supervisor's expansions, so that a value copied from a supervisord configuration means what it meant there:
 * {@code /var/log/%(program_name)s-%(process_num)02d.log} gives each replica its own log file,
 * {@code PATH: /opt/app/bin:%(ENV_PATH)s} extends the daemon's path, {@code --port=80%(process_num)02d} gives each
 * replica its port. The syntax is Python's {@code %(name)s} formatting, as supervisord applies it:
 * {@code %(name)} then optional flags ({@code -0+ #}), a width, a precision and a length modifier, then {@code s}
 * for text or {@code d}, {@code i}, {@code u}, {@code x}, {@code X}, {@code o} for a number; {@code %%} is a literal
 * percent sign. The names are supervisord's ({@code program_name}, {@code group_name} (the program's name: a program
 * is its own group), {@code process_num}, {@code numprocs}, {@code host_node_name}, {@code here} (the directory of
 * the manifest file, as supervisord's is its configuration file's), {@code ENV_X} from the daemon's environment, and
 * in the command, directory and log paths from spec.environment's too) and {@code process_name}.
 *
 * <p>A log path is a template whenever it holds a percent sign, as in supervisord ({@link #inLogPath}); the command's
 * arguments, the environment's values and the directory only when they hold {@code %(} ({@link #inValue}), so that
 * {@code date +%s} means what it says in a manifest written for Steward. A value is checked when its manifest is read
 * ({@link #problem}) and expanded when its process starts.
 */
public final class Expansions {

    /**
     * What one process's values may name.
     *
     * @param here            what {@code %(here)s} names: the absolute directory of the program's manifest file
     * @param variables       what {@code %(ENV_X)s} names: X's value, or null when there is none
     * @param specEnvironment whether that holds spec.environment's variables (for the command, directory and log
     *                        paths) or only the daemon's (for spec.environment's own values), for the error to say
     */
    public record Values(String program, String process, int index, int replicas, String host, String here,
                         Function<String, String> variables, boolean specEnvironment) {
    }

    private static final String CONVERSIONS = "sdiuxXo";

    private static final String NAMES = "program_name, process_name, process_num, numprocs, group_name, host_node_name,"
            + " here or ENV_NAME";

    private Expansions() {
    }

    /** Whether a log path is a template: it holds a percent sign (one without is used as it is). */
    public static boolean inLogPath(String path) {
        return path.indexOf('%') >= 0;
    }

    /** Whether a command argument, an environment value or the directory is a template: it holds {@code %(}. */
    public static boolean inValue(String value) {
        return value.contains("%(");
    }

    /** Why {@code template} cannot be expanded, whatever the process; empty when it can. */
    public static Optional<String> problem(String template) {
        try {
            expand(template, null);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * A template that names nothing, as it reads: each {@code %%} a percent sign.
     *
     * @throws IllegalArgumentException when it is malformed or names something
     */
    static String literal(String template) {
        if (inValue(template)) {
            throw new IllegalArgumentException("\"" + template + "\" names an expansion; expand it for a process");
        }
        return expand(template, null); // without values, only the text and its %% are written
    }

    /**
     * The value {@code template} gives one process.
     *
     * @throws IllegalArgumentException when the template is malformed or names a variable the environment lacks
     */
    public static String expand(String template, Values values) {
        StringBuilder out = new StringBuilder(template.length() + 16);
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            if (template.startsWith("%%", i)) {
                out.append('%');
                i += 2;
                continue;
            }
            int close = template.indexOf(')', i);
            if (!template.startsWith("%(", i) || close < 0) {
                throw new IllegalArgumentException("a % must begin an expansion such as %(process_num)d, or be written"
                        + " %% for a percent sign" + at(i));
            }
            String name = template.substring(i + 2, close);
            int at = close + 1;
            int flagsEnd = skip(template, at, "-+ 0#");
            int widthEnd = skip(template, flagsEnd, "0123456789");
            int precisionEnd = widthEnd < template.length() && template.charAt(widthEnd) == '.'
                    ? skip(template, widthEnd + 1, "0123456789") : widthEnd;
            // one of Python's length modifiers, which change nothing
            int conversionAt = precisionEnd < template.length() && "hlL".indexOf(template.charAt(precisionEnd)) >= 0
                    ? precisionEnd + 1 : precisionEnd;
            if (conversionAt >= template.length()) {
                throw new IllegalArgumentException("%(" + name + ") must be followed by a conversion, s for text or d"
                        + " for a number, as in %(" + name + ")s" + at(i));
            }
            char conversion = template.charAt(conversionAt);
            if (CONVERSIONS.indexOf(conversion) < 0) {
                throw new IllegalArgumentException("%(" + name + ")" + conversion + " is not a conversion supervisord's"
                        + " expansions take: use s for text, or d (x, o) for a number, as in %(" + name + ")s" + at(i));
            }
            int width = bounded(template.substring(flagsEnd, widthEnd), 0, name, i);
            int precision = precisionEnd > widthEnd ? bounded(template.substring(widthEnd + 1, precisionEnd), 0, name, i) : -1;
            String flags = template.substring(at, flagsEnd);
            Object value = value(name, values, i);
            if (conversion != 's' && !(value instanceof Integer)) {
                throw new IllegalArgumentException("%(" + name + ")" + conversion + " needs a number, and " + name
                        + " is text: write %(" + name + ")s" + at(i));
            }
            if (values != null) {
                out.append(conversion == 's' ? text(value.toString(), flags, width, precision)
                        : number((Integer) value, conversion, flags, width, precision));
            }
            i = conversionAt + 1;
        }
        return out.toString();
    }

    /** The value of a name, or (for a check, without values) a sample of its type. */
    private static Object value(String name, Values values, int at) {
        if (name.startsWith("ENV_") && name.length() > 4) {
            if (values == null) {
                return "";
            }
            String value = values.variables().apply(name.substring(4));
            if (value == null) {
                throw new IllegalArgumentException("%(" + name + ")s names " + name.substring(4) + ", which the daemon's"
                        + " environment does not have" + (values.specEnvironment() ? " nor spec.environment: set it in"
                        + " either" : " (spec.environment's values name only the daemon's, as in supervisord): set it"
                        + " where the daemon starts") + ", or write the value out" + at(at));
            }
            return value;
        }
        switch (name) {
            case "program_name", "group_name":
                return values == null ? "" : values.program();
            case "process_name":
                return values == null ? "" : values.process();
            case "process_num":
                return values == null ? 0 : values.index();
            case "numprocs":
                return values == null ? 0 : values.replicas();
            case "host_node_name":
                return values == null ? "" : values.host();
            case "here":
                return values == null ? "" : values.here();
            default:
                throw new IllegalArgumentException("unknown expansion %(" + name + "); use " + NAMES + ", or, to pass it"
                        + " as written (a format of the program's own), double its percent sign: %%(" + name + ")" + at(at));
        }
    }

    /**
     * Where in the value a malformed expansion begins. The value itself is never quoted: it may be a password, and a
     * rejected file's first error is in the readiness check's answer, which needs no token.
     */
    private static String at(int index) {
        return " (at character " + (index + 1) + " of the value)";
    }

    private static int skip(String s, int from, String allowed) {
        int i = from;
        while (i < s.length() && allowed.indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        return i;
    }

    /** A width or precision: at most 999 (a value is no place for more), empty for {@code empty}. */
    private static int bounded(String digits, int empty, String name, int at) {
        String significant = digits.replaceFirst("^0+(?=.)", "");
        if (significant.length() > 3) {
            throw new IllegalArgumentException("%(" + name + ") asks for a width or precision over 999; use at most 999"
                    + at(at));
        }
        return digits.isEmpty() ? empty : Integer.parseInt(significant);
    }

    /** Python's {@code %s}: cut to the precision, padded to the width (on the right with {@code -}). */
    private static String text(String value, String flags, int width, int precision) {
        String cut = precision >= 0 && value.length() > precision ? value.substring(0, precision) : value;
        return pad(cut, "", flags.indexOf('-') >= 0, false, width);
    }

    /**
     * Python's {@code %d} (and {@code i}, {@code u}, {@code x}, {@code X}, {@code o}): digits to the precision, a
     * sign as the flags say ({@code #} adds {@code 0x} or {@code 0o}), padded to the width.
     */
    private static String number(int value, char conversion, String flags, int width, int precision) {
        long magnitude = Math.abs((long) value);
        String base = switch (conversion) {
            case 'x' -> Long.toHexString(magnitude);
            case 'X' -> Long.toHexString(magnitude).toUpperCase(java.util.Locale.ROOT);
            case 'o' -> Long.toOctalString(magnitude);
            default -> Long.toString(magnitude);
        };
        StringBuilder digits = new StringBuilder(base);
        while (digits.length() < precision) {
            digits.insert(0, '0');
        }
        String prefix = flags.indexOf('#') < 0 ? "" : conversion == 'x' ? "0x" : conversion == 'X' ? "0X"
                : conversion == 'o' ? "0o" : "";
        String sign = (value < 0 ? "-" : flags.indexOf('+') >= 0 ? "+" : flags.indexOf(' ') >= 0 ? " " : "") + prefix;
        boolean left = flags.indexOf('-') >= 0;
        return pad(digits.toString(), sign, left, !left && flags.indexOf('0') >= 0, width);
    }

    private static String pad(String body, String sign, boolean left, boolean zeros, int width) {
        int missing = width - sign.length() - body.length();
        if (missing <= 0) {
            return sign + body;
        }
        String fill = (zeros ? "0" : " ").repeat(missing);
        return left ? sign + body + fill : zeros ? sign + fill + body : fill + sign + body;
    }
}
