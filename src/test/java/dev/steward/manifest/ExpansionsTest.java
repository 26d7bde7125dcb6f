package dev.steward.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Supervisor's %(name)s expansions in log paths and other values, formatted as Python formats them. */
class ExpansionsTest {

    private static final Expansions.Values WEB_3 = new Expansions.Values("web", "web-3", 3, 12, "box",
            "/etc/steward/manifests", Map.of("LOGDIR", "/srv/logs")::get, true);

    private static String expand(String path) {
        return Expansions.expand(path, WEB_3);
    }

    @Test
    void supervisordsNamesForALogFile() {
        assertEquals("/var/log/web-03.log", expand("/var/log/%(program_name)s-%(process_num)02d.log"));
        assertEquals("/var/log/web/web-3-of-12.log", expand("/var/log/%(group_name)s/%(process_name)s-of-%(numprocs)d.log"));
        assertEquals("/srv/logs/box.log", expand("%(ENV_LOGDIR)s/%(host_node_name)s.log"));
        assertEquals("/var/log/100%/3.log", expand("/var/log/100%%/%(process_num)i.log"));
        assertEquals("/var/log/plain.log", expand("/var/log/plain.log"));
        assertFalse(Expansions.inLogPath("/var/log/plain.log"));
        assertTrue(Expansions.inLogPath("/var/log/%(process_num)d.log"));
        assertTrue(Expansions.inLogPath("/var/log/100%%.log"), "a log path is supervisord's template for any %");
    }

    @Test
    void otherValuesAreTemplatesOnlyWhenTheyHoldAnExpansion() {
        assertFalse(Expansions.inValue("date +%s"), "a command written for Steward means what it says");
        assertFalse(Expansions.inValue("100%%"));
        assertTrue(Expansions.inValue("--port=80%(process_num)02d"));
        assertEquals("--port=8003", expand("--port=80%(process_num)02d"));
        assertEquals("/opt/bin:/srv/logs 100%", expand("/opt/bin:%(ENV_LOGDIR)s 100%%"));
    }

    @Test
    void widthsFlagsAndPrecisionsAsPythonHasThem() {
        // Python: '%(n)5d|%(n)-5d|%(n)+d|%(n)05d|%(n).3d' % {'n': 3}
        assertEquals("    3|3    |+3|00003|003", expand("%(process_num)5d|%(process_num)-5d|%(process_num)+d"
                + "|%(process_num)05d|%(process_num).3d"));
        // Python: '%(s)6s|%(s)-6s|%(s).2s' % {'s': 'web'}
        assertEquals("   web|web   |we", expand("%(program_name)6s|%(program_name)-6s|%(program_name).2s"));
        assertEquals("3", expand("%(process_num)s"), "a number as text");
        // Python: '%(n)#06x|%(n)X|%(n)#o|%(n)ld|%(n).0000003d|%(n)u|%(n)-#6x|%(n)+#x' % {'n': 255}
        Expansions.Values web255 = new Expansions.Values("web", "web-255", 255, 300, "box", "/m", name -> null,
                true);
        assertEquals("0x00ff|FF|0o377|255|255|255|0xff  |+0xff", Expansions.expand("%(process_num)#06x"
                + "|%(process_num)X|%(process_num)#o|%(process_num)ld|%(process_num).0000003d|%(process_num)u"
                + "|%(process_num)-#6x|%(process_num)+#x", web255));
        // Python: '%(n).log' % {'n': 3}: a precision, the length modifier l, then o for octal
        assertEquals("3g", expand("%(process_num).log"));
    }

    @Test
    void hereIsTheManifestsDirectoryFormattedAsText() {
        assertEquals(Optional.empty(), Expansions.problem("%(here)s/web.log"));
        assertEquals("/etc/steward/manifests/bin", expand("%(here)s/bin"));
        assertEquals("/etc/steward/manifests/logs/web-03.log", expand("%(here)s/logs/%(program_name)s-%(process_num)02d.log"));
        // Python: '%(h)-24s|%(h).4s|%(h)26s' % {'h': '/etc/steward/manifests'}
        assertEquals("/etc/steward/manifests  |/etc|    /etc/steward/manifests",
                expand("%(here)-24s|%(here).4s|%(here)26s"));
        assertTrue(Expansions.problem("%(here)d").orElseThrow().startsWith("%(here)d needs a number, and here is text"));
        assertEquals("/srv/100%/app", Expansions.expand("%(here)s/app", new Expansions.Values("web", "web", 0, 1, "box",
                "/srv/100%", name -> null, true)), "a percent sign in the directory is not read as a format");
    }

    @Test
    void malformedPathsSayWhatToWrite() {
        assertEquals(Optional.empty(), Expansions.problem("/var/log/%(program_name)s-%(process_num)02d.log"));
        assertTrue(Expansions.problem("/var/log/%(proces_num)d.log").orElseThrow()
                .startsWith("unknown expansion %(proces_num); use program_name, process_name, process_num"));
        assertTrue(Expansions.problem("/var/log/50%.log").orElseThrow()
                .startsWith("a % must begin an expansion such as %(process_num)d, or be written %% for a percent sign"));
        assertTrue(Expansions.problem("/var/log/%(process_num.log").orElseThrow().startsWith("a % must begin"));
        assertTrue(Expansions.problem("/var/log/%(process_num)").orElseThrow()
                .startsWith("%(process_num) must be followed by a conversion, s for text or d for a number"));
        assertTrue(Expansions.problem("/var/log/%(process_num)f.log").orElseThrow()
                .startsWith("%(process_num)f is not a conversion supervisord's expansions take: use s for text, or d (x, o) for a"
                        + " number"));
        assertTrue(Expansions.problem("/var/log/%(program_name)d.log").orElseThrow()
                .startsWith("%(program_name)d needs a number, and program_name is text: write %(program_name)s"));
        assertTrue(Expansions.problem("%(heer)s/web.log").orElseThrow().startsWith("unknown expansion %(heer); use"
                + " program_name, process_name, process_num, numprocs, group_name, host_node_name, here or ENV_NAME"));
        assertTrue(Expansions.problem("%(process_num)99999d").orElseThrow().contains("over 999"));
        assertTrue(Expansions.problem("%(process_num)hhd").orElseThrow().startsWith("%(process_num)h is not a"
                + " conversion"), "one length modifier, as Python takes");
        assertEquals(Optional.empty(), Expansions.problem("%(ENV_ANY)s/web.log"), "checked when a process starts");
    }

    @Test
    void aVariableTheDaemonLacksFailsTheExpansionByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> expand("%(ENV_NOPE)s/web.log"));
        assertTrue(e.getMessage().startsWith("%(ENV_NOPE)s names NOPE, which the daemon's environment does not have nor"
                + " spec.environment: set it in either, or write the value out"), e.getMessage());
        Expansions.Values ofAnEnvironmentValue = new Expansions.Values("web", "web-3", 3, 12, "box", "/m", name -> null,
                false);
        IllegalArgumentException inEnvironment = assertThrows(IllegalArgumentException.class,
                () -> Expansions.expand("%(ENV_NOPE)s", ofAnEnvironmentValue));
        assertTrue(inEnvironment.getMessage().startsWith("%(ENV_NOPE)s names NOPE, which the daemon's environment does not"
                + " have (spec.environment's values name only the daemon's, as in supervisord): set it where the daemon"
                + " starts"), inEnvironment.getMessage());
        IllegalArgumentException inSecret = assertThrows(IllegalArgumentException.class,
                () -> Expansions.expand("hunter2%(ENV_NOPE)s", ofAnEnvironmentValue));
        assertFalse(inSecret.getMessage().contains("hunter2"), "the value may be a password: " + inSecret.getMessage());
    }
}
