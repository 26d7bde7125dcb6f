package dev.steward.cli;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Table layout, kubectl durations, Supervisor's status columns, describe's event ages. */
class CliFormatTest {
    @Test
    void tableColumnsAreThreeSpacesApartWithNoTrailingBlanks() {
        Table t = new Table("NAME", "READY", "STATUS");
        t.row("a-much-longer-name", "1/1", "RUNNING");
        t.row("b", "0/1", "");
        t.row("c", null, null); // a field the daemon did not send: an empty cell, not an exception
        assertEquals("""
                NAME                 READY   STATUS
                a-much-longer-name   1/1     RUNNING
                b                    0/1
                c
                """, t.render());
    }

    @Test
    void shortColumnsAreAtLeastSixWide() {
        Table t = new Table("A", "B");
        t.row("x", "y");
        assertEquals("A     B\nx     y\n", t.render());
    }

    @Test
    void watchRowsKeepTheFirstWidths() {
        Table t = new Table("NAME", "STATUS");
        t.row("web-0", "RUNNING");
        assertEquals("NAME    STATUS\nweb-0   RUNNING\n", t.render());
        t.row("web-1", "STOPPED");
        assertEquals("web-1   STOPPED\n", t.renderMore());
        assertEquals("", t.renderMore());
    }

    @Test
    void agesAreKubectlsHumanDurations() {
        assertEquals("0s", Format.age(Duration.ZERO));
        assertEquals("0s", Format.age(Duration.ofSeconds(-5)));
        assertEquals("119s", Format.age(Duration.ofSeconds(119)));
        assertEquals("2m", Format.age(Duration.ofSeconds(120)));
        assertEquals("5m30s", Format.age(Duration.ofSeconds(330)));
        assertEquals("10m", Format.age(Duration.ofMinutes(10).plusSeconds(59)));
        assertEquals("179m", Format.age(Duration.ofMinutes(179)));
        assertEquals("3h", Format.age(Duration.ofMinutes(180)));
        assertEquals("7h59m", Format.age(Duration.ofMinutes(479)));
        assertEquals("8h", Format.age(Duration.ofHours(8)));
        assertEquals("47h", Format.age(Duration.ofHours(47)));
        assertEquals("2d", Format.age(Duration.ofHours(48)));
        assertEquals("3d4h", Format.age(Duration.ofHours(76)));
        assertEquals("8d", Format.age(Duration.ofDays(8)));
        assertEquals("729d", Format.age(Duration.ofDays(729)));
        assertEquals("2y5d", Format.age(Duration.ofDays(735)));
        assertEquals("9y", Format.age(Duration.ofDays(365 * 9 + 3)));
    }

    @Test
    void restartsColumnSaysWhenTheLastOneWas() {
        assertEquals("5 (30s ago)", Format.restarts(Json.parse(Fixtures.WEB_0), CliRun.NOW));
        assertEquals("0", Format.restarts(Json.parse(Fixtures.WEB_1), CliRun.NOW));
        assertEquals("3", Format.restarts(Json.parse("{\"restarts\": 3, \"lastExit\": null}"), CliRun.NOW));
    }

    @Test
    void lastExitAndCommandRendering() {
        assertEquals("exit 1 (Error)", Format.lastExit(Json.parse(Fixtures.WEB_0)));
        assertEquals("SIGKILL (Killed)", Format.lastExit(Json.parse(Fixtures.WEB_1)));
        assertEquals("<none>", Format.lastExit(Json.parse(Fixtures.HELLO)));
        assertEquals("/bin/sh -c 'echo \"hi\" it'\\''s' ''", Format.command(List.of("/bin/sh", "-c", "echo \"hi\" it's", "")));
        assertEquals("python3 -m http.server", Format.command("python3 -m http.server"));
        assertEquals("date +%s", Format.command(List.of("date", "+%s")), "no %(: every % as it is");
        assertEquals("echo 100%% '%(process_num)d'", Format.command(List.of("echo", "100%", "%(process_num)d")),
                "a line with %( is one template: it reads back as the same command only with its other % written %%");
    }

    @Test
    void aCommandLabelOrValueOfSeveralLinesKeepsTablesAndDescribeInShape() {
        // command: [/bin/sh, -c, |  (a YAML block)
        assertEquals("/bin/sh -c $'echo start\\nexec app \\'x\\' \\\\t\\n'",
                Format.command(List.of("/bin/sh", "-c", "echo start\nexec app 'x' \\t\n")));
        assertEquals("printf $'a\\tb\\x01'", Format.shellLine(List.of("printf", "a\tb\u0001")));
        assertEquals("printf $'csi\\u009b[2J'", Format.shellLine(List.of("printf", "csi\u009b[2J")),
                "a C1 control (CSI) would drive the terminal: escaped as the character it is");
        assertEquals("a\\u0085b", Format.oneLine("a\u0085b"));
        assertEquals("note=line one\\nline two,tier=web", Format.labels(Json.parse("{\"note\": \"line one\\nline two\", \"tier\": \"web\"}")));

        Table t = Views.programsTable(true);
        Views.programRow(t, Json.parse("""
                {"name": "multi", "labels": {"note": "a\\nb"}, "source": "/m/multi.yaml", "replicas": 1, "processes": [],
                 "spec": {"command": ["/bin/sh", "-c", "echo start\\nexec sleep 9\\n"]}}"""), CliRun.NOW, true);
        assertEquals(2, t.render().split("\n").length, t.render());

        Views.Describe d = new Views.Describe();
        d.add(0, "Name", "multi");
        d.add(0, "Labels", "note=line one\nline two");
        d.add(1, "Environment", "GREETING=hello\nworld");
        assertEquals("""
                Name:           multi
                Labels:         note=line one
                                line two
                  Environment:  GREETING=hello
                                world
                """, d.render());
    }

    @Test
    void yamlOutputQuotesStringsThatAReaderWouldTakeForNumbersOrBooleans() {
        Object tree = Json.parse("""
                {"labels": {"num": "007", "hex": "0x1F", "flag": "on", "yes": "yes", "n": "N", "version": "1.10", "word": "web",
                            "at": "12:30", "day": "2024-01-01", "port": "8080:80x"},
                 "replicas": 2, "autostart": true}""");
        assertEquals("""
                labels:
                  num: '007'
                  hex: '0x1F'
                  flag: 'on'
                  'yes': 'yes'
                  'n': 'N'
                  version: '1.10'
                  word: web
                  at: '12:30'
                  day: '2024-01-01'
                  port: 8080:80x
                replicas: 2
                autostart: true
                """, Yaml.dump(tree));
    }

    @Test
    void yamlOutputEscapesWhatYaml11ReadersTakeForLineBreaks() {
        // NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR: text in YAML 1.2, line breaks to PyYAML and Go's yaml.v2
        String nel = String.valueOf((char) 0x85);
        String ls = String.valueOf((char) 0x2028);
        String ps = String.valueOf((char) 0x2029);
        Object tree = Map.of("command", List.of("a" + ls + "b", "c" + nel + "d", "e" + ps + "f", "plain", "two\nlines"));
        String yaml = Yaml.dump(tree);
        String u = "\\" + "u"; // the numbered escape, which YAML 1.1 and 1.2 readers take (snakeyaml-engine reads no backslash-L)
        assertEquals("command:\n- \"a" + u + "2028b\"\n- \"c\\Nd\"\n- \"e" + u + "2029f\"\n- plain\n- |-\n  two\n  lines\n", yaml);
        assertEquals(tree, Yaml.loadAll(yaml, "out.yaml").get(0), "read back as it was");
    }

    @Test
    void statusPadsNamesToThirtyPlusThreeAndStatesToTen() {
        String out = Views.status(Json.list(Json.obj(Json.parse(Fixtures.PROCESSES)).get("items")));
        assertEquals("""
                hello                            STOPPED   Not started
                web-0                            RUNNING   pid 1234, uptime 0:01:02
                web-1                            BACKOFF   Exited too quickly (process log may have details)
                """, out);
        String longName = "a-process-name-longer-than-thirty-chars";
        String wide = Views.status(List.of(Json.parse("{\"name\": \"" + longName + "\", \"state\": \"RUNNING\", \"description\": \"pid 1\"}"),
                Json.parse("{\"name\": \"x\", \"state\": \"STOPPED\", \"description\": null}")));
        assertEquals(longName + "   RUNNING   pid 1\n" + "x" + " ".repeat(longName.length() + 2) + "STOPPED\n", wide);
    }

    @Test
    void programStatusIsTheWorstState() {
        assertEquals("BACKOFF", Views.programStatus(List.of(Json.parse("{\"state\": \"RUNNING\"}"), Json.parse("{\"state\": \"BACKOFF\"}"))));
        assertEquals("FATAL", Views.programStatus(List.of(Json.parse("{\"state\": \"STOPPED\"}"), Json.parse("{\"state\": \"FATAL\"}"))));
        assertEquals("RUNNING", Views.programStatus(List.of(Json.parse("{\"state\": \"RUNNING\"}"))));
        assertEquals("-", Views.programStatus(List.of()));
    }

    @Test
    void eventAgeAggregatesRepeats() {
        Object once = Json.parse("{\"count\": 1, \"firstTimestamp\": \"2026-11-22T04:00:02Z\", \"lastTimestamp\": \"2026-11-22T04:00:02Z\"}");
        Object five = Json.parse("{\"count\": 5, \"firstTimestamp\": \"2026-11-22T03:59:02Z\", \"lastTimestamp\": \"2026-11-22T04:01:00Z\"}");
        assertEquals("60s", Views.eventAge(once, CliRun.NOW));
        assertEquals("2s (x5 over 2m)", Views.eventAge(five, CliRun.NOW));
        assertEquals("Events:  <none>\n", Views.events(List.of(), CliRun.NOW, true));
    }

    @Test
    void fromSaysWhoReportedIt() {
        assertEquals("supervisor", Views.source(Json.parse("{\"object\": \"process/web-0\", \"reason\": \"BackOff\"}")));
        assertEquals("reconciler", Views.source(Json.parse("{\"object\": \"program/web\", \"reason\": \"Added\"}")));
        assertEquals("api", Views.source(Json.parse("{\"object\": \"program/web\", \"reason\": \"Scaled\"}")));
        assertEquals("watcher", Views.source(Json.parse("{\"object\": \"manifest/web.yaml\", \"reason\": \"InvalidManifest\"}")));
    }

    @Test
    void labelsAreTitleCase() {
        assertEquals("Stop Timeout Seconds", Views.label("stopTimeoutSeconds"));
        assertEquals("Command", Views.label("command"));
        assertEquals("Max Bytes", Views.label("maxBytes"));
    }

    @Test
    void daemonTimestampsReadByHandAsInstantParseReadsThem() {
        for (String t : List.of("2026-12-06T03:12:00Z", "2026-12-06T03:12:00.1Z", "2026-12-06T03:12:00.123456Z",
                "2026-12-06T03:12:00.123456789Z", "2024-02-29T23:59:59.000000001Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.5Z")) {
            assertEquals(Instant.parse(t), Format.utcInstant(t), t);
            assertEquals(Instant.parse(t), Format.instant(t), t);
        }
        for (String other : List.of("2026-13-06T03:12:00Z", "2025-02-29T03:12:00Z", "2026-12-06T24:00:00Z", "2026-12-06T03:60:00Z",
                "2026-12-06T03:12:00.Z", "2026-12-06T03:12:00.1234567890Z", "2026-12-06 03:12:00Z", "2026-12-06T03:12:00+01:00",
                "+2026-12-06T03:12:00Z", "2026-12-06T03:1a:00Z")) {
            assertNull(Format.utcInstant(other), other);
        }
        assertEquals(Instant.parse("2026-12-06T02:12:00Z"), Format.instant("2026-12-06T03:12:00+01:00")); // by the general parser
        assertNull(Format.instant("2026-13-06T03:12:00Z"));
    }

    @Test
    void describeDatesAsDateTimeFormatterWritesThem() {
        java.time.format.DateTimeFormatter reference = java.time.format.DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", java.util.Locale.ROOT);
        for (String zone : List.of("UTC", "Europe/Paris", "America/St_Johns", "Asia/Kolkata", "Pacific/Chatham", "America/Los_Angeles")) {
            for (String t : List.of("2026-11-22T04:00:00Z", "2026-01-01T00:00:00Z", "2024-02-29T23:59:59.999Z", "2026-07-05T09:08:07Z",
                    "1900-01-01T00:00:00Z", "+10000-01-01T00:00:00Z", "0999-12-31T12:00:00Z")) {
                java.time.ZonedDateTime at = Instant.parse(t).atZone(java.time.ZoneId.of(zone));
                assertEquals(reference.format(at), Format.describeDate(at), t + " in " + zone);
            }
        }
    }
}
