package dev.steward.daemon;

import dev.steward.supervise.RawText;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment the daemon was started with, as its children inherit it: read from {@code /proc/self/environ} as
 * UTF-8. {@code System.getenv()} decodes it with the locale's charset, which is ASCII when no {@code LANG} is set (a
 * cron job, a container image without one, {@code env -i}): every byte above 127 became U+FFFD, so a child got
 * {@code caf} and two U+FFFD for {@code café}. UTF-8 survives the way in and out (the spawn encodes UTF-8), and so
 * does a value that is not UTF-8 (Latin-1's {@code caf\xe9}), its stray bytes kept as {@link RawText} escapes, as
 * supervisord keeps them.
 */
final class InheritedEnvironment {
    private static final Path SELF = Path.of("/proc/self/environ");

    private InheritedEnvironment() {
    }

    /** The daemon's environment; {@code System.getenv()} where /proc cannot be read (not Linux). */
    static Map<String, String> read() {
        try {
            return parse(Files.readAllBytes(SELF));
        } catch (IOException e) {
            return new HashMap<>(System.getenv());
        }
    }

    /**
     * {@code NAME=value} entries, each ended by a NUL, as {@link RawText}. Of a name given twice the first wins, as getenv(3) has it; an
     * entry without {@code =}, or without a name, is skipped, as the JDK skips it.
     */
    static Map<String, String> parse(byte[] environ) {
        Map<String, String> environment = new HashMap<>();
        int start = 0;
        for (int i = 0; i <= environ.length; i++) {
            if (i == environ.length || environ[i] == 0) {
                String entry = RawText.decode(environ, start, i - start);
                int equals = entry.indexOf('=');
                if (equals > 0) {
                    environment.putIfAbsent(entry.substring(0, equals), entry.substring(equals + 1));
                }
                start = i + 1;
            }
        }
        return environment;
    }
}
