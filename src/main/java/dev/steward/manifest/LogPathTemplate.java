package dev.steward.manifest;

import java.util.Map;
import java.util.Optional;

/**
 * Supervisor's expansions in a log file's path ({@code spec.logs.stdout.file}), so that a path copied from a
 * supervisord configuration means what it meant there: {@code /var/log/%(program_name)s-%(process_num)02d.log} gives
 * each replica its own file. The syntax is Python's {@code %(name)s} formatting, as supervisord applies it:
 * {@code %(name)} then optional flags ({@code -0+ #}), a width, a precision and a length modifier, then {@code s}
 * for text or {@code d}, {@code i}, {@code u}, {@code x}, {@code X}, {@code o} for a number; {@code %%} is a literal
 * percent sign. The names are supervisord's for {@code stdout_logfile}
 * ({@code program_name}, {@code group_name} (the program's name: a program is its own group), {@code process_num},
 * {@code numprocs}, {@code host_node_name}, {@code ENV_X} from the daemon's environment) and {@code process_name}.
 * A path is checked when its manifest is read ({@link #problem}) and expanded when its process starts.
 */
public final class LogPathTemplate {

    /** What one process's path may name. */
    public record Values(String program, String process, int index, int replicas, String host,
                         Map<String, String> environment) {
    }

    private static final String CONVERSIONS = "sdiuxXo";

    private static final String NAMES = "program_name, process_name, process_num, numprocs, group_name, host_node_name"
            + " or ENV_NAME";

    private LogPathTemplate() {
    }

    /** Whether {@code path} names anything to expand (a path without a percent sign is used as it is). */
    public static boolean expands(String path) {
        return path.indexOf('%') >= 0;
    }

    /** Why {@code path} cannot be expanded, whatever the process; empty when it can. */
    public static Optional<String> problem(String path) {
        try {
            expand(path, null);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * The path for one process.
     *
     * @throws IllegalArgumentException when the path is malformed or names a variable the environment lacks
     */
    public static String expand(String path, Values values) {
        StringBuilder out = new StringBuilder(path.length() + 16);
        int i = 0;
        while (i < path.length()) {
            char c = path.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            if (path.startsWith("%%", i)) {
                out.append('%');
                i += 2;
                continue;
            }
            int close = path.indexOf(')', i);
            if (!path.startsWith("%(", i) || close < 0) {
                throw new IllegalArgumentException("a % must begin an expansion such as %(process_num)d, or be written"
                        + " %% for a percent sign (at character " + (i + 1) + " of \"" + path + "\")");
            }
            String name = path.substring(i + 2, close);
            int at = close + 1;
            int flagsEnd = skip(path, at, "-+ 0#");
            int widthEnd = skip(path, flagsEnd, "0123456789");
            int precisionEnd = widthEnd < path.length() && path.charAt(widthEnd) == '.'
                    ? skip(path, widthEnd + 1, "0123456789") : widthEnd;
            // one of Python's length modifiers, which change nothing
            int conversionAt = precisionEnd < path.length() && "hlL".indexOf(path.charAt(precisionEnd)) >= 0
                    ? precisionEnd + 1 : precisionEnd;
            if (conversionAt >= path.length()) {
                throw new IllegalArgumentException("%(" + name + ") must be followed by a conversion, s for text or d"
                        + " for a number, as in %(" + name + ")s (in \"" + path + "\")");
            }
            char conversion = path.charAt(conversionAt);
            if (CONVERSIONS.indexOf(conversion) < 0) {
                throw new IllegalArgumentException("%(" + name + ")" + conversion + " is not a conversion a log path"
                        + " takes: use s for text, or d (x, o) for a number, as in %(" + name + ")s (in \"" + path + "\")");
            }
            int width = bounded(path.substring(flagsEnd, widthEnd), 0, name, path);
            int precision = precisionEnd > widthEnd ? bounded(path.substring(widthEnd + 1, precisionEnd), 0, name, path) : -1;
            String flags = path.substring(at, flagsEnd);
            Object value = value(name, values, path);
            if (conversion != 's' && !(value instanceof Integer)) {
                throw new IllegalArgumentException("%(" + name + ")" + conversion + " needs a number, and " + name
                        + " is text: write %(" + name + ")s (in \"" + path + "\")");
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
    private static Object value(String name, Values values, String path) {
        if (name.startsWith("ENV_") && name.length() > 4) {
            if (values == null) {
                return "";
            }
            String value = values.environment().get(name.substring(4));
            if (value == null) {
                throw new IllegalArgumentException("%(" + name + ")s names " + name.substring(4) + ", which the daemon's"
                        + " environment does not have: set it where the daemon starts, or write the path out (in \""
                        + path + "\")");
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
                throw new IllegalArgumentException("%(here)s is not available: a relative path is taken from the"
                        + " state directory; write the manifests' directory out (in \"" + path + "\")");
            default:
                throw new IllegalArgumentException("unknown expansion %(" + name + "); use " + NAMES + " (in \"" + path
                        + "\")");
        }
    }

    private static int skip(String s, int from, String allowed) {
        int i = from;
        while (i < s.length() && allowed.indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        return i;
    }

    /** A width or precision: at most 999 (a path is no place for more), empty for {@code empty}. */
    private static int bounded(String digits, int empty, String name, String path) {
        String significant = digits.replaceFirst("^0+(?=.)", "");
        if (significant.length() > 3) {
            throw new IllegalArgumentException("%(" + name + ") asks for a width or precision over 999; use at most 999 (in \"" + path
                    + "\")");
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
