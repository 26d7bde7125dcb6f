package dev.steward.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Process groups summed from a /proc laid out as Linux has it. */
class GroupUsageTest {

    @TempDir
    Path proc;

    /** A stat line: its group, CPU (user, system), the CPU of children waited for, and resident pages. */
    private void process(int pid, char state, int group, int user, int system, int reaped, int rssPages) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(dir.resolve("stat"), pid + " (sh) " + state + " 1 " + group + " " + group + " 0 -1 4194560 113 0 0 0 "
                + user + " " + system + " " + reaped + " 0 20 0 1 0 5114543 2527232 " + rssPages + " 18446744073709551615 1 1 0\n");
    }

    @Test
    void eachGroupSumsItsMembersAndTheChildrenTheyWaitedFor() throws IOException {
        process(100, 'S', 100, 10, 5, 30, 200); // a shell whose commands have ended: their CPU is in its 30
        process(101, 'R', 100, 50, 0, 0, 1000);
        process(102, 'Z', 100, 7, 7, 0, 0);     // ended, not yet waited for: its CPU time is still its own
        process(200, 'S', 200, 1, 1, 0, 10);
        Files.createDirectories(proc.resolve("self"));
        Files.createDirectories(proc.resolve("300")); // ended between the listing and the reading: no stat
        Files.writeString(proc.resolve("uptime"), "1.0 1.0\n");

        Map<Integer, GroupUsage> groups = GroupUsage.scan(proc);

        assertEquals(Map.of(100, new GroupUsage(109, 1200, 2), 200, new GroupUsage(2, 10, 1)), groups);
        assertEquals(1.09, groups.get(100).cpuSeconds(), 1e-9);
        assertEquals(1200 * 4096, groups.get(100).memoryBytes());
    }

    @Test
    void aMemberThatEndsKeepsItsCpuInTheGroupUntilItsParentHasWaitedForIt() throws IOException {
        process(100, 'S', 100, 10, 0, 0, 200);
        process(101, 'R', 100, 90, 0, 0, 300);
        assertEquals(100, GroupUsage.scan(proc).get(100).cpuTicks());
        process(101, 'Z', 100, 90, 0, 0, 0);
        assertEquals(new GroupUsage(100, 200, 1), GroupUsage.scan(proc).get(100), "no dip while it is a zombie");
        Files.delete(proc.resolve("101/stat"));
        Files.delete(proc.resolve("101"));
        process(100, 'S', 100, 10, 0, 90, 200);
        assertEquals(100, GroupUsage.scan(proc).get(100).cpuTicks(), "nor once its parent has waited for it");
    }

    @Test
    void aProcThatCannotBeListedIsAnError() {
        assertThrows(IOException.class, () -> GroupUsage.scan(proc.resolve("missing")));
    }
}
