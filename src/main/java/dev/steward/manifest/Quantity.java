package dev.steward.manifest;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as written in manifests: {@code 1048576}, {@code 512Ki}, {@code 50Mi}, {@code 50MB}, {@code 1G}
 * ({@code KiB}, {@code MiB} and {@code GiB} are accepted too).
 *
 * <p>Every suffix is a power of 1024, as in Supervisor ({@code logfile_maxbytes=50MB} means 50 MiB), so that
 * {@code 50MB} and {@code 50Mi} mean the same and configurations carried over from Supervisor keep their sizes.
 * Suffixes are case-insensitive ({@code 10kb} is accepted, as Supervisor does).
 */
public final class Quantity {

    private static final Pattern SIZE = Pattern.compile("([0-9]+)\\s*([A-Za-z]*)");

    private static final Map<String, Long> MULTIPLIERS = Map.ofEntries(
            Map.entry("", 1L),
            Map.entry("K", 1L << 10), Map.entry("KB", 1L << 10), Map.entry("KI", 1L << 10), Map.entry("KIB", 1L << 10),
            Map.entry("M", 1L << 20), Map.entry("MB", 1L << 20), Map.entry("MI", 1L << 20), Map.entry("MIB", 1L << 20),
            Map.entry("G", 1L << 30), Map.entry("GB", 1L << 30), Map.entry("GI", 1L << 30), Map.entry("GIB", 1L << 30));

    private static final String FORMS = "a whole number of bytes, or a number followed by K, KB, Ki, M, MB, Mi, G, GB"
            + " or Gi (all multiples of 1024), e.g. 50Mi";

    private Quantity() {
    }

    /**
     * The number of bytes {@code text} stands for.
     *
     * @throws IllegalArgumentException saying what is accepted when {@code text} is negative, fractional,
     *                                  has an unknown suffix or does not fit in a {@code long}
     */
    public static long parseBytes(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.startsWith("-")) {
            throw new IllegalArgumentException("must not be negative (got \"" + text + "\"); use 0 or more, e.g. 50Mi");
        }
        Matcher matcher = SIZE.matcher(trimmed);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("is not a byte size (got \"" + text + "\"); use " + FORMS);
        }
        Long multiplier = MULTIPLIERS.get(matcher.group(2).toUpperCase(Locale.ROOT));
        if (multiplier == null) {
            throw new IllegalArgumentException("has an unknown unit \"" + matcher.group(2) + "\" (got \"" + text
                    + "\"); use " + FORMS);
        }
        try {
            return Math.multiplyExact(Long.parseLong(matcher.group(1)), multiplier);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("is too large (got \"" + text + "\"); use at most "
                    + Long.MAX_VALUE + " bytes");
        }
    }
}
