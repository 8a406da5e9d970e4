#!/usr/bin/env bash
# Every error fails closed: a candidate the confirm stage cannot decide (the
# rule's regex exceeds PCRE2's match limit) is reported as an unconfirmed
# finding in every format, makes the scan exit 1, and refuses a push.
. "$(dirname "$0")/lib.sh"
leak() { run "$LEAKGATE" "$@"; }

# A rule whose regex backtracks catastrophically before the candidate that
# Hyperscan reports: PCRE2 gives up at its default match limit.
cat > "$work/slow.json" <<'JSON'
[{"id": "slow-rule", "name": "Slow rule", "description": "backtracks", "severity": "high",
  "confidence": "high", "regex": "(?:x+x+)+y[0-9]{4}",
  "examples": ["xxy1234"], "negative_examples": ["xxz"]}]
JSON
xs=$(printf 'x%.0s' $(seq 1 40))

git init -q "$work/repo"
cd "$work/repo"
echo "first line" > notes.txt
echo "$xs xxy1234" >> notes.txt
git add -A && git commit -qm slow
commit=$(git rev-parse HEAD)

leak scan --rules "$work/slow.json" --format json .
[ "$rc" -eq 1 ] || fail "unconfirmed finding: exit $rc (want 1): $err"
jq -e --arg c "$commit" '.findings | length == 1 and .[0].rule_id == "slow-rule" and .[0].path == "notes.txt"
	and .[0].line == 2 and .[0].commit == $c and (.[0].unconfirmed | test("match limit"))' <<<"$out" >/dev/null ||
	fail "JSON: $(jq -c .findings <<<"$out")"
leak scan --rules "$work/slow.json" --format jsonl .
[ "$rc" -eq 1 ] && jq -e 'select(.unconfirmed | test("match limit"))' <<<"$out" >/dev/null || fail "JSONL: $rc $out"
leak scan --rules "$work/slow.json" .
[ "$rc" -eq 1 ] || fail "text: exit $rc"
grep -q "UNCONFIRMED: the rule's regex hit PCRE2's match limit" <<<"$out" || fail "text: $out"
leak scan --rules "$work/slow.json" --format sarif .
[ "$rc" -eq 1 ] || fail "sarif: exit $rc"
jq -e '.runs[0].results[0] | (.properties.unconfirmed | test("match limit")) and (.message.text | startswith("Unconfirmed candidate: Slow rule"))' \
	<<<"$out" >/dev/null || fail "SARIF: $(jq -c '.runs[0].results' <<<"$out")"
# Outside git, and streamed (a file over the stream threshold).
leak scan --no-git --rules "$work/slow.json" --format json notes.txt
[ "$rc" -eq 1 ] && jq -e '.findings[0].unconfirmed' <<<"$out" >/dev/null || fail "--no-git: $rc $out"
{ head -c 3000 /dev/zero | tr '\0' '\n'; cat notes.txt; } > big.txt
LEAKGATE_STREAM_THRESHOLD=1024 leak scan --no-git --rules "$work/slow.json" --format json big.txt
[ "$rc" -eq 1 ] && jq -e '.findings[0].line == 3002 and (.findings[0].unconfirmed | length > 0)' <<<"$out" >/dev/null ||
	fail "streamed: $rc $out"
rm big.txt

# --- the hook refuses a push that holds an unconfirmed candidate
git init -q --bare "$work/server.git"
printf '#!/bin/sh\nexec %q hook pre-receive --rules %q "$@"\n' "$LEAKGATE" "$work/slow.json" \
	> "$work/server.git/hooks/pre-receive"
chmod +x "$work/server.git/hooks/pre-receive"
git remote add origin "$work/server.git"
run git push origin main
[ "$rc" -ne 0 ] || fail "push with an unconfirmed candidate accepted"
grep -q "UNCONFIRMED: the rule's regex hit PCRE2's match limit" <<<"$both" || fail "hook message: $both"
git --git-dir="$work/server.git" rev-parse -q --verify refs/heads/main >/dev/null && fail "the server's main moved"

# --- the per-blob candidate cap: past 1,000,000 Hyperscan reports in one
# blob, the rest of it is not matched. That is said as an unconfirmed finding
# where matching stopped, which no filter drops: not the lines a push adds,
# not a minimum confidence, not leakgate:allow. A rule that fires at every
# byte of a run of 'x' (entropy then drops each candidate) over a 1 MB line.
cat > "$work/cap.json" <<'JSON'
[{"id": "cap-rule", "name": "Cap rule", "description": "fires at every byte of a run",
  "severity": "low", "confidence": "medium", "regex": "x[a-z0-9]{7}", "min_entropy": 2.5,
  "examples": ["xk3j9q2w"], "negative_examples": ["xxxxxxxx"]}]
JSON
cap_reason="over 1000000 candidates in this blob: the rest of it was not matched"
git init -q "$work/caprepo"
cd "$work/caprepo"
{ printf '# leakgate:allow '; head -c 1000100 /dev/zero | tr '\0' x; echo; } > big.txt
git add big.txt && git commit -qm "a blob past the candidate cap"
capcommit=$(git rev-parse HEAD)
# Below the cap, the same rule finds nothing: the finding is the cap's.
head -c 900000 /dev/zero | tr '\0' x > "$work/below.txt"
leak scan --no-git --rules "$work/cap.json" --format json "$work/below.txt"
[ "$rc" -eq 0 ] || fail "below the cap: exit $rc: $out $err"
leak scan --rules "$work/cap.json" --min-confidence high --format json .
[ "$rc" -eq 1 ] || fail "cap: exit $rc (want 1): $err"
jq -e --arg c "$capcommit" --arg why "$cap_reason" '.findings | length == 1 and .[0].rule_id == "cap-rule"
	and .[0].path == "big.txt" and .[0].line == 1 and .[0].commit == $c and .[0].unconfirmed == $why' \
	<<<"$out" >/dev/null || fail "cap, JSON: $(jq -c .findings <<<"$out")"
grep -q "'big.txt': too many candidates; the rest of it was not matched" <<<"$err" || fail "cap warning: $err"
leak scan --rules "$work/cap.json" --format jsonl .
[ "$rc" -eq 1 ] && jq -e --arg why "$cap_reason" 'select(.unconfirmed == $why)' <<<"$out" >/dev/null ||
	fail "cap, JSONL: $rc $out"
leak scan --rules "$work/cap.json" .
[ "$rc" -eq 1 ] && grep -qF "UNCONFIRMED: $cap_reason" <<<"$out" || fail "cap, text: $rc $out"
leak scan --rules "$work/cap.json" --format sarif .
[ "$rc" -eq 1 ] && jq -e --arg why "$cap_reason" '.runs[0].results | length == 1 and .[0].properties.unconfirmed == $why' \
	<<<"$out" >/dev/null || fail "cap, SARIF: $rc $(jq -c '.runs[0].results' <<<"$out")"
# Streamed (over the stream threshold), the cap stops at the same report.
LEAKGATE_STREAM_THRESHOLD=65536 leak scan --no-git --rules "$work/cap.json" --format json big.txt
[ "$rc" -eq 1 ] && jq -e --arg why "$cap_reason" '.findings | length == 1 and .[0].line == 1 and .[0].unconfirmed == $why' \
	<<<"$out" >/dev/null || fail "cap, streamed: $rc $(jq -c .findings <<<"$out")"

# The hook refuses the push of that blob; and a later push that adds a line
# after it, whose cap lands on a line the push does not add, is refused too
# (the rest of the blob, the added line with it, was not looked at).
git init -q --bare "$work/capserver.git"
git remote add origin "$work/capserver.git"
cap_hook() {
	printf '#!/bin/sh\nexec %q hook pre-receive --rules %q "$@"\n' "$LEAKGATE" "$work/cap.json" \
		> "$work/capserver.git/hooks/pre-receive"
	chmod +x "$work/capserver.git/hooks/pre-receive"
}
cap_hook
run git push origin main
[ "$rc" -ne 0 ] || fail "push past the candidate cap accepted"
grep -qF "UNCONFIRMED: $cap_reason" <<<"$both" || fail "cap, hook message: $both"
git --git-dir="$work/capserver.git" rev-parse -q --verify refs/heads/main >/dev/null &&
	fail "cap: the server's main moved"
rm "$work/capserver.git/hooks/pre-receive"
git push -q origin main
cap_hook
echo "one more line" >> big.txt
git commit -qam "a line after the cap"
run git push origin main
[ "$rc" -ne 0 ] || fail "push of a line past the cap accepted"
grep -qF "UNCONFIRMED: $cap_reason" <<<"$both" || fail "cap, second push: $both"
[ "$(git --git-dir="$work/capserver.git" rev-parse refs/heads/main)" = "$capcommit" ] ||
	fail "cap: the second push moved the server's main"

finish t_fail_closed
