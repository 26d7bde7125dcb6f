package dev.steward.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Label selectors as kubectl writes them: {@code k=v}, {@code k==v}, {@code k!=v}, {@code k},
 * {@code !k}, comma-separated (all must match). Checked here so a typo is a usage error (exit 2)
 * before the daemon is asked; the daemon checks again.
 */
final class Selector {
    private static final Pattern KEY = Pattern.compile("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");
    /** kubectl's {@code tier in (a,b)} and {@code env notin (dev)}. */
    private static final Pattern SET_BASED = Pattern.compile("\\s(not)?in\\s*\\(");

    private Selector() {
    }

    /** The selector with spaces around terms and operators removed; throws a usage error naming the bad term. */
    static String normalize(String selector) {
        if (selector == null || selector.isBlank()) {
            throw usage(selector == null ? "" : selector, "", "an empty selector");
        }
        if (SET_BASED.matcher(selector).find()) { // else split at its commas, into terms that say nothing useful
            throw usage(selector, "", "set-based terms (in, notin) are not supported");
        }
        List<String> terms = new ArrayList<>();
        for (String raw : selector.split(",", -1)) {
            String term = raw.strip();
            if (term.isEmpty()) {
                throw usage(selector, raw, "an empty term");
            }
            terms.add(term(selector, term));
        }
        return String.join(",", terms);
    }

    private static String term(String selector, String term) {
        if (term.startsWith("!")) {
            String key = term.substring(1).strip();
            if (!key.contains("=")) {
                checkKey(selector, term, key);
                return "!" + key;
            }
        }
        String op;
        int at;
        if ((at = term.indexOf("!=")) >= 0) {
            op = "!=";
        } else if ((at = term.indexOf("==")) >= 0) {
            op = "==";
        } else if ((at = term.indexOf('=')) >= 0) {
            op = "=";
        } else {
            checkKey(selector, term, term);
            return term;
        }
        String key = term.substring(0, at).strip();
        String value = term.substring(at + op.length()).strip();
        checkKey(selector, term, key);
        if (!VALUE.matcher(value).matches() || value.length() > 63) {
            throw usage(selector, term, "the value \"" + value + "\" is not a label value (letters, digits, '-', '_', '.'; at most 63)");
        }
        return key + op + value;
    }

    private static void checkKey(String selector, String term, String key) {
        if (key.isEmpty() || !KEY.matcher(key).matches()) {
            throw usage(selector, term, "\"" + key + "\" is not a label key");
        }
    }

    private static CliException usage(String selector, String term, String what) {
        return new CliException(StewardCli.EXIT_USAGE, "bad selector \"" + selector + "\": " + what
                + (term.isBlank() ? "" : " in \"" + term.strip() + "\"")
                + "; use k=v, k==v, k!=v, k or !k, separated by commas (e.g. -l tier=web,env!=dev)");
    }
}
