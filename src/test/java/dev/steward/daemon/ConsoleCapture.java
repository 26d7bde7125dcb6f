package dev.steward.daemon;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What the daemon's {@link Console} prints on standard output while a piece of a test runs. */
final class ConsoleCapture {
    /** A piece of a test that may throw. */
    interface Step {
        void run() throws Exception;
    }

    private ConsoleCapture() {
    }

    static String printed(Step step) throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            step.run();
        } finally {
            System.setOut(stdout);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }
}
