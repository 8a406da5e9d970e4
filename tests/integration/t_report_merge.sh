#!/usr/bin/env bash
# leakgate report: the JSON reports of a fleet's shards (--repos-from,
# --shard) merged into one report in each format; the same night given
# twice counts each finding once; a malformed report is refused by name;
# a redacted secret stays redacted.
. "$(dirname "$0")/lib.sh"
SRC=${LEAKGATE_SOURCE_DIR:?source directory}

# Three repositories, each with one Twilio token of its own, and one path
# that is no repository.
: > "$work/fleet.txt"
for name in alpha beta gamma; do
	git init -q "$work/$name"
	printf 'TWILIO_AUTH_TOKEN=%s\n' "$(hex 16)" > "$work/$name/$name.env"
	git -C "$work/$name" add -A
	git -C "$work/$name" commit -qm "$name"
	echo "$work/$name" >> "$work/fleet.txt"
done
echo "$work/missing" >> "$work/fleet.txt"
# gamma has four refs (its branch, two more and a tag): six refs in all.
git -C "$work/gamma" branch b1
git -C "$work/gamma" branch b2
git -C "$work/gamma" tag v1
tokens=$(cat "$work"/*/*.env | cut -d= -f2)

# Every repository lands in exactly one of two shards.
for i in 0 1; do
	run "$LEAKGATE" scan --repos-from "$work/fleet.txt" --shard "$i/2" --format json \
		-o "$work/shard$i.json" -q
	[ -s "$work/shard$i.json" ] || fail "shard $i wrote no report (exit $rc): $err"
done

run "$LEAKGATE" report --format json -o "$work/all.json" "$work/shard0.json" "$work/shard1.json"
[ "$rc" -eq 1 ] || fail "report with findings exited $rc, not 1: $err"
got=$(jq -c '[.findings[] | [(.repository | split("/") | last), .path, .rule_id]] | sort' "$work/all.json")
want='[["alpha","alpha.env","twilio-auth-token"],["beta","beta.env","twilio-auth-token"],["gamma","gamma.env","twilio-auth-token"]]'
[ "$got" = "$want" ] || fail "merged findings: $got"
[ "$(jq '.repositories | length' "$work/all.json")" = 4 ] || fail "merged repositories: $(jq -c .repositories "$work/all.json")"
[ "$(jq -r '.repositories[] | select(.path | endswith("/missing")) | .error | length > 0' "$work/all.json")" = true ] ||
	fail "the missing repository's error is not in the merged report"
[ "$(jq .summary.findings "$work/all.json")" = 3 ] || fail "summary.findings: $(jq .summary "$work/all.json")"
[ "$(jq .summary.refs "$work/all.json")" = 6 ] || fail "summary.refs: $(jq .summary "$work/all.json")"
sum=$(jq -s 'map(.summary.blobs_scanned) | add' "$work/shard0.json" "$work/shard1.json")
[ "$(jq .summary.blobs_scanned "$work/all.json")" = "$sum" ] || fail "blobs_scanned not summed"

# A night given twice: each finding once, and a repository's line once.
run "$LEAKGATE" report --format json "$work/all.json" "$work/all.json"
[ "$(jq '.findings | length' <<<"$out")" = 3 ] || fail "a repeated report doubled findings"
[ "$(jq '.repositories | length' <<<"$out")" = 4 ] || fail "a repeated report doubled repositories"

# One report, read and written again: the same document (but the speeds,
# which follow from the rounded seconds).
run "$LEAKGATE" report --format json "$work/shard0.json"
diff <(jq 'del(.summary.mb_per_second, .summary.blobs_per_second)' <<<"$out") \
     <(jq 'del(.summary.mb_per_second, .summary.blobs_per_second)' "$work/shard0.json") >&2 ||
	fail "a report read and written again changed"

# HTML and SARIF of the merged fleet; SARIF against its schema.
run "$LEAKGATE" report -o "$work/all.html" "$work/shard0.json" "$work/shard1.json"
grep -q '<script type="application/json" id="report-data">' "$work/all.html" || fail "no HTML report"
run "$LEAKGATE" report --format sarif -o "$work/all.sarif" "$work/all.json"
python3 - "$SRC/tests/sarif/sarif-2.1.0-rtm.5.json" "$work/all.sarif" <<'PY' || fail "merged SARIF is not valid"
import json, sys, jsonschema
jsonschema.Draft4Validator(json.load(open(sys.argv[1]))).validate(json.load(open(sys.argv[2])))
assert len(json.load(open(sys.argv[2]))["runs"][0]["results"]) == 3
PY

# Redacted stays redacted, even with --show-secrets.
for f in all.json all.html all.sarif; do
	for t in $tokens; do
		grep -q "$t" "$work/$f" && fail "$f shows a secret in full"
	done
done
run "$LEAKGATE" report --show-secrets --format json "$work/all.json"
for t in $tokens; do
	grep -q "$t" <<<"$out" && fail "--show-secrets unredacted a redacted report"
done

# Malformed input: refused, naming the file, exit 2; nothing written.
printf '{"version": 1, "findings": [{"rule_id": 3}]}' > "$work/bad.json"
run "$LEAKGATE" report -o "$work/none.html" "$work/shard0.json" "$work/bad.json"
[ "$rc" -eq 2 ] || fail "malformed report exited $rc"
grep -q "bad.json" <<<"$err" || fail "the error does not name the file: $err"
[ ! -e "$work/none.html" ] || fail "a report was written from malformed input"
run "$LEAKGATE" report --format sarif "$work/all.sarif"
[ "$rc" -eq 2 ] && grep -q "SARIF" <<<"$err" || fail "a SARIF input was not refused clearly: $err"
run "$LEAKGATE" report "$work/nope.json"
[ "$rc" -eq 3 ] && grep -q "nope.json" <<<"$err" || fail "a missing input: exit $rc, $err"
run "$LEAKGATE" report
[ "$rc" -eq 2 ] || fail "no input exited $rc"

finish "report merge"
