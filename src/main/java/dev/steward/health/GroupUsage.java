package dev.steward.health;

import dev.steward.supervise.ProcStat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What the processes of one process group use now, summed from {@code /proc}: every child leads its own group, so a
 * program's group is the child and what it started (a shell's commands, a server's workers), unless they left it
 * ({@code setsid}). The CPU time counts the children its members have waited for, so a shell loop's short commands
 * count once they end, and a member that has ended but not yet been waited for (a zombie, whose CPU time its parent
 * takes over when it waits); it still drops when a member ends unwaited for (its parent gone, the daemon reaps it).
 *
 * @param cpuTicks   user plus system CPU, in clock ticks
 * @param rssPages   resident memory, in pages (memory shared between members counts once per member, as ps sums it)
 * @param processes  how many live processes the group has
 */
public record GroupUsage(long cpuTicks, long rssPages, int processes) {

    public double cpuSeconds() {
        return cpuTicks / (double) ProcStat.TICKS_PER_SECOND;
    }

    public long memoryBytes() {
        return rssPages * ProcStats.PAGE_SIZE;
    }

    private GroupUsage plus(GroupUsage other) {
        return new GroupUsage(cpuTicks + other.cpuTicks, rssPages + other.rssPages, processes + other.processes);
    }

    /**
     * Every process group on the machine, by its id: one pass over {@code proc}.
     *
     * @throws IOException when {@code proc} cannot be listed
     */
    public static Map<Integer, GroupUsage> scan(Path proc) throws IOException {
        Map<Integer, GroupUsage> groups = new HashMap<>();
        ProcStats stats = new ProcStats(proc);
        for (int pid : ProcStat.pids(proc)) {
            stats.stat(pid).ifPresent(stat -> {
                boolean ended = stat.state() == 'Z' || stat.state() == 'X'; // its CPU time stays until waited for
                groups.merge(stat.group(), new GroupUsage(stat.cpuTicks() + stat.reapedCpuTicks(),
                        ended ? 0 : stat.rssPages(), ended ? 0 : 1), GroupUsage::plus);
            });
        }
        return groups;
    }
}
