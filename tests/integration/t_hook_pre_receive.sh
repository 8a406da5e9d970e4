#!/usr/bin/env bash
# The server-side hook, installed with `leakgate install --pre-receive` into
# a bare repository, against real pushes from a clone over file://.
TEST_USER_NAME="Pat Pusher" TEST_USER_EMAIL=pat@example.org
. "$(dirname "$0")/lib.sh"
hex32() { hex 16; }
# A Twilio auth token line, made up at test time.
token_line() { printf 'TWILIO_AUTH_TOKEN=%s\n' "$(hex32)"; }
# An AWS access key id and a GitHub token (its CRC32 checksum made here too),
# both made up at test time.
aws_key_line() {
	printf 'AWS_ACCESS_KEY_ID=AKIA%s\n' "$(head -c 2048 /dev/urandom | tr -dc 'A-Z2-7' | head -c 16)"
}
github_token_line() {
	python3 -c '
import random, string, zlib
a = string.digits + string.ascii_uppercase + string.ascii_lowercase
body = "".join(random.SystemRandom().choice(string.ascii_letters + string.digits) for _ in range(30))
n, sum6 = zlib.crc32(body.encode()), ""
for _ in range(6):
    sum6, n = a[n % 62] + sum6, n // 62
print("GITHUB_TOKEN=gh" + "p_" + body + sum6)'
}

git init -q --bare "$work/server.git"
# install warms the rule cache, so that the first push does not spend its
# time budget compiling the rules: the push below finds it warm.
install_out=$("$LEAKGATE" install --pre-receive "$work/server.git")
[ -x "$work/server.git/hooks/pre-receive" ] || fail "install wrote no executable pre-receive hook"
grep -q "^rule cache warm in $work/cache ([0-9]* rules" <<<"$install_out" || fail "install did not warm the cache: $install_out"
ls "$work/cache"/hsdb-*.bin "$work/cache"/rules-*.bin >/dev/null 2>&1 || fail "install left the cache empty: $(ls "$work/cache" 2>&1)"
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

hook=$work/server.git/hooks/pre-receive
cp "$hook" "$work/hook.saved"

# server_hook ARGS...: the server's hook becomes `leakgate hook pre-receive ARGS`.
server_hook() {
	{ printf '#!/bin/sh\nexec %q hook pre-receive' "$LEAKGATE"; printf ' %q' "$@"; printf ' "$@"\n'; } > "$hook"
}


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

# --- a push cannot exempt itself: the exact bypass of issue 13, an ignore
# file holding '**' pushed together with an AWS key and a GitHub token
git checkout -qb exempt-self
{ aws_key_line; github_token_line; } > prod.env
printf '**\n' > .leakgateignore
git add prod.env .leakgateignore && git commit -qm "prod config, ignored by itself"
exempt_commit=$(git rev-parse HEAD)
push origin exempt-self
[ "$rc" -ne 0 ] || fail "a push exempting itself with .leakgateignore '**' was accepted"
grep -q "push rejected: 2 secrets" <<<"$out" || fail "self-exempting push: not both secrets named: $out"
grep -q "commit ${exempt_commit:0:12}  prod.env:1" <<<"$out" || fail "self-exempting push: AWS key not named: $out"
grep -q "commit ${exempt_commit:0:12}  prod.env:2" <<<"$out" || fail "self-exempting push: GitHub token not named: $out"
grep -q "only reviewed exemptions" <<<"$out" || fail "refusal does not say how to get an exemption: $out"
[ "$(server_rev exempt-self)" = none ] || fail "self-exempting branch exists on the server"
git checkout -q main
git branch -D -q exempt-self

# --- an ignore-file change landed in one push counts from the next push on
printf 'fixtures/\n' > .leakgateignore && git add .leakgateignore && git commit -qm "ignore fixtures"
push origin main
[ "$rc" -eq 0 ] || fail "a clean push changing .leakgateignore was refused: $out"
mkdir -p fixtures && token_line > fixtures/test.env && git add fixtures && git commit -qm "fixture"
push origin main
[ "$rc" -eq 0 ] || fail "the default branch's .leakgateignore was not honoured by the next push: $out"
# ...and only the default branch's: an exemption on another branch is not reviewed
git checkout -qb side
printf 'fixtures/\nside.env\n' > .leakgateignore && git add .leakgateignore && git commit -qm "side ignore"
push origin side
[ "$rc" -eq 0 ] || fail "clean side branch refused: $out"
token_line > side.env && git add side.env && git commit -qm "side secret"
push origin side
[ "$rc" -ne 0 ] || fail "a side branch's .leakgateignore exempted its own later push"
git checkout -q main

# --- inline leakgate:allow on a pushed line: refused by default, with one
# line saying why and how; honoured, and logged, when the server says so
git checkout -qb inline
printf '%s # leakgate:allow test value\n' "$(token_line)" > allowed.env
git add allowed.env && git commit -qm "allowed inline"
inline_commit=$(git rev-parse HEAD)
push origin inline
[ "$rc" -ne 0 ] || fail "inline leakgate:allow was honoured by default"
grep -q "commit ${inline_commit:0:12}  allowed.env:1" <<<"$out" || fail "inline allow: finding not named: $out"
fp=$(grep -o 'fingerprint [0-9a-f]\{32\}' <<<"$out" | head -1 | cut -d' ' -f2)
grep -q "remote: leakgate: $fp: its line says 'leakgate:allow', which this server does not honour from a push; for an exemption, land the fingerprint in .leakgateignore on the default branch, or ask an administrator" <<<"$out" ||
	fail "inline allow: no line saying why and how: $out"
[ "$(server_rev inline)" = none ] || fail "inline allow: the ref moved"
git -C "$work/server.git" config leakgate.inlineAllow honour
git -C "$work/server.git" config leakgate.log "$work/inline.log"
GL_USERNAME=ian push origin inline
[ "$rc" -eq 0 ] || fail "leakgate.inlineAllow=honour did not honour the marker: $out"
grep -q "inline leakgate:allow honoured: $fp" <<<"$out" || fail "honoured marker not shown: $out"
inline_event=$(grep '"event":"inline-allow"' "$work/inline.log" | tail -1)
[ "$(jq -r '.user + " " + (.fingerprints | join(",")) + " " + (.duration | type)' <<<"$inline_event" 2>/dev/null)" = "ian $fp number" ] ||
	fail "inline-allow not logged with the user and fingerprint: $(cat "$work/inline.log")"
# an unmarked secret in the same push is still refused when honouring
printf '%s # leakgate:allow\n' "$(token_line)" > allowed2.env && token_line > plain.env
git add allowed2.env plain.env && git commit -qm "one marked, one not"
push origin inline
[ "$rc" -ne 0 ] || fail "honouring the marker let an unmarked secret through"
grep -q "push rejected: 1 secret" <<<"$out" || fail "honouring: not exactly the unmarked secret refused: $out"
grep -q "plain.env:1" <<<"$out" || fail "honouring: unmarked secret not named: $out"
# the command line wins over git config
git -C "$work/server.git" config --unset leakgate.log
server_hook --inline-allow=refuse
git reset -q --hard HEAD~1
printf '%s # leakgate:allow\n' "$(token_line)" > allowed3.env && git add allowed3.env && git commit -qm "marked again"
push origin inline
[ "$rc" -ne 0 ] || fail "--inline-allow=refuse did not win over leakgate.inlineAllow=honour"
cp "$work/hook.saved" "$hook"
git -C "$work/server.git" config leakgate.inlineAllow sometimes
push origin inline
grep -q "git config leakgate.inlineAllow takes 'refuse' or 'honour', not 'sometimes'" <<<"$out" ||
	fail "bad leakgate.inlineAllow not named: $out"
git -C "$work/server.git" config --unset leakgate.inlineAllow
git checkout -q main

# --- the server's own ignore file (git config leakgate.ignoreFile)
git checkout -qb server-ignored
token_line > vendor.env && git add vendor.env && git commit -qm "vendor"
push origin server-ignored
[ "$rc" -ne 0 ] || fail "vendor.env accepted before the server ignored it"
printf '# reviewed by the admins\nvendor.env\n' > "$work/server-ignore"
git -C "$work/server.git" config leakgate.ignoreFile "$work/server-ignore"
push origin server-ignored
[ "$rc" -eq 0 ] || fail "leakgate.ignoreFile was not honoured: $out"
# a server ignore file that cannot be read fails closed
git -C "$work/server.git" config leakgate.ignoreFile "$work/no-such-ignore"
echo more >> README && git commit -qam "more readme"
push origin server-ignored
[ "$rc" -ne 0 ] || fail "a missing leakgate.ignoreFile let the push through"
grep -q "cannot open the ignore file" <<<"$out" || fail "missing ignore file not named: $out"
git -C "$work/server.git" config --unset leakgate.ignoreFile
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
fails_closed over-time "the check ran [0-9.]* s, past its time budget of 1e-06 s (loading the rules took [0-9.]* s); raise the budget with 'git config leakgate.timeout SECONDS'" --timeout 0.000001
# Loading the rules counts against the budget: with a cold cache, compiling
# the rule pack alone (hundreds of regexes for Hyperscan) takes longer than
# a tenth of a second on any machine, and the push is refused, saying why.
export LEAKGATE_CACHE_DIR="$work/cold-cache"
fails_closed cold-rules "the check ran [0-9.]* s, past its time budget of 0.1 s (loading the rules took [0-9.]* s" --timeout 0.1
export LEAKGATE_CACHE_DIR="$work/cache"
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

# --- settings in git config: install writes them, the hook reads them on
# each run (no reinstall), and an option on the command line wins
git init -q --bare "$work/cfg.git"
# Rules that do not load would refuse every push: install refuses, and
# writes neither a hook nor a setting.
set +e; out=$("$LEAKGATE" install --pre-receive --rules "$work/rules.json" "$work/cfg.git" 2>&1); rc=$?; set -e
[ "$rc" -eq 2 ] || fail "install with rules that do not load: exit $rc"
grep -q "the hooks cannot load their rules (see above), so every push or commit would be refused: nothing installed" <<<"$out" ||
	fail "install with rules that do not load: $out"
[ -e "$work/cfg.git/hooks/pre-receive" ] && fail "install with rules that do not load wrote a hook"
git -C "$work/cfg.git" config leakgate.rules >/dev/null && fail "install with rules that do not load wrote the setting"
"$LEAKGATE" rules export "$work/exported" >/dev/null
cp "$work/exported/twilio.json" "$work/rules.json"
"$LEAKGATE" install --pre-receive --timeout 9 --on-error=allow --log "$work/cfg.log" \
	--allow-push-option --rules "$work/rules.json" --ignore-file "$work/srv-ignore" "$work/cfg.git" >/dev/null ||
	fail "install with settings failed"
[ "$(git -C "$work/cfg.git" config --get-regexp '^leakgate\.' | sort | tr '\n' ';')" = \
  "leakgate.allowpushoption true;leakgate.ignorefile $work/srv-ignore;leakgate.log $work/cfg.log;leakgate.onerror allow;leakgate.rules $work/rules.json;leakgate.timeout 9;" ] ||
	fail "install did not write the settings: $(git -C "$work/cfg.git" config --get-regexp '^leakgate\.')"
set +e; out=$("$LEAKGATE" install --pre-receive --timeout soon "$work/cfg.git" 2>&1); rc=$?; set -e
[ "$rc" -eq 2 ] || fail "install took a bad --timeout (rc $rc)"
grep -q -- "--timeout takes seconds, not 'soon'" <<<"$out" || fail "bad install setting not named: $out"

cp "$work/hook.saved" "$hook"
srv() { git -C "$work/server.git" config "$@"; }
git checkout -qb settings && echo s > s && git add s && git commit -qm s
srv leakgate.log "$work/cfg-events.log"
push origin settings
[ "$rc" -eq 0 ] || fail "settings: clean push refused: $out"
[ "$(jq -r .event "$work/cfg-events.log" 2>/dev/null | tail -1)" = accepted ] || fail "leakgate.log not honoured"
srv leakgate.rules /nonexistent/rules.json
echo s2 >> s && git commit -qam s2
push origin settings
[ "$rc" -ne 0 ] || fail "leakgate.rules naming no file: the push went through"
grep -q "push rejected: cannot load the rules" <<<"$out" || fail "leakgate.rules not read: $out"
srv leakgate.onError allow
push origin settings
[ "$rc" -eq 0 ] || fail "leakgate.onError=allow not honoured: $out"
[ "$(jq -r .event "$work/cfg-events.log" | tail -1)" = error-allowed ] || fail "allowed error not logged"
# the command line wins over git config
server_hook --on-error=reject
echo s3 >> s && git commit -qam s3
push origin settings
[ "$rc" -ne 0 ] || fail "--on-error=reject did not win over leakgate.onError=allow"
server_hook --rules "$work/no-rules-either.json" --log "$work/cli-events.log"
push origin settings
[ "$(jq -r .event "$work/cli-events.log" 2>/dev/null | tail -1)" = error-allowed ] ||
	fail "--log did not win over leakgate.log: $(cat "$work/cli-events.log" 2>&1)"
cp "$work/hook.saved" "$hook"
srv --unset leakgate.rules
srv --unset leakgate.onError
# a bad value fails closed and names the setting
srv leakgate.timeout soon
echo s4 >> s && git commit -qam s4
push origin settings
[ "$rc" -ne 0 ] || fail "a bad leakgate.timeout let the push through"
grep -q "git config leakgate.timeout takes seconds, not 'soon'" <<<"$out" || fail "bad setting not named: $out"
srv leakgate.timeout 0.000001
push origin settings
[ "$rc" -ne 0 ] || fail "leakgate.timeout not honoured"
grep -q "past its time budget of 1e-06 s" <<<"$out" || fail "leakgate.timeout: message: $out"
srv --unset leakgate.timeout
# leakgate.allowPushOption as a boolean
token_line > opt.env && git add opt.env && git commit -qm opt
push origin settings
fp=$(grep -o 'fingerprint [0-9a-f]\{32\}' <<<"$out" | head -1 | cut -d' ' -f2)
srv leakgate.allowPushOption true
push -o "leakgate.allow=$fp" origin settings
[ "$rc" -eq 0 ] || fail "leakgate.allowPushOption=true not honoured: $out"
[ "$(jq -r .event "$work/cfg-events.log" | grep -c bypass)" = 1 ] || fail "config bypass not logged"
srv --unset leakgate.allowPushOption
# every event records the hook's duration, in seconds
for log in "$work/events.log" "$work/cfg-events.log" "$work/cli-events.log"; do
	jq -e -s 'length > 0 and all(.[]; (.duration | type) == "number" and .duration >= 0)' "$log" >/dev/null ||
		fail "an event in $log lacks its duration"
done
srv --unset leakgate.log
git checkout -q main

# --- the server's script when its leakgate is gone: the one on PATH, else
# the push is refused (fails closed) with one line saying how to fix it
mkdir -p "$work/opt"
cp "$LEAKGATE" "$work/opt/leakgate"
git init -q --bare "$work/moved.git"
"$work/opt/leakgate" install --pre-receive "$work/moved.git" >/dev/null
git remote add moved "file://$work/moved.git"
rm "$work/opt/leakgate"
git checkout -q --orphan fresh && git rm -rqf . && echo clean > clean && git add clean && git commit -qm fresh
mkdir -p "$work/gitonly" && ln -s "$(command -v git)" "$work/gitonly/git"
PATH=$work/gitonly push moved fresh
[ "$rc" -ne 0 ] || fail "server hook without leakgate: the push went through"
grep -qF "remote: leakgate: push refused: cannot run the secret check: $work/opt/leakgate is gone and no leakgate is on PATH; install leakgate (cmake --install build) or run 'leakgate install' again" <<<"$out" ||
	fail "server hook without leakgate: message: $out"
[ "$(git -C "$work/moved.git" rev-parse -q --verify fresh || echo none)" = none ] || fail "the ref moved"
mkdir -p "$work/pathbin" && ln -s "$LEAKGATE" "$work/pathbin/leakgate"
PATH=$work/pathbin:$PATH push moved fresh
[ "$rc" -eq 0 ] || fail "server hook with leakgate on PATH: clean push refused: $out"
token_line > late.env && git add late.env && git commit -qm late
PATH=$work/pathbin:$PATH push moved fresh
[ "$rc" -ne 0 ] || fail "server hook with leakgate on PATH: a secret went through"
git checkout -q main

git -C "$work/server.git" fsck --no-progress >/dev/null 2>&1 || fail "git fsck reports problems"

finish "pre-receive"
