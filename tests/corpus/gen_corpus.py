#!/usr/bin/env python3
"""Build the rule corpus: positives for every rule of patterns/, and decoys.

    tests/corpus/gen_corpus.py PATTERNS_DIR OUT_DIR SEED

Each rule's examples are re-randomized: the characters of the secret (found
with the rule's own regex) are replaced by random ones of the same kind
(hex stays hex, base-32 stays base-32, digits stay digits...), and the
result must still match the rule; checksummed tokens keep their value. The
examples are spread over the kinds of file where credentials occur, far
enough apart that no rule's keyword window reaches a neighbour. Writes the
files under OUT_DIR/positives and OUT_DIR/decoys, and OUT_DIR/expected.tsv:
one "rule_id<TAB>path<TAB>line" per positive.
"""
import json
import os
import random
import re
import string
import sys

FILLER = ("# " + "lorem ipsum dolor sit amet consectetur adipiscing " * 6).strip()


def to_python_regex(rx):
    # PCRE and Python agree on everything the rule pack uses but the
    # possessive/atomic forms (unused) and \Z nuances; $ is multiline.
    return re.compile(rx, re.M)


def alphabet_of(secret):
    for name, chars in (("hex", "0123456789abcdef"), ("HEX", "0123456789ABCDEF"),
                        ("digits", string.digits), ("b32", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")):
        if all(c in chars for c in secret):
            return chars
    return None


def mutate(rnd, secret):
    """Random characters of the same kind, position by position."""
    whole = alphabet_of(secret)
    out = []
    for c in secret:
        if whole:
            out.append(rnd.choice(whole))
        elif c.isdigit():
            out.append(rnd.choice(string.digits))
        elif c.islower():
            out.append(rnd.choice(string.ascii_lowercase))
        elif c.isupper():
            out.append(rnd.choice(string.ascii_uppercase))
        else:
            out.append(c)
    return "".join(out)


def fresh_example(rnd, rule, example):
    """The example with a new secret of the same shape, or the example as
    it is when the rule's format cannot be re-randomized (checksums)."""
    if rule.get("checksum") or "pair" in rule:
        return example
    try:
        rx = to_python_regex(rule["regex"])
    except re.error:
        return example
    m = rx.search(example)
    group = rule.get("secret_group", 0)
    if not m or m.group(group) is None:
        return example
    start, end = m.span(group)
    for _ in range(20):
        candidate = example[:start] + mutate(rnd, example[start:end]) + example[end:]
        m2 = rx.search(candidate)
        if m2 and m2.group(group) and m2.span(group) == (start, end) and not re.search("(?i)xxxx|example|sample", candidate[start:end]):
            return candidate
    return example


def secret_line(rule, text, rules=()):
    """0-based line, within `text`, where the rule's secret starts (a pair
    rule's: where its second part's rule finds its secret)."""
    if "pair" in rule:
        lines = [secret_line(r, text) for r in rules
                 if r["id"] in rule["pair"]["second"]["rules"] and to_python_regex(r["regex"]).search(text)]
        return min(lines) if lines else 0
    try:
        m = to_python_regex(rule["regex"]).search(text)
    except re.error:
        m = None
    if not m:
        return 0
    start = m.start(rule.get("secret_group", 0)) if m.group(rule.get("secret_group", 0)) is not None else m.start()
    return text.count("\n", 0, start)


# Formats that live on lines of their own (htpasswd, .netrc, .pgpass,
# multi-line key blocks) never sit in minified code.
LINE_FORMATS = ("htpasswd-hash", "netrc-password", "pgpass-password")


def fits_minified(rule):
    return ("\n" not in rule["examples"][1] and rule["id"] not in LINE_FORMATS
            and not rule.get("regex", "").startswith("(?:^|\\n)"))


# The file kinds, and how a snippet sits in each: (name, header lines, how
# to wrap a snippet's lines, footer lines).
KINDS = [
    ("config/app.env", ["# application settings"], lambda s: s, []),
    ("deploy/values.yaml", ["app:", "  replicas: 2"], lambda s: s, []),
    ("src/settings.py", ["import os", ""], lambda s: s, []),
    ("web/config.js", ["'use strict';"], lambda s: s, []),
    ("cmd/main.go", ["package main", ""], lambda s: s, []),
    ("Dockerfile", ["FROM debian:12"], lambda s: s, ["CMD [\"/app\"]"]),
    ("docs/SETUP.md", ["# Setup", "", "```"], lambda s: s, ["```"]),
    ("conf/settings.json", ["{"], lambda s: s, ["}"]),
]


def main():
    patterns_dir, out_dir, seed = sys.argv[1], sys.argv[2], sys.argv[3]
    rnd = random.Random(seed)
    rules = []
    for name in sorted(os.listdir(patterns_dir)):
        if name.endswith(".json"):
            with open(os.path.join(patterns_dir, name)) as f:
                data = json.load(f)
            # an array of rules, or an object with a "rules" array (or none)
            rules.extend(data if isinstance(data, list) else data.get("rules", []))
    files = {k[0]: list(k[1]) for k in KINDS}
    crlf, minified = [], []
    expected = []
    for i, rule in enumerate(rules):
        for j, example in enumerate(rule["examples"]):
            text = fresh_example(rnd, rule, example)
            kind = KINDS[(i + j) % len(KINDS)]
            path, lines = kind[0], files[kind[0]]
            # Odd examples go to the CRLF file or, single-line ones, to the
            # minified line, so every rule is seen in those shapes too.
            if j == 1 and i % 3 == 0:
                crlf.append(FILLER)
                expected.append((rule["id"], "config/windows.env", len(crlf) + 1 + secret_line(rule, text, rules)))
                crlf.extend(text.split("\n"))
                continue
            if j == 1 and i % 3 == 1 and fits_minified(rule):
                minified.append(text)
                continue
            lines.append(FILLER)
            expected.append((rule["id"], path, len(lines) + 1 + secret_line(rule, text, rules)))
            lines.extend(text.split("\n"))
    for path, lines in files.items():
        lines.extend(next(k[3] for k in KINDS if k[0] == path))
    pos = os.path.join(out_dir, "positives")
    for path, lines in files.items():
        os.makedirs(os.path.dirname(os.path.join(pos, path)) or pos, exist_ok=True)
        with open(os.path.join(pos, path), "w") as f:
            f.write("\n".join(lines) + "\n")
    os.makedirs(os.path.join(pos, "config"), exist_ok=True)
    with open(os.path.join(pos, "config/windows.env"), "wb") as f:
        f.write(("\r\n".join(crlf) + "\r\n").encode())
    # One long minified line: every snippet separated by a wide gap, so no
    # keyword window spans two of them.
    gap = ";/*" + "0" * 300 + "*/;"
    with open(os.path.join(pos, "web/bundle.min.js"), "w") as f:
        f.write("!function(){" + gap.join(minified) + "}();\n")
    # The minified line's expectations: the rules whose examples it holds.
    for i, rule in enumerate(rules):
        if len(rule["examples"]) > 1 and i % 3 == 1 and fits_minified(rule):
            expected.append((rule["id"], "web/bundle.min.js", 1))
    write_decoys(rnd, os.path.join(out_dir, "decoys"))
    with open(os.path.join(out_dir, "expected.tsv"), "w") as f:
        for rule_id, path, line in expected:
            f.write("%s\t%s\t%d\n" % (rule_id, path, line))


def write_decoys(rnd, root):
    """Things that look like secrets and are not: hashes, ids, placeholders."""
    h = lambda n: "".join(rnd.choice("0123456789abcdef") for _ in range(n))
    b64 = lambda n: "".join(rnd.choice(string.ascii_letters + string.digits + "+/") for _ in range(n))
    uuid = lambda: "%s-%s-%s-%s-%s" % (h(8), h(4), h(4), h(4), h(12))
    os.makedirs(root, exist_ok=True)
    files = {
        "CHANGELOG.md": ["# Changelog", ""] + ["- %s fix the %s handler (%s)" % (h(40), rnd.choice(["token", "session", "cache"]), h(7)) for _ in range(50)],
        "package-lock.json": ["{", '  "lockfileVersion": 3,', '  "packages": {'] +
            ['    "node_modules/p%d": {"version": "1.0.%d", "resolved": "https://registry.npmjs.org/p%d/-/p%d-1.0.%d.tgz", "integrity": "sha512-%s=="},' % (i, i, i, i, i, b64(86)) for i in range(40)] + ["  }", "}"],
        "go.sum": ["example.org/mod%d v1.%d.0 h1:%s=" % (i, i, b64(43)) for i in range(40)],
        "ids.txt": ["request %s user %s commit %s" % (uuid(), uuid(), h(40)) for _ in range(40)],
        ".env.example": ["TWILIO_ACCOUNT_SID=ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "TWILIO_AUTH_TOKEN=your_auth_token_here",
                         "TWILIO_API_KEY=SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "TWILIO_API_KEY_SECRET=your_api_key_secret_here",
                         "TWILIO_STREAM_TOKEN=<generate-a-secure-random-token>", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
                         "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
                         "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "DATABASE_URL=postgres://app:password@localhost:5432/app",
                         "SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
                         "OPENAI_API_KEY=sk-proj-your-key-here", "SECRET_KEY=changeme", "API_TOKEN=${API_TOKEN}", "PASSWORD={{ vault_password }}"],
        "src/env.js": ["const token = process.env.TWILIO_AUTH_TOKEN;", "const sid = process.env['TWILIO_ACCOUNT_SID'];",
                       "const key = process.env.STRIPE_SECRET_KEY || '';", "const client = twilio(sid, token);"],
        "src/env.py": ["import os", "token = os.environ[\"TWILIO_AUTH_TOKEN\"]", "key = os.getenv('AWS_SECRET_ACCESS_KEY')",
                       "password = os.environ.get('DB_PASSWORD')"],
        "config/ruby.rb": ["token = ENV['TWILIO_AUTH_TOKEN']", "secret = ENV.fetch('SECRET_KEY_BASE')"],
        "docs/api.md": ["Set `TWILIO_AUTH_TOKEN=<your auth token>` and `STRIPE_SECRET_KEY=sk_test_...` before running.",
                        "Checksums: md5 %s, sha1 %s, sha256 %s" % (h(32), h(40), h(64))],
    }
    for path, lines in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
