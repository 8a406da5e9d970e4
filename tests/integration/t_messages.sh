#!/usr/bin/env bash
# Commit and tag messages are scanned: a token pasted into a commit message
# or an annotated tag's message is found by a whole-history scan and by
# --range, and refuses a push (pre-receive) and a pre-push, while the files
# themselves are clean.
TEST_USER_NAME="Mia Message" TEST_USER_EMAIL=mia@example.org
. "$(dirname "$0")/lib.sh"
leak() { run "$LEAKGATE" "$@"; }

git init -q "$work/repo"
cd "$work/repo"
echo one > a.txt && git add a.txt && git commit -qm "first"
base=$(git rev-parse HEAD)
token=$(hex 16)
echo two > b.txt && git add b.txt
git commit -qm "deploy: fix the webhook" -m "TWILIO_AUTH_TOKEN=$token" -m "reviewed"
bad=$(git rev-parse HEAD)
tag_token=$(hex 16)
git tag -a v1.0 -m "release 1.0" -m "TWILIO_AUTH_TOKEN=$tag_token"
tag_id=$(git rev-parse v1.0)

# --- a whole-history scan: the commit's message, and the tag's
leak scan --format json .
[ "$rc" -eq 1 ] || fail "full scan: exit $rc: $err"
jq -e --arg c "$bad" '[.findings[] | select(.path == "(commit message)" and .line == 3 and .column == 19
	and .commit == $c and .rule_id == "twilio-auth-token" and .author_name == "Mia Message"
	and .blob == null)] | length == 1' <<<"$out" >/dev/null || fail "commit message: $(jq -c .findings <<<"$out")"
jq -e --arg t "$tag_id" '[.findings[] | select(.path == "(tag message)" and .line == 3 and .commit == $t)] | length == 1' \
	<<<"$out" >/dev/null || fail "tag message: $(jq -c .findings <<<"$out")"
[ "$(jq '.findings | length' <<<"$out")" -eq 2 ] || fail "full scan: not exactly two findings: $(jq -c .findings <<<"$out")"
# The same rules, redaction and fingerprints as in files.
fp_file=$({ printf 'TWILIO_AUTH_TOKEN=%s\n' "$token" | "$LEAKGATE" scan --no-git --format json - 2>/dev/null || true; } |
	jq -r '.findings[0].fingerprint')
[ "$(jq -r '.findings[] | select(.path == "(commit message)") | .fingerprint' <<<"$out")" = "$fp_file" ] ||
	fail "the message's fingerprint differs from the same secret in a file"
leak scan .
grep -q "(commit message):3:19" <<<"$out" || fail "text report: $out"
grep -qF "$token" <<<"$out$err" && fail "the commit message's token shows in the text report"
grep -qF "$tag_token" <<<"$out$err" && fail "the tag message's token shows in the text report"

# --- --range: the commits of the range, their messages included
leak scan --range "$base..$bad" --format json .
[ "$rc" -eq 1 ] && jq -e --arg c "$bad" '.findings | length == 1 and .[0].path == "(commit message)" and .[0].commit == $c' \
	<<<"$out" >/dev/null || fail "--range: $rc $out"
leak scan --range "$base..$base" --format json .
[ "$rc" -eq 0 ] || fail "an empty range: exit $rc: $out"
# --- an incremental scan (--state) reports a message once: the second run
# finds the commit walked and the tag matched already; a new tag is matched
# (and only it); a moved tag is a new tag object; --all reports them all
leak scan --state "$work/state" --format json .
[ "$rc" -eq 1 ] && [ "$(jq '[.findings[].path] | sort | join(",")' <<<"$out")" = '"(commit message),(tag message)"' ] ||
	fail "first --state run: $rc $(jq -c .findings <<<"$out")"
leak scan --state "$work/state" --format json .
[ "$rc" -eq 0 ] && [ "$(jq '.findings | length' <<<"$out")" = 0 ] ||
	fail "second --state run reported again: $rc $(jq -c .findings <<<"$out")"
new_token=$(hex 16)
git tag -a v1.1 -m "TWILIO_AUTH_TOKEN=$new_token" "$base"
leak scan --state "$work/state" --format json .
[ "$rc" -eq 1 ] && jq -e --arg t "$(git rev-parse v1.1)" '.findings | length == 1 and .[0].path == "(tag message)"
	and .[0].commit == $t' <<<"$out" >/dev/null || fail "new tag, --state: $rc $(jq -c .findings <<<"$out")"
leak scan --state "$work/state" --format json .
[ "$rc" -eq 0 ] || fail "the new tag reported twice: $(jq -c .findings <<<"$out")"
git tag -f -a v1.1 -m "moved" -m "TWILIO_AUTH_TOKEN=$new_token" "$bad" >/dev/null
leak scan --state "$work/state" --format json .
[ "$rc" -eq 1 ] && jq -e --arg t "$(git rev-parse v1.1)" '.findings | length == 1 and .[0].commit == $t and .[0].line == 3' \
	<<<"$out" >/dev/null || fail "moved tag, --state: $rc $(jq -c .findings <<<"$out")"
leak scan --state "$work/state" --all --format json .
[ "$rc" -eq 1 ] && [ "$(jq '[.findings[] | select(.path == "(tag message)")] | length' <<<"$out")" = 2 ] ||
	fail "--state --all: $rc $(jq -c .findings <<<"$out")"
git tag -d v1.1 >/dev/null

# --- a clean message is no finding
git init -q "$work/clean" && (cd "$work/clean" && echo x > x && git add x && git commit -qm "nothing secret here")
leak scan "$work/clean"
[ "$rc" -eq 0 ] || fail "clean messages: exit $rc: $out"

# --- pre-receive refuses a push of that commit, and of that tag alone
git init -q --bare "$work/server.git"
"$LEAKGATE" install --pre-receive "$work/server.git" >/dev/null
git push -q "$work/server.git" "$base:refs/heads/main" || fail "clean push refused"
run git push "$work/server.git" "$bad:refs/heads/main"
[ "$rc" -ne 0 ] || fail "pre-receive accepted a token in a commit message"
grep -q "(commit message):3" <<<"$both" || fail "pre-receive message: $both"
[ "$(git --git-dir="$work/server.git" rev-parse main)" = "$base" ] || fail "the server's main moved"
git --git-dir="$work/server.git" config receive.denyCurrentBranch ignore
# A tag of a clean commit whose own message holds the token.
git tag -a v0.9 -m "TWILIO_AUTH_TOKEN=$tag_token" "$base"
run git push "$work/server.git" v0.9
[ "$rc" -ne 0 ] || fail "pre-receive accepted a token in a tag message"
grep -q "(tag message):1" <<<"$both" || fail "pre-receive tag message: $both"

# --- pre-push refuses it before it leaves
git init -q --bare "$work/remote.git"
git remote add origin "$work/remote.git"
git push -q origin "$base:refs/heads/main"
"$LEAKGATE" install --pre-push >/dev/null 2>&1 || "$LEAKGATE" install >/dev/null
run git push origin "$bad:refs/heads/main"
[ "$rc" -ne 0 ] || fail "pre-push let a token in a commit message through"
grep -q "(commit message):3" <<<"$both" || fail "pre-push message: $both"

finish t_messages
