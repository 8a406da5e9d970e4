#!/usr/bin/env bash
# Audits: baselines, incremental state files, many repositories per run,
# --shard. Uses its own small rule file, so it tests the machinery, not the
# rule pack.
TEST_USER_NAME="Audrey Auditor" TEST_USER_EMAIL=audrey@example.org
. "$(dirname "$0")/lib.sh"
hex32() { hex 16; }
cat > "$work/rules.json" <<'JSON'
[{"id": "test-token", "name": "Test token", "description": "A token for the audit tests",
  "severity": "high", "regex": "TOKEN=([0-9a-f]{32})\\b", "secret_group": 1,
  "examples": ["TOKEN=0123456789abcdef0123456789abcdef"], "negative_examples": ["TOKEN=0123"]}]
JSON
L() { "$LEAKGATE" "$@" --rules "$work/rules.json"; }

git init -q "$work/repo"
cd "$work/repo"
echo "TOKEN=$(hex32)" > old1.env && git add . && git commit -qm old1
echo "TOKEN=$(hex32)" > old2.env && git add . && git commit -qm old2

# --- a baseline suppresses exactly the old findings, none of the new
run L baseline "$work/baseline.json" .
[ "$rc" -eq 0 ] || fail "baseline exited $rc: $err"
[ "$(jq '.findings | length' "$work/baseline.json")" = 2 ] || fail "baseline does not hold 2 findings"
[ "$(stat -c %a "$work/baseline.json")" = 600 ] || fail "baseline file mode is not 0600"
run L scan --baseline "$work/baseline.json" --format json .
[ "$rc" -eq 0 ] || fail "scan with a baseline of everything exited $rc"
[ "$(jq .summary.baselined <<<"$out")" = 2 ] || fail "baselined count: $out"
echo "TOKEN=$(hex32)" > new.env && git add . && git commit -qm new
run L scan --baseline "$work/baseline.json" --format json .
[ "$rc" -eq 1 ] || fail "new finding not reported with a baseline (rc $rc)"
[ "$(jq -r '[.findings[].path] | join(",")' <<<"$out")" = "new.env" ] || fail "baseline let through: $out"
jq -r '.findings[].fingerprint' "$work/baseline.json" > "$work/fps.txt"
run L scan --baseline "$work/fps.txt" --format json .
[ "$(jq -r '[.findings[].path] | join(",")' <<<"$out")" = "new.env" ] || fail "fingerprint-list baseline: $out"
echo "not a fingerprint" > "$work/bad.txt"
run L scan --baseline "$work/bad.txt" .
[ "$rc" -eq 2 ] || fail "bad baseline exit $rc"
grep -q "bad.txt' line 1 is not a fingerprint" <<<"$err" || fail "bad baseline message: $err"

# --- incremental state: first full, then nothing, then only what is new
run L scan --state "$work/state" --format json .
[ "$rc" -eq 1 ] && [ "$(jq .summary.blobs_scanned <<<"$out")" = 3 ] || fail "first state run: $out"
[ "$(stat -c %a "$work/state")" = 600 ] || fail "state file mode"
run L scan --state "$work/state" --format json .
[ "$rc" -eq 0 ] || fail "unchanged repository reported findings again (rc $rc)"
[ "$(jq .summary.blobs_scanned <<<"$out")" = 0 ] || fail "unchanged repository scanned blobs: $out"
grep -q "incremental scan: 0 new blobs" <<<"$err" || fail "second run does not say it scanned nothing: $err"
echo "TOKEN=$(hex32)" > newer.env && echo "clean" > clean.txt && git add . && git commit -qm newer
run L scan --state "$work/state" --format json .
[ "$rc" -eq 1 ] || fail "new secret not found incrementally"
[ "$(jq .summary.blobs_scanned <<<"$out")" = 2 ] || fail "incremental run scanned other than the 2 new blobs: $out"
[ "$(jq .summary.commits <<<"$out")" = 1 ] || fail "incremental run walked other than the new commit: $out"
[ "$(jq -r '[.findings[].path] | join(",")' <<<"$out")" = "newer.env" ] || fail "incremental findings: $out"
run L scan --state "$work/state" --all --format json .
[ "$(jq '.findings | length' <<<"$out")" = 4 ] || fail "--all did not report every finding: $out"

# --- corrupt, foreign and stale state files fall back to a full scan
cp "$work/state" "$work/state.good"
flip_byte "$work/state" 100
run L scan --state "$work/state" --format json .
grep -q "corrupt" <<<"$err" || fail "corrupt state not reported: $err"
[ "$(jq .summary.blobs_scanned <<<"$out")" = 5 ] || fail "corrupt state did not lead to a full scan: $out"
head -c 30 "$work/state.good" > "$work/state"
run L scan --state "$work/state" --format json .
[ "$(jq .summary.blobs_scanned <<<"$out")" = 5 ] || fail "truncated state did not lead to a full scan"
cp "$work/state.good" "$work/state"
git clone -q . "$work/other"
run L scan --state "$work/state" --format json "$work/other"
grep -q "another repository" <<<"$err" || fail "foreign state not reported: $err"
[ "$(jq .summary.blobs_scanned <<<"$out")" = 5 ] || fail "foreign state did not lead to a full scan"
cp "$work/state.good" "$work/state"
sed 's/"high"/"critical"/' "$work/rules.json" > "$work/rules2.json"
set +e
out=$("$LEAKGATE" scan --rules "$work/rules2.json" --state "$work/state" --format json . 2>"$work/stderr")
set -e
grep -q "rules changed" "$work/stderr" || fail "stale (rules) state not reported: $(cat "$work/stderr")"
[ "$(jq .summary.blobs_scanned <<<"$out")" = 5 ] || fail "stale state did not lead to a full scan"

# --- many repositories: a broken one is reported, the others still run
printf '%s\n' "$work/repo" "$work/missing" "$work/other" > "$work/list"
run L scan --repos-from "$work/list" --format json
[ "$rc" -eq 3 ] || fail "multi-repo run with a broken path exited $rc, not 3"
grep -q "$work/missing: error: cannot open repository" <<<"$err" || fail "broken repository not reported: $err"
grep -q "$work/repo: 4 findings" <<<"$err" || fail "no summary line for the first repository: $err"
[ "$(jq '[.findings[].repository] | unique | length' <<<"$out")" = 2 ] || fail "findings do not carry both repositories"

# --- --shard splits a list into disjoint parts that cover it
for i in $(seq 1 40); do echo "$work/r$i"; done > "$work/many"
: > "$work/seen"
for i in 0 1 2; do
	L scan --repos-from "$work/many" --shard "$i/3" 2>&1 | grep -o "^leakgate: $work/r[0-9]*:" >> "$work/seen" || true
done
[ "$(sort "$work/seen" | uniq | wc -l)" = 40 ] || fail "shards do not cover the list"
[ "$(wc -l < "$work/seen")" = 40 ] || fail "shards overlap"
run L scan --shard 3/3 .
[ "$rc" -eq 2 ] || fail "--shard 3/3 accepted"

finish "audits"
