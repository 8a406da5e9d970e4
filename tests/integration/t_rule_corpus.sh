#!/usr/bin/env bash
# The rule pack on a corpus made at test time (tests/corpus/gen_corpus.py):
# every rule's re-randomized examples, in the kinds of file where secrets
# occur, are all found at the right path and line (100% recall), and the
# decoys (hashes, UUIDs, commit ids, lock files, placeholders, environment
# lookups) give no finding at all.
TEST_USER_NAME="Cora Corpus" TEST_USER_EMAIL=cora@example.org
. "$(dirname "$0")/lib.sh"
SRC=${LEAKGATE_SOURCE_DIR:?source directory}

# The pack's own bar: at least 200 rules, each with two examples and a
# negative example. A file is an array of rules or an object with a
# "rules" array (known-non-secrets.json has none).
all_rule_objects() {
	cat "$SRC"/patterns/*.json | jq -c '(if type == "array" then . else (.rules // []) end)[]'
}
short=$(all_rule_objects | jq -s -r '.[] | select((.examples | length) < 2 or (.negative_examples | length) < 1) | .id')
[ -z "$short" ] || { echo "FAIL: rules with fewer than 2 examples or no negative example: $short" >&2; exit 1; }
count=$(all_rule_objects | jq -s 'length')
[ "$count" -ge 200 ] || { echo "FAIL: only $count rules" >&2; exit 1; }

seed=${LEAKGATE_CORPUS_SEED:-20261125}  # fixed, so CI is deterministic; any seed must pass
python3 "$SRC/tests/corpus/gen_corpus.py" "$SRC/patterns" "$work/corpus" "$seed"
for part in positives decoys; do
	(cd "$work/corpus/$part" && git init -q && git add -A && git commit -qm "$part")
done

set +e
"$LEAKGATE" scan --min-confidence low --format json --output "$work/positives.json" "$work/corpus/positives" 2>"$work/stderr"
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "FAIL: positives scan exited $rc: $(cat "$work/stderr")" >&2; exit 1; }
jq -r '.findings[] | [.rule_id, .path, .line] | @tsv' "$work/positives.json" | sort -u > "$work/found.tsv"
sort -u "$work/corpus/expected.tsv" > "$work/expected.tsv"
missing=$(comm -23 "$work/expected.tsv" "$work/found.tsv")
total=$(wc -l < "$work/expected.tsv")
rules=$(cut -f1 "$work/expected.tsv" | sort -u | wc -l)
if [ -n "$missing" ]; then
	echo "FAIL: recall below 100% (seed $seed): $(wc -l <<<"$missing") of $total positives not found:" >&2
	echo "$missing" | head -40 >&2
	exit 1
fi
all_rules=$(all_rule_objects | jq -s 'length')
[ "$rules" -eq "$all_rules" ] || { echo "FAIL: the corpus covers $rules of $all_rules rules" >&2; exit 1; }

set +e
"$LEAKGATE" scan --min-confidence low --format json --output "$work/decoys.json" "$work/corpus/decoys" 2>"$work/stderr"
rc=$?
set -e
if [ "$rc" -ne 0 ]; then
	echo "FAIL: decoys produced findings (exit $rc, seed $seed):" >&2
	jq -r '.findings[] | [.rule_id, .path, .line] | @tsv' "$work/decoys.json" >&2
	exit 1
fi
echo "rule corpus: $total positives for all $rules rules found at their path and line; no decoy reported (seed $seed)"
