package dev.steward.manifest;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into argv the way a POSIX shell would, without running one: single quotes, double quotes
 * (where a backslash escapes {@code \ " $ `} and newline) and backslashes outside quotes. Nothing is expanded.
 *
 * <p>Because no shell runs, characters a shell would treat as operators or expansions ({@code | & ; < > ( ) $ `})
 * are rejected when unquoted: passing them on silently would make {@code "app > out.log"} start {@code app} with the
 * arguments {@code >} and {@code out.log}, which is never what was meant. supervisord's {@code %(name)} is not an
 * operator: it stays in its word, to be expanded as {@link Expansions} says.
 */
final class ShellWords {

    private static final String OPERATORS = "|&;<>()`$";

    private ShellWords() {
    }

    /**
     * The words of {@code line}.
     *
     * @throws IllegalArgumentException on an unterminated quote, a trailing backslash or an unquoted shell operator
     */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        // A word exists once anything, even an empty quoted string, was seen: '' is an empty argument.
        boolean inWord = false;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException(unterminated("single", i));
                }
                word.append(line, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i = doubleQuoted(line, i, word);
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= line.length()) {
                    throw new IllegalArgumentException(
                            "ends with a backslash; remove it or write \\\\ for a literal one");
                }
                // Backslash-newline is a line continuation in a shell: it disappears.
                if (line.charAt(i + 1) != '\n') {
                    word.append(line.charAt(i + 1));
                    inWord = true;
                }
                i += 2;
            } else if (c == '%' && expansionEnd(line, i) > 0) {
                // supervisord's %(process_num)02d, which supervisord expands before it splits the line: kept whole
                int end = expansionEnd(line, i);
                word.append(line, i, end);
                inWord = true;
                i = end;
            } else if (OPERATORS.indexOf(c) >= 0) {
                throw new IllegalArgumentException("contains an unquoted '" + c + "' at character " + (i + 1)
                        + ", which a shell would interpret but Steward runs the command without one; quote it to pass"
                        + " it literally, or use a list such as [\"sh\", \"-c\", \"...\"] to run a shell");
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** The index after {@code %(name)} at {@code at}, a name being letters, digits and '_'; 0 when there is none. */
    private static int expansionEnd(String line, int at) {
        if (!line.startsWith("%(", at)) {
            return 0;
        }
        int i = at + 2;
        while (i < line.length() && (Character.isLetterOrDigit(line.charAt(i)) || line.charAt(i) == '_')) {
            i++;
        }
        return i > at + 2 && i < line.length() && line.charAt(i) == ')' ? i + 1 : 0;
    }

    /** Appends the double-quoted string starting at {@code open} and returns the index after its closing quote. */
    private static int doubleQuoted(String line, int open, StringBuilder word) {
        int i = open + 1;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '$' || c == '`') {
                throw new IllegalArgumentException("contains '" + c + "' inside double quotes at character " + (i + 1)
                        + ", which a shell would expand but Steward runs the command without one; use single quotes"
                        + " or \\" + c + " to pass it literally");
            }
            if (c == '\\' && i + 1 < line.length() && "\\\"$`\n".indexOf(line.charAt(i + 1)) >= 0) {
                if (line.charAt(i + 1) != '\n') {
                    word.append(line.charAt(i + 1));
                }
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        throw new IllegalArgumentException(unterminated("double", open));
    }

    private static String unterminated(String kind, int index) {
        return "has an unterminated " + kind + " quote starting at character " + (index + 1)
                + "; close it, or write the command as a list of arguments";
    }
}
