#!/usr/bin/env bash
# A property: without --show-secrets, no output of leakgate holds a secret,
# found as written or decoded (base64 and percent-encoded files).
# The secrets are the rule pack's own examples (as leakgate itself extracts
# them from each example); random combinations of two to four of them share
# one line, in .env, JSON, YAML, Python and shell files, written whole or as
# bare values (a token passed to a constructor, as no rule's context
# expects). Each round commits them to a real repository and runs every
# report format (stdout and -o), the pre-receive hook through a real push
# (its message and --log) and the pre-commit hook; no byte stream may hold
# any planted secret. A fixed seed makes every run the same. (Bare values
# are at least 12 bytes long: shorter ones, out of any rule's context, are
# not told from ordinary words; see README, Report schema.)
. "$(dirname "$0")/lib.sh"
: "${LEAKGATE_SOURCE_DIR:?the source tree, for patterns/}"
ROUNDS=${ROUNDS:-8}

# --- the example secrets: each single-line example scanned alone
mkdir -p "$work/examples"
python3 - "$LEAKGATE_SOURCE_DIR/patterns" "$work/examples" <<'PY'
import glob, json, os, sys
n = 0
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    doc = json.load(open(path))
    for rule in doc if isinstance(doc, list) else doc.get("rules", []):
        for ex in rule.get("examples", []):
            if "\n" not in ex:
                with open(os.path.join(sys.argv[2], "%04d.txt" % n), "w") as f:
                    f.write(ex + "\n")
                n += 1
PY
"$LEAKGATE" scan --no-git --show-secrets --min-confidence low --format jsonl "$work/examples" \
	>"$work/examples.jsonl" 2>/dev/null || true
# One line a secret: example file, secret (JSON-encoded). Short secrets are
# left out: eight bytes can occur in an output by coincidence.
jq -c 'select((.secret | length) >= 8) | [.path, .secret]' "$work/examples.jsonl" | sort -u > "$work/secrets.jsonl"
count=$(wc -l < "$work/secrets.jsonl")
[ "$count" -ge 100 ] || fail "only $count example secrets extracted"

git init -q --bare "$work/server.git"
printf '#!/bin/sh\nexec %q hook pre-receive --log %q "$@"\n' "$LEAKGATE" "$work/hook.log" \
	> "$work/server.git/hooks/pre-receive"
chmod +x "$work/server.git/hooks/pre-receive"

# check_streams ROUND SECRETS_FILE FILE...: no secret of SECRETS_FILE (one a
# line) in any of the files.
check_streams() {
	local round=$1 secrets=$2
	shift 2
	local hits
	hits=$(grep -F -l -f "$secrets" "$@" 2>/dev/null || true)
	if [ -n "$hits" ]; then
		fail "round $round: a secret shows in: $hits"
		for h in $hits; do grep -F -o -f "$secrets" "$h" | head -3 | sed 's/^/    /' >&2; done
	fi
}

for round in $(seq 1 "$ROUNDS"); do
	repo=$work/round$round
	rm -rf "$repo" "$work/out"
	mkdir -p "$work/out"
	git init -q "$repo"
	# The round's files, and the secrets they hold (one a line).
	python3 - "$work/secrets.jsonl" "$work/examples" "$repo" "$work/out/planted" "$round" <<'PY'
import base64, json, os, random, sys, urllib.parse
secrets_file, examples, repo, planted_file, round_ = sys.argv[1:]
rng = random.Random(1000 + int(round_))
pairs = [json.loads(l) for l in open(secrets_file)]
long_pairs = [p for p in pairs if len(p[1]) >= 12]
def example(p):
    return open(p).read().rstrip("\n")
def quote_py(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"
def quote_sh(s):
    return "'" + s.replace("'", "'\\''") + "'"
kinds = {
    ".env":  lambda items: " ; ".join(items),
    ".json": lambda items: json.dumps({"k%d" % i: v for i, v in enumerate(items)}),
    ".yaml": lambda items: "config: " + json.dumps(" ".join(items)),
    ".py":   lambda items: "client = Client(" + ", ".join(quote_py(v) for v in items) + ")",
    ".sh":   lambda items: "export " + " ".join("V%d=%s" % (i, quote_sh(v)) for i, v in enumerate(items)),
}
planted = set()
for k, (ext, render) in enumerate(sorted(kinds.items())):
    for f in range(3):
        lines = []
        for _ in range(rng.randint(2, 5)):
            # Whole example lines (the rules' own contexts), or the bare
            # secrets (contexts no rule expects), which only the token
            # heuristic can hide: 12 bytes or more (a bare 8-digit hex key
            # is indistinguishable from any short hex id).
            bare = rng.random() < 0.35
            chosen = rng.sample(long_pairs if bare else pairs, rng.randint(2, 4))
            items = [s if bare else example(p) for p, s in chosen]
            line = render(items)
            for p, s in chosen:
                if s in line:
                    planted.add(s)
            lines.append(line)
        with open(os.path.join(repo, "f%d_%d%s" % (k, f, ext)), "w") as out:
            out.write("\n".join(["# header"] + lines + ["# footer"]) + "\n")
# Encoded files: example lines joined as in .env, then base64- or
# percent-encoded; the scan decodes them (the default) and reports the
# decoded secrets, which no output may show either. (An RNG of their own,
# so the files above stay the same.)
rng = random.Random(2000 + int(round_))
encoders = {
    ".b64.yaml": lambda plain: "  value: " + base64.b64encode(plain.encode()).decode(),
    ".pct.txt":  lambda plain: "url=https://h.test/?q=" + urllib.parse.quote(plain, safe=""),
}
for k, (ext, enc) in enumerate(sorted(encoders.items())):
    lines = []
    for _ in range(rng.randint(3, 6)):
        chosen = rng.sample(pairs, rng.randint(1, 3))
        plain = " ; ".join(example(p) for p, s in chosen)
        planted.update(s for p, s in chosen if s in plain)
        lines.append(enc(plain))
    with open(os.path.join(repo, "e%d%s" % (k, ext)), "w") as out:
        out.write("\n".join(["# header"] + lines + ["# footer"]) + "\n")
with open(planted_file, "w") as out:
    for s in sorted(planted):
        out.write(s + "\n")
PY
	(cd "$repo" && git add -A && git commit -qm "round $round")
	cd "$repo"
	for fmt in text json jsonl sarif; do
		for conf in low medium; do
			"$LEAKGATE" scan --min-confidence "$conf" --format "$fmt" . \
				>"$work/out/$fmt.$conf.stdout" 2>"$work/out/$fmt.$conf.stderr" || true
			"$LEAKGATE" scan --min-confidence "$conf" --format "$fmt" -o "$work/out/$fmt.$conf.file" . \
				>"$work/out/$fmt.$conf.o-stdout" 2>"$work/out/$fmt.$conf.o-stderr" || true
		done
	done
	"$LEAKGATE" scan --no-git --format text . >"$work/out/nogit.stdout" 2>"$work/out/nogit.stderr" || true
	"$LEAKGATE" scan --staged --format text . >"$work/out/staged.stdout" 2>"$work/out/staged.stderr" || true
	# pre-commit, on the same files staged again in a fresh repository
	rm -rf "$work/pc" && git init -q "$work/pc" && cp "$repo"/[fe]* "$work/pc/"
	(cd "$work/pc" && git add -A && "$LEAKGATE" hook pre-commit >"$work/out/pre-commit.stdout" 2>"$work/out/pre-commit.stderr") || true
	# pre-receive, through a real push
	git push -q "$work/server.git" "HEAD:refs/heads/round$round" >"$work/out/push.stdout" 2>"$work/out/push.stderr" &&
		fail "round $round: a push of secrets went through"
	cp "$work/hook.log" "$work/out/hook.log" 2>/dev/null || true
	cd "$work"
	findings=$(jq '.findings | length' "$work/out/json.low.file")
	[ "$findings" -ge 10 ] || fail "round $round: only $findings findings: the property is not exercised"
	decoded=$(jq '[.findings[] | select(.decoded)] | length' "$work/out/json.low.file")
	[ "$decoded" -ge 2 ] || fail "round $round: only $decoded decoded findings: decoding is not exercised"
	grep -q "secret" "$work/out/push.stderr" || fail "round $round: no hook message: $(head -5 "$work/out/push.stderr")"
	check_streams "$round" "$work/out/planted" "$work"/out/*.stdout "$work"/out/*.stderr \
		"$work"/out/*.file "$work"/out/hook.log
	# The check can see a secret: with --show-secrets the JSON holds them.
	(cd "$repo" && "$LEAKGATE" scan --show-secrets --format json . >"$work/shown.json" 2>/dev/null) || true
	grep -q -F -f "$work/out/planted" "$work/shown.json" || fail "round $round: --show-secrets shows no secret: the check is blind"
done

finish t_no_secret_shown
