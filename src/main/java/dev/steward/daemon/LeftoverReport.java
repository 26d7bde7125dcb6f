package dev.steward.daemon;

import dev.steward.events.Event;
import dev.steward.supervise.ChildLedger.Entry;
import dev.steward.supervise.LeftoverChildren;
import dev.steward.supervise.Signals;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Says on the console, as it happens, what is done with the children an earlier daemon left running, and
 * keeps one event per child for the history, which only exists once they are dealt with.
 */
final class LeftoverReport implements LeftoverChildren.Listener {
    /** Processes named in the first line; a thousand would make it unreadable. */
    private static final int NAMED = 10;

    private final Clock clock;
    private final List<Occurrence> occurrences = new ArrayList<>();
    /** Children gone whose process group is still waited for: what follows about them is about the group. */
    private final Set<Entry> groupsLeft = new HashSet<>();
    private String previous = "the previous daemon";

    /** An event and when it happened. */
    record Occurrence(Event event, Instant at) {
    }

    LeftoverReport(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void found(long daemonPid, List<Entry> running) {
        previous = daemonPid > 0 ? "the previous daemon (pid " + daemonPid + ")" : previous;
        if (running.isEmpty()) {
            Console.info(previous + " ended without stopping its programs (killed or crashed); none of its processes is still"
                    + " running");
            return;
        }
        String named = running.stream().limit(NAMED).map(child -> child.process() + " (pid " + child.pid() + ")")
                .collect(Collectors.joining(", "));
        int more = running.size() - NAMED;
        boolean one = running.size() == 1;
        Console.warn(previous + " ended without stopping its programs (killed or crashed), and " + running.size() + " of its"
                + " processes still " + (one ? "runs" : "run") + ": " + named + (more > 0 ? " and " + more + " more" : "")
                + (one ? "; stopping it with its program's stop signal" : "; stopping them with their programs' stop signals")
                + " before anything starts, so that no program runs twice");
    }

    @Override
    public void groupLeft(Entry child) {
        groupsLeft.add(child);
        Console.warn(child.process() + ": pid " + child.pid() + ", left running by " + previous + ", has gone, but its process"
                + " group " + child.pid() + " still has processes (killAsGroup): waiting for them");
    }

    @Override
    public void killing(Entry child) {
        String after = child.stopTimeoutSeconds() + " s after SIG" + Signals.name(child.stopSignal());
        Console.warn(child.process() + ": " + (groupsLeft.contains(child)
                ? "the process group " + child.pid() + ", which pid " + child.pid() + " led and " + previous + " left running,"
                        + " still has processes " + after + "; sending SIGKILL to it"
                : "pid " + child.pid() + ", left running by " + previous + ", is still running " + after + "; sending SIGKILL"
                        + (child.killAsGroup() ? " to its process group" : "")));
    }

    @Override
    public void stopped(Entry child, boolean killed) {
        boolean group = groupsLeft.contains(child);
        add(child, true, "stopped pid " + child.pid() + (group ? " and the rest of its process group" : "") + ", which " + previous
                + " left running when it ended without stopping it" + (killed ? group ? " (the group took SIGKILL)" : " (it took SIGKILL)" : ""));
    }

    @Override
    public void stuck(Entry child, boolean denied) {
        boolean group = groupsLeft.contains(child);
        String why = denied ? "the daemon may not signal " + (group ? "them (they run" : "it (it runs") + " as another user now?)"
                : (group ? "they are" : "it is") + " still there " + LeftoverChildren.AFTER_KILL_SECONDS + " s after SIGKILL"
                + " (stuck in the kernel?)";
        if (group) {
            add(child, false, "the process group " + child.pid() + ", which pid " + child.pid() + " led and " + previous
                    + " left running, was not stopped: " + why + "; its program starts anyway: look at them with `pgrep -a -g "
                    + child.pid() + "`");
            return;
        }
        add(child, false, "pid " + child.pid() + ", left running by " + previous + ", was not stopped: " + why + "; its program"
                + " starts anyway, and the next daemon tries again: look at it with `ps -o pid,user,stat,wchan,args -p "
                + child.pid() + "`");
    }

    @Override
    public void elsewhere(long daemonPid, Path aside) {
        Console.warn("the previous daemon" + (daemonPid > 0 ? " (pid " + daemonPid + ")" : "") + " kept its list of children in"
                + " another pid or time namespace (a container sharing this state directory?), where its pids mean other"
                + " processes: none of them was stopped, and the list was moved to " + aside + "; if that daemon left"
                + " processes running, stop them from where it ran");
    }

    /** What happened, in order, for the event history. */
    List<Occurrence> occurrences() {
        return List.copyOf(occurrences);
    }

    private void add(Entry child, boolean stopped, String detail) {
        Event event = new Event.LeftoverProcess(child.process(), detail, stopped);
        Console.warn(event.toString());
        occurrences.add(new Occurrence(event, clock.instant()));
    }
}
