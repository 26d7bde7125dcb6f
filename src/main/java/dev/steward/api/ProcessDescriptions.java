package dev.steward.api;

import dev.steward.control.ProcessInfo;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Supervisor's {@code status} column ({@code supervisorctl}'s {@code _interpretProcessInfo}), so that
 * Supervisor users read the same words: {@code pid 1234, uptime 0:01:02} while RUNNING, the spawn error
 * in BACKOFF and FATAL (or {@code Exited too quickly}), the stop time or {@code Not started} when stopped, and nothing otherwise
 * (but for a STOPPING process whose own process has exited, which says that it waits for the rest of its group);
 * an automatic restart or retry waiting on its timer adds when ({@code Dec 07 08:00 AM; restarts in 40 s}), where
 * supervisord, whose waits are a second or two, says nothing.
 * A process that is stopping to go (scaled down, or its program removed) says so instead (supervisord removes a
 * program only once it has stopped, so it has no such words), and so does one that starts again once stopped.
 */
final class ProcessDescriptions {

    // Supervisor formats with strftime('%b %d %I:%M %p') in the daemon's local time.
    private static final DateTimeFormatter STOP_TIME = DateTimeFormatter.ofPattern("MMM dd hh:mm a", Locale.US);

    private ProcessDescriptions() {
    }

    static String describe(ProcessInfo info, Instant now, ZoneId zone) {
        return switch (info.removal()) {
            case SCALED_DOWN -> "scaled down; it goes once stopped";
            case REMOVED -> "its program was removed; it goes once stopped";
            case REPLACED -> "its program was removed and added again; the new one starts once all of the old one's"
                    + " processes have stopped";
            case NONE -> info.startsAgain() && info.state().equals("STOPPING") ? "it starts again once stopped"
                    : supervisorWords(info, now, zone);
        };
    }

    private static String supervisorWords(ProcessInfo info, Instant now, ZoneId zone) {
        return switch (info.state()) {
            case "RUNNING" -> "pid " + info.pid() + ", uptime "
                    + uptime(info.startedAt().map(start -> Duration.between(start, now)).orElse(Duration.ZERO));
            // Only a spawn error or an exit before startSeconds leads here; supervisord words the second so too.
            case "BACKOFF", "FATAL" -> info.spawnError().filter(error -> !error.isEmpty())
                    .orElse("Exited too quickly (process log may have details)") + due(info, "retries", now);
            case "STOPPED", "EXITED" -> (info.startedAt().isEmpty() ? "Not started"
                    : info.stoppedAt().map(stop -> STOP_TIME.format(stop.atZone(zone))).orElse("Not started"))
                    + due(info, "restarts", now);
            // STOPPING holds no pid only once its process has exited and the rest of its group (killAsGroup) is waited for.
            case "STOPPING" -> info.pid() == 0 ? "its process has exited; waiting for the rest of its process group" : "";
            default -> "";
        };
    }

    /**
     * {@code ; restarts in 40 s} after the stop time of a process whose automatic restart waits (a crash loop backing
     * off, kubectl's CrashLoopBackOff), or after the reason of one in BACKOFF; nothing when none waits. Seconds
     * rounded up: {@code in 0 s} only once it is due.
     */
    private static String due(ProcessInfo info, String what, Instant now) {
        if (info.restartAt().isEmpty()) {
            return "";
        }
        long millis = Math.max(0, Duration.between(now, info.restartAt().get()).toMillis());
        return "; " + what + " in " + (millis + 999) / 1000 + " s";
    }

    /** Python's {@code str(timedelta)}: {@code 0:01:02}, {@code 1 day, 2:03:04}, {@code 3 days, 0:00:09}. */
    static String uptime(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        long days = seconds / 86_400;
        long rest = seconds % 86_400;
        String clock = String.format(Locale.ROOT, "%d:%02d:%02d", rest / 3600, rest / 60 % 60, rest % 60);
        return days == 0 ? clock : days + (days == 1 ? " day, " : " days, ") + clock;
    }
}
