#!/usr/bin/env python3
"""Generate a deterministic synthetic git repository for benchmarks.

    bench/gen_repo.py SIZE DIR
    SIZE: tiny (~1 MB, the test suite's smoke run), small (~20 MB), medium (~300 MB), large (~1.5 GB)

Realistic text (source-like lines), a long history of small changes, some
large and some binary files, and a few planted fake secrets, listed in
DIR/leakgate-bench-planted.tsv (rule id and path) so that bench/run.py can
check what leakgate finds. The same SIZE always gives the same commits: the
random generator is seeded, dates are fixed, and git fast-import writes the
objects.
"""
import os
import random
import subprocess
import sys

SIZES = {
    # files, average file size, commits, files changed per commit
    "tiny": (60, 4000, 200, 1),     # for the test suite's smoke run
    "small": (800, 8000, 1500, 1),
    "medium": (5000, 8000, 30000, 1),
    "large": (6000, 8000, 90000, 2),
}
WORDS = ("request response client server token config value index buffer "
         "length offset result error status handler message queue worker "
         "session cache header payload stream reader writer context user "
         "account record table column schema migrate deploy build release").split()
# Inside the generated repository: one line per planted secret, the rule that
# must find it and its path.
PLANTED = "leakgate-bench-planted.tsv"
KEYWORDS = ["if", "for", "while", "return", "const", "let", "def", "func", "var"]


def text_line(rnd):
    kind = rnd.random()
    words = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(2, 9)))
    if kind < 0.15:
        return "# " + words
    if kind < 0.55:
        return "    %s %s = %s(%s)" % (rnd.choice(KEYWORDS), rnd.choice(WORDS),
                                       rnd.choice(WORDS), words.replace(" ", ", "))
    if kind < 0.75:
        return '    log("%s", %d)' % (words, rnd.randint(0, 99999))
    if kind < 0.85:
        return ""
    return "    %s.%s(%s)" % (rnd.choice(WORDS), rnd.choice(WORDS), words.replace(" ", "_"))


def text_file(rnd, size):
    lines, n = [], 0
    while n < size:
        line = text_line(rnd)
        lines.append(line)
        n += len(line) + 1
    return lines


def fake_secret(rnd, kind):
    """A planted secret line, and the id of the rule that must find it."""
    hexd = "0123456789abcdef"
    h = lambda n: "".join(rnd.choice(hexd) for _ in range(n))
    if kind == 0:
        return "TWILIO_AUTH_TOKEN=" + h(32), "twilio-auth-token"
    if kind == 1:
        return "TWILIO_ACCOUNT_SID=AC" + h(32), "twilio-account-sid"
    if kind == 2:
        return ("AWS_ACCESS_KEY_ID=AKIA" + "".join(rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16)),
                "aws-access-key-id")
    return "TWILIO_STREAM_TOKEN=" + h(64), "twilio-stream-token"


def emit_blob(out, data):
    out.write(b"data %d\n" % len(data))
    out.write(data)
    out.write(b"\n")


def generate(size, directory):
    files, avg, commits, per_commit = SIZES[size]
    rnd = random.Random("leakgate-bench-" + size)
    subprocess.run(["git", "-c", "init.defaultBranch=main", "init", "-q", "--bare", directory], check=True)
    proc = subprocess.Popen(["git", "-C", directory, "fast-import", "--quiet"],
                            stdin=subprocess.PIPE)
    out = proc.stdin
    paths = ["src/%s/%s_%d.%s" % (rnd.choice(WORDS), rnd.choice(WORDS), i,
                                  rnd.choice(["py", "js", "go", "c", "yaml"]))
             for i in range(files)]
    contents = {p: text_file(rnd, rnd.randint(avg // 4, avg * 7 // 4)) for p in paths}
    when = 1500000000
    secrets_at = set(rnd.sample(range(1, commits), min(8, commits - 1)))
    planted = []

    def commit(n, changes):
        nonlocal when
        when += rnd.randint(60, 7200)
        author = rnd.choice(["Ada <ada@example.org>", "Bo <bo@example.org>",
                             "Cy <cy@example.org>", "Di <di@example.org>"])
        msg = ("change %d" % n).encode()
        out.write(b"commit refs/heads/main\n")
        out.write(("author %s %d +0000\ncommitter %s %d +0000\n" % (author, when, author, when)).encode())
        emit_blob(out, msg)
        for path, data in changes:
            out.write(("M 100644 inline %s\n" % path).encode())
            emit_blob(out, data)
        out.write(b"\n")

    commit(0, [(p, ("\n".join(contents[p]) + "\n").encode()) for p in paths])
    for n in range(1, commits):
        changes = []
        for _ in range(per_commit):
            p = rnd.choice(paths)
            lines = contents[p]
            for _ in range(rnd.randint(1, 4)):
                i = rnd.randrange(len(lines) + 1)
                if rnd.random() < 0.3 and lines:
                    del lines[min(i, len(lines) - 1)]
                else:
                    lines.insert(i, text_line(rnd))
            if n in secrets_at:
                line, rule = fake_secret(rnd, n % 4)
                lines.insert(rnd.randrange(len(lines) + 1), line)
                planted.append((rule, p))
            changes.append((p, ("\n".join(lines) + "\n").encode()))
        if n % 997 == 0:    # now and then a large generated file
            big = "\n".join(text_line(rnd) for _ in range(40000)) + "\n"
            changes.append(("data/generated_%d.txt" % n, big.encode()))
        if n % 1499 == 0:   # and a binary one
            changes.append(("assets/blob_%d.bin" % n, rnd.randbytes(200000)))
        commit(n, changes)
    out.close()
    if proc.wait() != 0:
        sys.exit("git fast-import failed")
    # Deltas as a real repository has them after gc.
    subprocess.run(["git", "-C", directory, "repack", "-adq", "--window=10", "--depth=50"], check=True)
    # What a scan must find, for bench/run.py to check (git ignores the file).
    with open(os.path.join(directory, PLANTED), "w") as f:
        f.writelines("%s\t%s\n" % entry for entry in sorted(planted))


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in SIZES:
        sys.exit("usage: gen_repo.py %s DIR" % "|".join(SIZES))
    if os.path.exists(sys.argv[2]):
        sys.exit("%s exists already" % sys.argv[2])
    generate(sys.argv[1], sys.argv[2])


if __name__ == "__main__":
    main()
