#!/usr/bin/env bash
# The server-side hook, installed with `leakgate install --pre-receive` into
# a bare repository, against real pushes from a clone over file://.
TEST_USER_NAME="Pat Pusher" TEST_USER_EMAIL=pat@example.org
. "$(dirname "$0")/lib.sh"
hex32() { hex 16; }
# A Twilio auth token line, made up at test time.
token_line() { printf 'TWILIO_AUTH_TOKEN=%s\n' "$(hex32)"; }

git init -q --bare "$work/server.git"
"$LEAKGATE" install --pre-receive "$work/server.git" >/dev/null
[ -x "$work/server.git/hooks/pre-receive" ] || fail "install wrote no executable pre-receive hook"
git clone -q "file://$work/server.git" "$work/clone" 2>/dev/null
cd "$work/clone"

# push REFSPEC...: runs git push, keeps its output in $out and status in $rc.
push() {
	set +e
	out=$(git push "$@" 2>&1)
	rc=$?
	set -e
}
server_rev() { git -C "$work/server.git" rev-parse --verify -q "$1" || echo none; }

# --- a clean push is accepted
echo "hello" > README && git add README && git commit -qm "readme"
push origin main
[ "$rc" -eq 0 ] || fail "clean push refused: $out"
[ "$(server_rev main)" = "$(git rev-parse HEAD)" ] || fail "clean push did not land"

# --- a push with a Twilio auth token is refused, names path and line
printf 'A=1\n%s' "$(token_line)" > .env && git add .env && git commit -qm "add env"
secret_commit=$(git rev-parse HEAD)
secret_blob=$(git rev-parse HEAD:.env)
push origin main
[ "$rc" -ne 0 ] || fail "push with a secret was accepted"
grep -q "remote: leakgate: push rejected: 1 secret" <<<"$out" || fail "no rejection message: $out"
grep -q "commit ${secret_commit:0:12}  .env:2" <<<"$out" || fail "message does not name commit, path and line: $out"
grep -q "Twilio Auth Token" <<<"$out" || fail "message does not name the rule"
grep -q "Rotate the credential" <<<"$out" || fail "message does not say to rotate"
secret=$(sed -n 2p .env | cut -d= -f2)
grep -q "$secret" <<<"$out" && fail "the full secret reached the pusher"
[ "$(server_rev main)" != "$secret_commit" ] || fail "ref moved despite the refusal"
git -C "$work/server.git" cat-file -e "$secret_blob" 2>/dev/null && fail "secret blob is in the server's repository"

# --- a push that adds a secret and removes it again is still refused
git rm -q .env && git commit -qm "remove env"
push origin main
[ "$rc" -ne 0 ] || fail "add-then-remove push was accepted"
grep -q "commit ${secret_commit:0:12}  .env:2" <<<"$out" || fail "add-then-remove: wrong attribution: $out"

# --- rewrite the history, then the push is accepted
git reset -q --hard origin/main
echo "more" >> README && git commit -qam "more"
push origin main
[ "$rc" -eq 0 ] || fail "clean push after rewrite refused: $out"

# --- a new branch and a tag are scanned
git checkout -qb feature
token_line > feature.env && git add feature.env && git commit -qm "feature secret"
push origin feature
[ "$rc" -ne 0 ] || fail "new branch with a secret was accepted"
[ "$(server_rev feature)" = none ] || fail "refused branch exists on the server"
git tag -a v1 -m v1
push origin v1
[ "$rc" -ne 0 ] || fail "tag reaching a secret was accepted"
grep -q "feature.env:1" <<<"$out" || fail "tag push does not name the file: $out"
git checkout -q main
git branch -D -q feature
git tag -d v1 >/dev/null

# --- deleting a branch is accepted
git checkout -qb doomed && push origin doomed
[ "$rc" -eq 0 ] || fail "clean new branch refused: $out"
git checkout -q main
push origin :doomed
[ "$rc" -eq 0 ] || fail "branch deletion refused: $out"
[ "$(server_rev doomed)" = none ] || fail "branch not deleted"

# --- a force push is scanned
echo "x" > x && git add x && git commit -qm x && push origin main
git reset -q --hard HEAD~1
token_line > forced.env && git add forced.env && git commit -qm "forced secret"
push --force origin main
[ "$rc" -ne 0 ] || fail "force push with a secret was accepted"
grep -q "forced.env:1" <<<"$out" || fail "force push: wrong path: $out"
git reset -q --hard origin/main

# --- an old secret already in the server's history does not block an
# unrelated push, nor a push that leaves its line untouched
old_secret=$(token_line)
git -C "$work/server.git" config core.hooksPath /dev/null
printf '%s\nB=2\n' "$old_secret" > legacy.env && git add legacy.env && git commit -qm legacy && push origin main
git -C "$work/server.git" config --unset core.hooksPath
echo "B=3" >> legacy.env && git commit -qam "touch legacy, not its secret line"
push origin main
[ "$rc" -eq 0 ] || fail "push leaving an old secret line untouched was refused: $out"
git mv legacy.env moved.env && git commit -qm "rename legacy"
push origin main
[ "$rc" -eq 0 ] || fail "rename of a file with an old secret was refused: $out"

# --- several refs in one push: one bad ref refuses the push
git checkout -qb ok-branch && echo ok > ok && git add ok && git commit -qm ok
git checkout -qb bad-branch && token_line > bad.env && git add bad.env && git commit -qm bad
push origin ok-branch bad-branch
[ "$rc" -ne 0 ] || fail "multi-ref push with one secret was accepted"
git checkout -q main

# --- .leakgateignore and leakgate:allow from the pushed content
git checkout -qb allowed
printf '%s # leakgate:allow test value\n' "$(token_line)" > allowed.env
git add allowed.env && git commit -qm "allowed inline"
push origin allowed
[ "$rc" -eq 0 ] || fail "inline leakgate:allow was not honoured: $out"
token_line > fixtures.env && printf 'fixtures.env\n' > .leakgateignore
git add fixtures.env .leakgateignore && git commit -qm "ignored fixture"
push origin allowed
[ "$rc" -eq 0 ] || fail "pushed .leakgateignore was not honoured: $out"
git checkout -q main

# --- a corrupt rule cache is rebuilt
for f in "$LEAKGATE_CACHE_DIR"/hsdb-*.bin; do echo garbage > "$f"; done
git checkout -qb after-cache && token_line > c.env && git add c.env && git commit -qm c
push origin after-cache
[ "$rc" -ne 0 ] || fail "after a corrupt cache, a secret was accepted: $out"
[ "$(wc -c < "$(ls "$LEAKGATE_CACHE_DIR"/hsdb-*.bin | head -1)")" -gt 100 ] || fail "cache was not rebuilt"
git checkout -q main

# --- fail closed on an internal error or past the time budget;
# --on-error=allow chooses availability
hook=$work/server.git/hooks/pre-receive
cp "$hook" "$work/hook.saved"

# server_hook ARGS...: the server's hook becomes `leakgate hook pre-receive ARGS`.
server_hook() {
	{ printf '#!/bin/sh\nexec %q hook pre-receive' "$LEAKGATE"; printf ' %q' "$@"; printf ' "$@"\n'; } > "$hook"
}

# fails_closed BRANCH MESSAGE ARGS...: with hook ARGS the check cannot finish,
# so a clean push of BRANCH is refused with MESSAGE and logged as an error;
# with --on-error=allow it goes through.
fails_closed() {
	local branch=$1 message=$2
	shift 2
	git checkout -qb "$branch" && echo "$branch" > "$branch" && git add "$branch" && git commit -qm "$branch"
	server_hook "$@" --log "$work/events.log"
	push origin "$branch"
	[ "$rc" -ne 0 ] || fail "$branch: the push went through"
	grep -q "push rejected: $message" <<<"$out" || fail "$branch: no '$message' message: $out"
	grep -q "the check failed, so it refuses" <<<"$out" || fail "$branch: no fail-closed message: $out"
	[ "$(tail -1 "$work/events.log" | jq -r .event)" = error ] || fail "$branch: error not logged"
	server_hook "$@" --on-error=allow
	push origin "$branch"
	[ "$rc" -eq 0 ] || fail "$branch: --on-error=allow still refused: $out"
	git checkout -q main
}
fails_closed bad-rules "cannot load the rules" --rules /nonexistent/rules.json
# A budget of a microsecond is spent before the first blob is read.
fails_closed over-time "time budget of 1e-06 s exceeded" --timeout 0.000001
cp "$work/hook.saved" "$hook"

# --- the push-option bypass: off by default, logged when enabled
git -C "$work/server.git" config receive.advertisePushOptions true
git checkout -qb bypass && token_line > by.env && git add by.env && git commit -qm by
push origin bypass
fp=$(grep -o 'fingerprint [0-9a-f]\{32\}' <<<"$out" | head -1 | cut -d' ' -f2)
[ -n "$fp" ] || fail "no fingerprint in the rejection: $out"
push -o "leakgate.allow=$fp" origin bypass
[ "$rc" -ne 0 ] || fail "bypass honoured without --allow-push-option"
server_hook --allow-push-option --log "$work/events.log"
GL_USERNAME=mallory push -o "leakgate.allow=$fp" origin bypass
[ "$rc" -eq 0 ] || fail "bypass with --allow-push-option refused: $out"
bypass_event=$(grep '"event":"bypass"' "$work/events.log" | tail -1)
[ -n "$bypass_event" ] || fail "bypass not logged"
[ "$(jq -r '.user + " " + (.refs | join(",")) + " " + (.fingerprints | join(","))' <<<"$bypass_event")" = \
  "mallory refs/heads/bypass $fp" ] || fail "bypass log lacks the user, the ref or the fingerprint: $bypass_event"
[ "$(jq .findings <<<"$bypass_event")" = 1 ] || fail "bypass log does not count the finding: $bypass_event"
cp "$work/hook.saved" "$hook"

git -C "$work/server.git" fsck --no-progress >/dev/null 2>&1 || fail "git fsck reports problems"

finish "pre-receive"
