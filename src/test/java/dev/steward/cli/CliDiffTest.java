package dev.steward.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CliDiffTest {
    @Test
    void equalTextsHaveNoDiff() {
        assertEquals("", UnifiedDiff.diff("a", "x\ny\n", "b", "x\ny\n"));
        assertEquals("", UnifiedDiff.diff("a", "", "b", ""));
    }

    @Test
    void oneChangedLineWithThreeLinesOfContext() {
        String before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        String after = "1\n2\n3\n4\nFIVE\n6\n7\n8\n9\n";
        assertEquals("""
                --- a
                +++ b
                @@ -2,7 +2,7 @@
                 2
                 3
                 4
                -5
                +FIVE
                 6
                 7
                 8
                """, UnifiedDiff.diff("a", before, "b", after));
    }

    @Test
    void distantChangesMakeSeparateHunksAndNearOnesMerge() {
        StringBuilder before = new StringBuilder();
        for (int i = 1; i <= 20; i++) {
            before.append(i).append('\n');
        }
        String after = before.toString().replace("2\n3\n", "2\nthree\n").replace("18\n", "").replace("\n20\n", "\n20\n21\n");
        assertEquals("""
                --- a
                +++ b
                @@ -1,6 +1,6 @@
                 1
                 2
                -3
                +three
                 4
                 5
                 6
                @@ -15,6 +15,6 @@
                 15
                 16
                 17
                -18
                 19
                 20
                +21
                """, UnifiedDiff.diff("a", before.toString(), "b", after));
    }

    @Test
    void singleLineRangesOmitTheCountAndEmptySidesStartAtZero() {
        assertEquals("--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n", UnifiedDiff.diff("a", "x\n", "b", "y\n"));
        assertEquals("--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n", UnifiedDiff.diff("a", "", "b", "x\ny\n"));
        assertEquals("--- a\n+++ b\n@@ -1,2 +0,0 @@\n-x\n-y\n", UnifiedDiff.diff("a", "x\ny\n", "b", ""));
    }

    @Test
    void manifestsAreComparedAsTheDaemonReadsThemSoNotationAndDefaultsDoNotCount() {
        // the daemon's rendering: every field, sizes in bytes, signal names, command as a list
        Object live = Json.parse("""
                {"apiVersion": "steward.dev/v1", "kind": "Program", "metadata": {"name": "web", "labels": {"tier": "web"}},
                 "spec": {"command": ["python3", "-m", "http.server"], "environment": {}, "replicas": 2, "autostart": true,
                          "restartPolicy": "Always", "exitCodes": [0], "startSeconds": 1, "startRetries": 3, "stopSignal": "INT",
                          "stopTimeoutSeconds": 10, "stopAsGroup": false, "killAsGroup": false, "priority": 999,
                          "logs": {"stdout": {"file": "AUTO", "maxBytes": 10485760, "backups": 3},
                                   "stderr": {"file": "AUTO", "maxBytes": 52428800, "backups": 10}, "redirectStderr": false}}}""");
        String file = """
                apiVersion: steward.dev/v1
                kind: Program
                metadata:
                  name: web
                  labels: {tier: web}   # a comment
                spec:
                  command: python3 -m http.server
                  replicas: 2
                  restartPolicy: Always
                  stopSignal: SIGINT
                  logs:
                    stdout: {maxBytes: 10Mi, backups: 3}
                """;
        assertEquals("", DiffCommand.diff("web", live, CanonicalManifest.read(file, "web.yaml").get("web"), "web.yaml"));
        String changed = file.replace("stopSignal: SIGINT", "stopSignal: 15").replace("backups: 3", "backups: 4");
        assertEquals("""
                --- program/web\tlive
                +++ program/web\tweb.yaml
                @@ -17,7 +17,7 @@
                   - 0
                   startSeconds: 1
                   startRetries: 3
                -  stopSignal: INT
                +  stopSignal: TERM
                   stopTimeoutSeconds: 10
                   stopAsGroup: false
                   killAsGroup: false
                @@ -26,7 +26,7 @@
                     stdout:
                       file: AUTO
                       maxBytes: 10Mi
                -      backups: 3
                +      backups: 4
                     stderr:
                       file: AUTO
                       maxBytes: 50Mi
                """, DiffCommand.diff("web", live, CanonicalManifest.read(changed, "web.yaml").get("web"), "web.yaml"));
    }

    @Test
    void restartBackoffIsComparedWithItsDefaultsFilledIn() {
        Object live = Json.parse("""
                {"apiVersion": "steward.dev/v1", "kind": "Program", "metadata": {"name": "web"},
                 "spec": {"command": ["sleep", "9"], "restartPolicy": "Always",
                          "restartBackoff": {"initialSeconds": 10, "maxSeconds": 300, "resetSeconds": 600}}}""");
        String file = "{apiVersion: steward.dev/v1, kind: Program, metadata: {name: web},"
                + " spec: {command: [sleep, '9'], restartPolicy: Always, restartBackoff: {}}}";
        assertEquals("", DiffCommand.diff("web", live, CanonicalManifest.read(file, "web.yaml").get("web"), "web.yaml"));
        assertEquals("""
                --- program/web\tlive
                +++ program/web\tweb.yaml
                @@ -13,7 +13,7 @@
                   restartPolicy: Always
                   restartBackoff:
                     initialSeconds: 10
                -    maxSeconds: 300
                +    maxSeconds: 60
                     resetSeconds: 600
                   exitCodes:
                   - 0
                """, DiffCommand.diff("web", live, CanonicalManifest.read(file.replace("{}", "{maxSeconds: 60}"), "web.yaml")
                .get("web"), "web.yaml"));
        assertEquals("""
                --- program/web\tlive
                +++ program/web\tweb.yaml
                @@ -11,10 +11,6 @@
                   replicas: 1
                   autostart: true
                   restartPolicy: Always
                -  restartBackoff:
                -    initialSeconds: 10
                -    maxSeconds: 300
                -    resetSeconds: 600
                   exitCodes:
                   - 0
                   startSeconds: 1
                """, DiffCommand.diff("web", live, CanonicalManifest.read(file.replace(", restartBackoff: {}", ""), "web.yaml")
                .get("web"), "web.yaml"));
    }

    @Test
    void sizesReadAsDocsCliMdShowsThemOnBothSidesWhateverTheNotation() {
        // the daemon's manifest has bytes; the file here too, in bytes and in Supervisor's MB
        Object live = Json.parse("""
                {"apiVersion": "steward.dev/v1", "kind": "Program", "metadata": {"name": "web"},
                 "spec": {"command": ["sleep", "9"],
                          "logs": {"stdout": {"maxBytes": 10485760}, "stderr": {"maxBytes": 1000}}}}""");
        String file = """
                apiVersion: steward.dev/v1
                kind: Program
                metadata: {name: web}
                spec:
                  command: [sleep, "9"]
                  logs: {stdout: {maxBytes: 20971520}, stderr: {maxBytes: 1MB}}
                """;
        assertEquals("""
                --- program/web	live
                +++ program/web	web.yaml
                @@ -23,10 +23,10 @@
                   logs:
                     stdout:
                       file: AUTO
                -      maxBytes: 10Mi
                +      maxBytes: 20Mi
                       backups: 10
                     stderr:
                       file: AUTO
                -      maxBytes: 1000
                +      maxBytes: 1Mi
                       backups: 10
                     redirectStderr: false
                """, DiffCommand.diff("web", live, CanonicalManifest.read(file, "web.yaml").get("web"), "web.yaml"));
    }

    @Test
    void rawComparisonSortsKeys() {
        Object live = Json.parse("{\"kind\": \"Program\", \"metadata\": {\"name\": \"web\"}, \"spec\": {\"replicas\": 2, \"command\": [\"sleep\", \"9\"]}}");
        Object file = Yaml.loadAll("kind: Program\nmetadata: {name: web}\nspec:\n  command: [sleep, \"9\"]\n  replicas: 2\n", "web.yaml").get(0);
        assertEquals("", DiffCommand.rawDiff("web", live, file, "web.yaml"));
    }

    @Test
    void sizesPreferBinaryUnits() {
        assertEquals("10Mi", CanonicalManifest.size(10L << 20));
        assertEquals("1Gi", CanonicalManifest.size(1L << 30));
        assertEquals("3Ki", CanonicalManifest.size(3072));
        assertEquals(1000L, CanonicalManifest.size(1000));
        assertEquals(0L, CanonicalManifest.size(0));
    }

    @Test
    void summarySaysWhetherItRestarts() {
        assertEquals("program/web configured: restarts processes (restarting its processes one at a time (launch settings changed))",
                DiffCommand.summary(Map.of("program", "web", "action", "configured", "restarts", true,
                        "effect", "restarting its processes one at a time (launch settings changed)")));
        assertEquals("program/web unchanged", DiffCommand.summary(Map.of("program", "web", "action", "unchanged", "restarts", false)));
        assertEquals("program/web configured: restarts nothing", DiffCommand.summary(Map.of("program", "web", "action", "configured")));
        assertEquals(List.of(), Yaml.loadAll("", "empty.yaml"));
    }
}
