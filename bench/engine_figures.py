#!/usr/bin/env python3
"""Engine figures for issue 2, measured from the outside (marker files and /proc), standard library only.

  bench/engine_figures.py [--jar target/quarkus-app/quarkus-run.jar] [--programs 200]

Prints: file drop -> child running (median of 10), restart after SIGKILL (median of 20), and the
daemon's RSS with N idle programs. Starts one daemon in a temp directory and cleans up every process.
"""
import argparse, os, signal, statistics, subprocess, sys, tempfile, time

def wait_for(predicate, timeout=30.0, step=0.0005):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise TimeoutError("condition not met in %.0f s" % timeout)

def read_pid(path):
    try:
        with open(path) as f:
            text = f.read()
        return int(text) if text.endswith("\n") else None
    except (FileNotFoundError, ValueError):
        return None

def manifest(name, marks):
    return f"""apiVersion: steward.dev/v1
kind: Program
metadata: {{name: {name}}}
spec:
  command: ["/bin/sh", "-c", "echo $$ > {marks}/{name}.tmp && mv {marks}/{name}.tmp {marks}/{name}.pid && exec sleep 100000"]
  startSeconds: 0
"""

def write_atomic(path, text):
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)

def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--jar", default="target/quarkus-app/quarkus-run.jar")
    parser.add_argument("--programs", type=int, default=200)
    args = parser.parse_args()
    root = tempfile.mkdtemp(prefix="steward-figures-")
    manifests, marks = os.path.join(root, "manifests"), os.path.join(root, "marks")
    os.makedirs(manifests); os.makedirs(marks)
    here = os.path.dirname(os.path.abspath(__file__))
    launcher = os.path.join(here, "..", "bin", "steward")
    env = dict(os.environ)
    log = open(os.path.join(root, "daemon.log"), "w")
    daemon = subprocess.Popen([launcher, "serve", "--manifests", manifests, "--state-dir", os.path.join(root, "state"),
                               "--listen", "127.0.0.1:0"], stdout=log, stderr=subprocess.STDOUT, env=env)
    pids = set()
    try:
        wait_for(lambda: "watching" in open(os.path.join(root, "daemon.log")).read(), step=0.05)
        drops = []
        for i in range(10):
            name = f"drop{i}"
            start = time.monotonic()
            write_atomic(os.path.join(manifests, name + ".yaml"), manifest(name, marks))
            pid = wait_for(lambda: read_pid(os.path.join(marks, name + ".pid")))
            drops.append(time.monotonic() - start)
            pids.add(pid)
            time.sleep(0.2)
        restarts = []
        marker = os.path.join(marks, "drop0.pid")
        for i in range(20):
            old = read_pid(marker)
            start = time.monotonic()
            os.kill(old, signal.SIGKILL)
            new = wait_for(lambda: (lambda p: p if p and p != old else None)(read_pid(marker)))
            restarts.append(time.monotonic() - start)
            pids.add(new)
            # A process that ran under a second is restarted a second after its start, not at once (README,
            # "Process lifecycle"): let each run a while, as bench/run's crash scenario does.
            time.sleep(1.1)
        for i in range(10):
            os.remove(os.path.join(manifests, f"drop{i}.yaml"))
        for i in range(args.programs):
            write_atomic(os.path.join(manifests, f"idle{i}.yaml"), manifest(f"idle{i}", marks))
        wait_for(lambda: all(read_pid(os.path.join(marks, f"idle{i}.pid")) for i in range(args.programs)), timeout=120, step=0.05)
        for i in range(args.programs):
            pids.add(read_pid(os.path.join(marks, f"idle{i}.pid")))
        time.sleep(5)  # let start-up garbage be collected before reading RSS
        rss = rss_kib(daemon.pid)
        ms = lambda xs: "median %.1f ms (min %.1f, max %.1f)" % (1000 * statistics.median(xs), 1000 * min(xs), 1000 * max(xs))
        print("file drop -> child running:   " + ms(drops))
        print("SIGKILL -> restarted child:   " + ms(restarts))
        print("daemon RSS, %d idle programs: %.1f MiB" % (args.programs, rss / 1024))
    finally:
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(60)
        except subprocess.TimeoutExpired:
            daemon.kill()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, TypeError):
                pass
        log.close()

if __name__ == "__main__":
    sys.exit(main())
