package dev.steward.cli;

/** API answers shaped as docs/api.md describes them. NOW is 2026-11-22T04:01:02Z. */
final class Fixtures {
    private Fixtures() {
    }

    static final String WEB_0 = """
            {"name": "web-0", "program": "web", "index": 0, "state": "RUNNING", "stateCode": 20, "pid": 1234,
             "startedAt": "2026-11-22T04:00:00Z", "stoppedAt": null, "uptimeSeconds": 62, "restarts": 5,
             "lastExit": {"exitCode": 1, "signal": null, "expected": false, "reason": "Error", "at": "2026-11-22T04:00:32Z"},
             "spawnError": null, "stoppedByHand": false, "outdated": true, "description": "pid 1234, uptime 0:01:02",
             "stdoutLog": "/srv/.steward/logs/web-0.out.log", "stderrLog": "/srv/.steward/logs/web-0.err.log", "labels": {"tier": "frontend"}}""";

    static final String WEB_1 = """
            {"name": "web-1", "program": "web", "index": 1, "state": "BACKOFF", "stateCode": 30, "pid": 0,
             "startedAt": "2026-11-22T03:00:00Z", "stoppedAt": "2026-11-22T04:01:00Z", "uptimeSeconds": 0, "restarts": 0,
             "lastExit": {"exitCode": null, "signal": "KILL", "expected": false, "reason": "Killed", "at": "2026-11-22T04:01:00Z"},
             "spawnError": "Exited too quickly", "stoppedByHand": false, "description": "Exited too quickly (process log may have details)",
             "stdoutLog": null, "stderrLog": null, "labels": {"tier": "frontend"}}""";

    static final String HELLO = """
            {"name": "hello", "program": "hello", "index": 0, "state": "STOPPED", "stateCode": 0, "pid": 0,
             "startedAt": null, "stoppedAt": null, "uptimeSeconds": 0, "restarts": 0, "lastExit": null,
             "spawnError": null, "stoppedByHand": true, "description": "Not started",
             "stdoutLog": "/srv/.steward/logs/hello.out.log", "stderrLog": "/srv/.steward/logs/hello.err.log",
             "logError": "/srv/.steward/logs/hello.out.log: IOException: No space left on device", "labels": {}}""";

    static final String WEB = """
            {"name": "web", "labels": {"tier": "frontend"}, "source": "/srv/manifests/web.yaml", "replicas": 2, "ready": 1,
             "manifestError": "/srv/manifests/web.yaml:9:13: spec.replicas: must be 0 or more",
             "spec": {"command": ["python3", "-m", "http.server", "8080"], "directory": null, "environment": {"MODE": "prod"},
                      "replicas": 2, "restartPolicy": "Always", "exitCodes": [0], "stopSignal": "INT", "stopTimeoutSeconds": 5,
                      "logs": {"stdout": {"file": "AUTO", "maxBytes": "10Mi", "backups": 3}, "redirectStderr": false}},
             "manifest": {"apiVersion": "steward.dev/v1", "kind": "Program", "metadata": {"name": "web", "labels": {"tier": "frontend"}},
                          "spec": {"command": ["python3", "-m", "http.server", "8080"], "replicas": 2, "restartPolicy": "Always"}},
             "processes": [%s, %s]}""".formatted(WEB_0, WEB_1);

    static final String HELLO_PROGRAM = """
            {"name": "hello", "labels": {}, "source": "/srv/manifests/hello.yaml", "replicas": 1, "ready": 0,
             "spec": {"command": ["/bin/sh", "-c", "echo hi"], "replicas": 1},
             "manifest": {"apiVersion": "steward.dev/v1", "kind": "Program", "metadata": {"name": "hello"},
                          "spec": {"command": ["/bin/sh", "-c", "echo hi"]}},
             "processes": [%s]}""".formatted(HELLO);

    static final String PROGRAMS = "{\"items\": [" + HELLO_PROGRAM + ", " + WEB + "]}";
    static final String PROCESSES = "{\"items\": [" + HELLO + ", " + WEB_0 + ", " + WEB_1 + "]}";

    static final String EVENTS = """
            {"items": [
             {"id": 3, "type": "Normal", "reason": "Added", "object": "program/web", "message": "program/web added from /srv/manifests/web.yaml",
              "count": 1, "firstTimestamp": "2026-11-22T03:00:00Z", "lastTimestamp": "2026-11-22T03:00:00Z"},
             {"id": 9, "type": "Warning", "reason": "BackOff", "object": "process/web-1", "message": "Exited too quickly",
              "count": 5, "firstTimestamp": "2026-11-22T03:59:02Z", "lastTimestamp": "2026-11-22T04:01:00Z"},
             {"id": 10, "type": "Normal", "reason": "Started", "object": "process/hello", "message": "hello started",
              "count": 1, "firstTimestamp": "2026-11-22T04:00:00Z", "lastTimestamp": "2026-11-22T04:00:00Z"}]}""";
}
