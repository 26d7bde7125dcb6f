#!/usr/bin/env python3
"""Cold start of two Steward builds, alternating A B A B: launch -> every child's marker written, and
the daemon's own CPU time (utime + stime of /proc/<pid>/stat) at that moment.

For comparing two commits on a noisy machine, where absolute times drift between runs (bench/run
compares Steward with Supervisor; this compares Steward with itself). Each side is a checkout with
its jar built (./mvnw package -DskipTests) and its class-data archive made (one bin/steward serve).

  git worktree add /tmp/before <commit> && (cd /tmp/before && ./mvnw -q package -DskipTests)
  bench/startup_ab.py /tmp/before . --programs 500 --rounds 6

Children and manifests are bench/run's own (scenario 1): sleepers that write their pid to a marker,
then exec sleep. Every daemon and child is killed by pid or process group when its round ends.
"""
import argparse
import importlib.machinery
import importlib.util
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time


def load_bench():
    """bench/run as a module (it has no .py suffix), for its child script and manifests."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "run")
    loader = importlib.machinery.SourceFileLoader("bench_run", path)
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader("bench_run", loader))
    loader.exec_module(module)
    return module


BENCH = load_bench()


def daemon_cpu_ms(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 // os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return -1


def one_start(checkout, programs, root, marks_root):
    """Seconds from launch to every marker, and the daemon's CPU milliseconds then."""
    work = tempfile.mkdtemp(dir=root)
    manifests, state = (os.path.join(work, d) for d in ("manifests", "state"))
    marks = tempfile.mkdtemp(dir=marks_root)
    for d in (manifests, state):
        os.makedirs(d)
    child = os.path.join(root, "child.sh")
    for k in range(programs):
        name = "p%d" % k
        with open(os.path.join(manifests, name + ".yaml"), "w") as f:
            f.write(BENCH.StewardSide.manifest(name, ["/bin/sh", child, os.path.join(marks, name + ".pid")]))
    launcher = os.path.join(os.path.abspath(checkout), "bin", "steward")
    with open(os.path.join(work, "daemon.log"), "w") as log:
        t0 = time.monotonic()
        daemon = subprocess.Popen([launcher, "serve", "--manifests", manifests, "--state-dir", state,
                                   "--listen", "127.0.0.1:0"], stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        while sum(1 for name in os.listdir(marks) if name.endswith(".pid")) < programs:
            if daemon.poll() is not None:
                sys.exit("the daemon of %s exited (%s); see %s" % (checkout, daemon.returncode, work))
            time.sleep(0.002)
        return time.monotonic() - t0, daemon_cpu_ms(daemon.pid)
    finally:
        os.killpg(daemon.pid, signal.SIGKILL)
        daemon.wait()
        for name in os.listdir(marks):
            if name.endswith(".pid"):
                try:
                    with open(os.path.join(marks, name)) as f:
                        os.kill(int(f.read()), signal.SIGKILL)
                except (OSError, ValueError):
                    pass
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(marks, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a", help="checkout A (holds bin/steward and target/quarkus-app)")
    parser.add_argument("b", help="checkout B")
    parser.add_argument("--programs", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--markers-on-disk", action="store_true", help="as in bench/run")
    args = parser.parse_args()
    root = tempfile.mkdtemp(prefix="steward-startup-ab-")
    marks_root = BENCH.marker_root(root, args.markers_on_disk)
    with open(os.path.join(root, "child.sh"), "w") as f:
        f.write(BENCH.CHILD_SH)
    os.chmod(os.path.join(root, "child.sh"), 0o755)
    results = {"A": [], "B": []}
    try:
        for _ in range(args.rounds):
            for side, checkout in (("A", args.a), ("B", args.b)):
                wall, cpu = one_start(checkout, args.programs, root, marks_root)
                results[side].append((wall, cpu))
                print("%s %.3f s, daemon CPU %d ms" % (side, wall, cpu), flush=True)
                time.sleep(0.5)
    finally:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(marks_root, ignore_errors=True)
    for side, checkout in (("A", args.a), ("B", args.b)):
        walls = [w for w, _ in results[side]]
        cpus = [c for _, c in results[side]]
        print("%s %s: median %.3f s (%.3f-%.3f), daemon CPU median %d ms" % (
            side, checkout, statistics.median(walls), min(walls), max(walls), statistics.median(cpus)))


if __name__ == "__main__":
    main()
