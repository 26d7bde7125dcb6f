package dev.steward.daemon;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * The daemon's own lines on stdout ({@code 12:00:01.234 INFO  web-0: RUNNING (pid 1234)}), in the format
 * application.properties gives Quarkus' log. They are written here rather than through the logging
 * framework because the engine starts before Quarkus: the framework holds records back until Quarkus
 * has configured it, a second or more later, and a daemon killed meanwhile would lose them.
 */
final class Console {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private Console() {
    }

    static void info(String message) {
        print("INFO ", message);
    }

    static void warn(String message) {
        print("WARN ", message);
    }

    private static void print(String level, String message) {
        PrintStream out = System.out;
        String line = TIME.format(LocalTime.now()) + " " + level + " " + message;
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
