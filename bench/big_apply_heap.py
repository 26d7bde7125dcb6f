#!/usr/bin/env python3
"""The heap a big apply needs: BigManifestIT's scenario under each -Xmx given, for one Steward build.

A daemon reads one 1 MiB manifest of 9,500 programs (autostart: false), has one of them deleted through the API,
then gets a dry-run apply of three such files (28,500 new programs, 3 MiB) as multipart/form-data. Each -Xmx runs
its own daemon, with the JVM flags the integration tests give it, and out of heap it exits
(-XX:+ExitOnOutOfMemoryError, as bin/steward runs it). Printed per -Xmx: whether it passed, the dry run's wall time
and the daemon's CPU time for it (utime + stime of /proc/<pid>/stat), and the live heap after the first reading.

  (cd /tmp/before && ./mvnw -q package -DskipTests)    # a checkout of the build to compare, say
  bench/big_apply_heap.py target/quarkus-app 96 72 64 56 54
  bench/big_apply_heap.py /tmp/before/target/quarkus-app 96 88 80

Every daemon is stopped (TERM, then KILL) by pid when its run ends; its directory is a temporary one.
"""
import argparse
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

PROGRAMS = 9500


def programs(prefix):
    return "".join(f"---\napiVersion: steward.dev/v1\nkind: Program\nmetadata: {{name: {prefix}{i}}}\n"
                   f"spec: {{command: [x], autostart: false}}\n" for i in range(PROGRAMS))


def status(url, token, method="GET"):
    request = urllib.request.Request(url, method=method, headers={"Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return -1


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def live_mib(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True)
    info = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True).stdout
    return sum(int(k) for k in re.findall(r"(?:generation|space)\s+total \d+K, used (\d+)K", info)) // 1024


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def until(condition, daemon, seconds):
    deadline = time.time() + seconds
    while not condition():
        if daemon.poll() is not None or time.time() > deadline:
            return False
        time.sleep(0.5)
    return True


def run(app, xmx, root):
    manifests, state, uploads = (os.path.join(root, d) for d in ("m", "s", "up"))
    os.makedirs(manifests)
    os.makedirs(uploads)
    open(os.path.join(manifests, "many.yaml"), "w").write(programs("p"))
    for prefix in "abc":
        open(os.path.join(uploads, prefix + ".yaml"), "w").write(programs(prefix))
    port = free_port()
    api = f"http://127.0.0.1:{port}/api/v1/programs"
    command = ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", f"-Xmx{xmx}m", "-XX:+ExitOnOutOfMemoryError",
               "-jar", os.path.join(app, "quarkus-run.jar"), "serve", "--manifests", manifests,
               "--state-dir", state, "--listen", f"127.0.0.1:{port}"]
    # A real-time signal for HotSpot's thread suspension, as bin/steward gives it: the daemon takes SIGUSR2 itself
    environment = dict(os.environ, _JAVA_SR_SIGNUM="39")
    with open(os.path.join(root, "daemon.log"), "w") as log:
        daemon = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=environment)
    try:
        token_file = os.path.join(state, "token")
        if not until(lambda: os.path.exists(token_file) and os.path.getsize(token_file) > 0, daemon, 120):
            return "FAIL (start)", None, None, None
        token = open(token_file).read().strip()
        if not until(lambda: status(f"{api}/p{PROGRAMS - 1}", token) == 200, daemon, 240):
            return "FAIL (reading the file)", None, None, None
        live = live_mib(daemon.pid)
        status(f"{api}/p7", token, "DELETE")
        if not until(lambda: status(f"{api}/p7", token) == 404, daemon, 120):
            return "FAIL (delete)", None, None, live
        cpu = cpu_seconds(daemon.pid)
        started = time.time()
        parts = [arg for prefix in "abc" for arg in ("-F", f"file=@{os.path.join(uploads, prefix + '.yaml')}")]
        answer = subprocess.run(["curl", "-s", "-o", os.devnull, "-w", "%{http_code}", "-m", "600",
                                 "-H", "Authorization: Bearer " + token] + parts + [api + "?dryRun=true"],
                                capture_output=True, text=True).stdout
        wall = time.time() - started
        time.sleep(0.5)
        if daemon.poll() is not None or answer != "200":
            return f"FAIL (dry run: {answer})", wall, None, live
        return "pass", wall, cpu_seconds(daemon.pid) - cpu, live
    finally:
        daemon.terminate()
        try:
            daemon.wait(30)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("app", help="a build's target/quarkus-app")
    parser.add_argument("xmx", nargs="+", type=int, help="heap limits to try, in MiB")
    args = parser.parse_args()
    print("| -Xmx | result | dry run wall | daemon CPU for it | live after reading the file |")
    print("|---|---|---|---|---|")
    for xmx in args.xmx:
        root = tempfile.mkdtemp(prefix="steward-big-apply-")
        try:
            result, wall, cpu, live = run(os.path.abspath(args.app), xmx, root)
        finally:
            shutil.rmtree(root, ignore_errors=True)
        shown = [f"{wall:.1f} s" if wall is not None else "-", f"{cpu:.1f} s" if cpu is not None else "-",
                 f"{live} MiB" if live is not None else "-"]
        print(f"| {xmx} MiB | {result} | " + " | ".join(shown) + " |", flush=True)


if __name__ == "__main__":
    main()
