package dev.steward.api;

import dev.steward.control.LabelSelector;
import jakarta.ws.rs.core.UriInfo;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Query parameters parsed by hand: JAX-RS answers a number that does not convert with a bare 404,
 * where the API owes a 400 that names the parameter and says what it accepts.
 */
final class Params {

    private Params() {
    }

    /** An optional whole number within [min, max]. */
    static Optional<Integer> integer(String name, String value, int min, int max) {
        return wholeNumber(name, value, min, max).map(Long::intValue);
    }

    /** An optional whole number within [min, max], as large as a long. */
    static Optional<Long> wholeNumber(String name, String value, long min, long max) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String text = value.trim();
        try {
            long number = Long.parseLong(text);
            if (number >= min && number <= max) {
                return Optional.of(number);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        // "of 0 or more" to a number that is more would leave the client guessing: the end of the range is said then
        boolean unbounded = (max == Integer.MAX_VALUE || max == Long.MAX_VALUE) && !text.matches("\\+?[0-9]+");
        throw ApiException.badRequest(name + " must be a whole number " + (unbounded
                ? "of " + min + " or more" : "from " + min + " to " + max) + " (got \"" + value + "\")");
    }

    /**
     * {@code true} or {@code false} (any case); absent is false, and a bare {@code ?dryRun} or {@code ?dryRun=}
     * is true. The framework hands those two over as absent, so the raw query tells them apart: a dry run
     * asked for that way must not write.
     */
    static boolean flag(String name, String value, UriInfo uri) {
        if (value == null) {
            return givenWithoutValue(name, uri.getRequestUri().getRawQuery());
        }
        String text = value.trim().toLowerCase(Locale.ROOT);
        if (text.isEmpty() || text.equals("true")) {
            return true;
        }
        if (text.equals("false")) {
            return false;
        }
        throw ApiException.badRequest(name + " must be true or false (got \"" + value + "\")");
    }

    /** Whether the raw query holds {@code name} or {@code name=} (a flag given bare). */
    static boolean givenWithoutValue(String name, String rawQuery) {
        if (rawQuery == null) {
            return false;
        }
        for (String part : rawQuery.split("&")) {
            int equals = part.indexOf('=');
            String key;
            try {
                key = URLDecoder.decode(equals < 0 ? part : part.substring(0, equals), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                continue; // a malformed escape (x%zz) names no flag of ours
            }
            if (key.equals(name) && (equals < 0 || equals == part.length() - 1)) {
                return true;
            }
        }
        return false;
    }

    /** A label selector, parsed now so that a malformed one is a 400 naming the bad term. */
    static Optional<LabelSelector> selector(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LabelSelector.parse(value));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** Seconds, possibly fractional, more than 0 and at most a day. */
    static Duration seconds(String name, String value, Duration fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            double seconds = Double.parseDouble(value.trim());
            if (seconds > 0 && seconds <= 86_400) {
                return Duration.ofMillis(Math.round(seconds * 1000));
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest(name + " must be a number of seconds more than 0 and at most 86400, e.g. "
                + name + "=30 (got \"" + value + "\")");
    }

    /** Repeated values, each possibly a comma-separated list; blanks dropped. */
    static List<String> list(List<String> values) {
        List<String> out = new ArrayList<>();
        if (values != null) {
            values.forEach(value -> {
                for (String part : value.split(",")) {
                    if (!part.isBlank()) {
                        out.add(part.trim());
                    }
                }
            });
        }
        return out;
    }
}
