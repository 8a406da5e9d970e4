#!/usr/bin/env python3
"""Start-up of leakgate builds compared in one run, the builds alternating.

    bench/startup.py [--rounds N] REPO BINARY...

For each BINARY, ROUNDS times (default 40), alternating with the others:

  hook       a warm one-commit pre-receive push (the commit bench/run.py
             pushes: one small clean file added on top of HEAD), the hook
             run as git runs it, with the default time budget
  version    `leakgate version` (process start-up and libgit2's
             initialisation)
  --version  `leakgate --version` (process start-up alone: no libgit2 call)
  no-git     `leakgate scan --no-git -q` of a one-line file

and prints, for each, the median wall time, CPU time (user + system, from
wait4) and minor page faults. On a shared machine the wall time follows the
load; the CPU time follows it less, so compare builds by the CPU time of the
same run and say the load (printed before and after).

REPO gets one new loose commit (like bench/run.py's hook figures): use a copy.
Each binary gets its own warm cache (`leakgate install --pre-receive` warms it).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def git(repo, *args, env=None, data=None):
    return subprocess.run(["git", "-C", repo] + list(args), check=True, capture_output=True,
                          env=env, input=data).stdout.decode().strip()


def one_commit_push(repo, work):
    """Writes a commit adding one clean file on top of HEAD; returns the hook's stdin line."""
    env = dict(os.environ, GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.org",
               GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@example.org")
    head = git(repo, "rev-parse", "HEAD")
    when = int(git(repo, "log", "-1", "--format=%ct", head)) + 60
    env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = "%d +0000" % when
    blob = git(repo, "hash-object", "-w", "--stdin", data=b"PORT=8080\nDEBUG=0\n")
    ienv = dict(env, GIT_INDEX_FILE=os.path.join(work, "index"))
    git(repo, "read-tree", head, env=ienv)
    git(repo, "update-index", "--add", "--cacheinfo", "100644,%s,bench-push.env" % blob, env=ienv)
    tree = git(repo, "write-tree", env=ienv)
    new = git(repo, "commit-tree", tree, "-p", head, "-m", "bench push", env=env)
    return ("%s %s refs/heads/main\n" % (head, new)).encode()


def measured(cmd, cwd, env, stdin=None):
    """(wall ms, CPU ms, minor faults) of one run; exits when the command fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL)
    if stdin:
        proc.stdin.write(stdin)
        proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("%s exited %d" % (" ".join(cmd), os.waitstatus_to_exitcode(status)))
    return wall * 1e3, (usage.ru_utime + usage.ru_stime) * 1e3, usage.ru_minflt


def load():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("repo")
    ap.add_argument("binaries", nargs="+")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="leakgate-startup-")
    try:
        line = one_commit_push(args.repo, work)
        gitdir = git(args.repo, "rev-parse", "--absolute-git-dir")
        small = os.path.join(work, "small.env")
        with open(small, "w") as f:
            f.write("PORT=8080\n")
        cases = []
        for i, b in enumerate(args.binaries):
            b = os.path.abspath(b)
            env = dict(os.environ, LEAKGATE_CACHE_DIR=os.path.join(work, "cache%d" % i))
            bare = os.path.join(work, "installed%d.git" % i)
            subprocess.run(["git", "init", "-q", "--bare", bare], check=True)
            subprocess.run([b, "install", "--pre-receive", bare], env=env, check=True, capture_output=True)
            cases += [(b, "hook", [b, "hook", "pre-receive"], dict(env, GIT_DIR=gitdir), line),
                      (b, "version", [b, "version"], env, None),
                      (b, "--version", [b, "--version"], env, None),
                      (b, "no-git", [b, "scan", "--no-git", "-q", small], env, None)]
        print("load before: %s; %d rounds, builds alternating" % (load(), args.rounds))
        results = {(c[0], c[1]): [] for c in cases}
        for _ in range(args.rounds):
            for b, name, cmd, env, stdin in cases:
                results[(b, name)].append(measured(cmd, args.repo, env, stdin))
        print("load after: %s" % load())
        print("%-40s %-10s %9s %9s %7s" % ("binary", "case", "wall ms", "CPU ms", "faults"))
        for b, name, _, _, _ in cases:
            r = results[(b, name)]
            print("%-40s %-10s %9.1f %9.1f %7d" % (b[-40:], name, statistics.median(x[0] for x in r),
                                                  statistics.median(x[1] for x in r),
                                                  statistics.median(x[2] for x in r)))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
