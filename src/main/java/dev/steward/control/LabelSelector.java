package dev.steward.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * kubectl's equality-based label selector: {@code k=v}, {@code k==v}, {@code k!=v}, {@code k}, {@code !k}, ANDed by
 * commas. Values are taken as written, since manifests' label values are free-form ({@code a=b=c} selects {@code a: "b=c"}).
 */
public final class LabelSelector {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?");
    private final List<Term> terms;

    private record Term(String key, String value, Kind kind) {
    }

    private enum Kind { EQUALS, NOT_EQUALS, EXISTS, ABSENT }

    private LabelSelector(List<Term> terms) {
        this.terms = terms;
    }

    /** @throws IllegalArgumentException naming the bad term and the accepted syntax */
    public static LabelSelector parse(String text) {
        List<Term> terms = new ArrayList<>();
        for (String raw : text.split(",", -1)) { // -1: a trailing empty term is an error too
            String term = raw.trim();
            Term parsed;
            if (term.contains("!=")) {
                parsed = new Term(key(term.substring(0, term.indexOf("!=")), term), term.substring(term.indexOf("!=") + 2).trim(), Kind.NOT_EQUALS);
            } else if (term.contains("==")) {
                parsed = new Term(key(term.substring(0, term.indexOf("==")), term), term.substring(term.indexOf("==") + 2).trim(), Kind.EQUALS);
            } else if (term.contains("=")) {
                parsed = new Term(key(term.substring(0, term.indexOf('=')), term), term.substring(term.indexOf('=') + 1).trim(), Kind.EQUALS);
            } else if (term.startsWith("!")) {
                parsed = new Term(key(term.substring(1), term), "", Kind.ABSENT);
            } else {
                parsed = new Term(key(term, term), "", Kind.EXISTS);
            }
            terms.add(parsed);
        }
        return new LabelSelector(List.copyOf(terms));
    }

    private static String key(String candidate, String term) {
        String key = candidate.trim();
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("bad selector term \"" + term + "\"; use k=v, k!=v, k or !k, separated by commas (e.g. tier=web,env!=dev)");
        }
        return key;
    }

    public boolean matches(Map<String, String> labels) {
        for (Term term : terms) {
            String value = labels.get(term.key());
            boolean ok = switch (term.kind()) {
                case EQUALS -> term.value().equals(value);
                case NOT_EQUALS -> !term.value().equals(value);
                case EXISTS -> value != null;
                case ABSENT -> value == null;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
