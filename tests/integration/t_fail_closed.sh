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

finish t_fail_closed
