#!/usr/bin/env bash
# The developer-side hooks: pre-commit and pre-push installed with
# `leakgate install`, driven by real `git commit` and `git push`; install and
# uninstall keep a foreign hook intact; scan --staged and --range.
TEST_USER_NAME="Dee Developer" TEST_USER_EMAIL=dee@example.org
. "$(dirname "$0")/lib.sh"
hex32() { hex 16; }
token_line() { printf 'TWILIO_AUTH_TOKEN=%s\n' "$(hex32)"; }
run() {
	set +e
	out=$("$@" 2>&1)
	rc=$?
	set -e
}

git init -q --bare "$work/remote.git"
git init -q "$work/dev"
cd "$work/dev"

# --- install keeps a foreign hook: refuses without --chain, chains with it
printf '#!/bin/sh\necho foreign-pre-commit-ran >&2\n' > .git/hooks/pre-commit
chmod +x .git/hooks/pre-commit
run "$LEAKGATE" install
[ "$rc" -eq 3 ] || fail "install over a foreign hook did not refuse (rc $rc)"
grep -q "is not leakgate's" <<<"$out" || fail "refusal does not explain: $out"
[ ! -e .git/hooks/pre-push ] || fail "a refused install still wrote pre-push"
run "$LEAKGATE" install --chain
[ "$rc" -eq 0 ] || fail "install --chain failed: $out"
[ -x .git/hooks/pre-commit.leakgate-chained ] || fail "foreign hook was not kept"

# --- pre-commit blocks the very first commit when it adds a secret
printf 'A=1\n' > app.env && token_line >> app.env && git add app.env
run git commit -qm "first"
[ "$rc" -ne 0 ] || fail "first commit with a secret went through"
grep -q "foreign-pre-commit-ran" <<<"$out" || fail "chained hook did not run"
grep -q "leakgate: commit rejected: 1 secret in the staged changes" <<<"$out" || fail "no pre-commit message: $out"
grep -q "app.env:2" <<<"$out" || fail "pre-commit message lacks path:line: $out"
git rev-parse -q --verify HEAD >/dev/null && fail "a commit was made"

# --- scan --staged shows the same
run "$LEAKGATE" scan --staged --format json
[ "$rc" -eq 1 ] || fail "scan --staged rc $rc"
[ "$(jq -r '.findings[0].path + ":" + (.findings[0].line|tostring)' <<<"$out" 2>/dev/null | head -1)" = "app.env:2" ] ||
	fail "scan --staged finding: $out"

# --- a clean commit goes through
printf 'A=1\n' > app.env && git add app.env
run git commit -qm "first"
[ "$rc" -eq 0 ] || fail "clean commit blocked: $out"

# --- pre-push blocks a push whose commits add a secret
git remote add origin "file://$work/remote.git"
run git push -q origin main
[ "$rc" -eq 0 ] || fail "clean push blocked: $out"
token_line > second.env && git add second.env
git commit -q --no-verify -m "secret, committed past the hook"
bad=$(git rev-parse HEAD)
run git push -q origin main
[ "$rc" -ne 0 ] || fail "pre-push let a secret through"
grep -q "commit ${bad:0:12}  second.env:1" <<<"$out" || fail "pre-push message: $out"
# pre-push runs before anything is sent: rewrite, the secret has not left
grep -q "leakgate: push rejected: 1 secret in the pushed commits" <<<"$out" || fail "pre-push headline: $out"
grep -q "The secret has not left this machine yet: rewrite the commits before" <<<"$out" ||
	fail "pre-push does not say the secret is still local: $out"
grep -q "it has left your machine" <<<"$out" && fail "pre-push says the secret has left the machine: $out"
[ "$(git -C "$work/remote.git" rev-parse main)" != "$bad" ] || fail "remote moved"

# --- scan --range shows the same commits
run "$LEAKGATE" scan --range origin/main..main --format jsonl
[ "$rc" -eq 1 ] || fail "scan --range rc $rc"
[ "$(jq -r .commit <<<"$out" 2>/dev/null)" = "$bad" ] || fail "scan --range commit: $out"

# --- a new branch: only commits the remote has not seen are scanned
git reset -q --hard origin/main
git checkout -qb topic
echo t > t && git add t && git commit -qm t
run git push -q origin topic
[ "$rc" -eq 0 ] || fail "clean new branch blocked (old history rescanned?): $out"

# --- uninstall removes only leakgate's hooks and restores the foreign one
run "$LEAKGATE" uninstall
[ "$rc" -eq 0 ] || fail "uninstall failed: $out"
[ ! -e .git/hooks/pre-push ] || fail "pre-push not removed"
grep -q "foreign-pre-commit-ran" .git/hooks/pre-commit || fail "foreign hook not restored"
[ ! -e .git/hooks/pre-commit.leakgate-chained ] || fail "chained copy left behind"

# --- core.hooksPath is honoured
git config core.hooksPath .githooks
run "$LEAKGATE" install --pre-commit
[ "$rc" -eq 0 ] || fail "install with core.hooksPath failed: $out"
[ -x .githooks/pre-commit ] || fail "hook not written to core.hooksPath"
token_line > third.env && git add third.env
run git commit -qm third
[ "$rc" -ne 0 ] || fail "hook in core.hooksPath did not run"

# --- the installed script finds leakgate: the binary it was installed from,
# else the one on PATH, else it refuses with one line saying how to fix it
git init -q "$work/moved"
cd "$work/moved"
mkdir -p "$work/opt" "$work/pathbin"
cp "$LEAKGATE" "$work/opt/leakgate"
# A leakgate on PATH that says it ran, so the test knows which one did.
printf '#!/bin/sh\necho path-leakgate-ran >&2\nexec %q "$@"\n' "$LEAKGATE" > "$work/pathbin/leakgate"
chmod +x "$work/pathbin/leakgate"
run "$work/opt/leakgate" install --pre-commit
[ "$rc" -eq 0 ] || fail "install from a copy failed: $out"
grep -qF "$work/opt/leakgate" .git/hooks/pre-commit || fail "script does not name the installing binary"
token_line > fourth.env && git add fourth.env
PATH=$work/pathbin:$PATH run git commit -qm fourth
[ "$rc" -ne 0 ] || fail "installed binary: secret committed"
grep -q "path-leakgate-ran" <<<"$out" && fail "the leakgate on PATH ran while the installed one exists"
grep -q "commit rejected: 1 secret" <<<"$out" || fail "installed binary: no rejection: $out"
# moved away: the one on PATH takes over
mv "$work/opt/leakgate" "$work/opt/leakgate.moved"
PATH=$work/pathbin:$PATH run git commit -qm fourth
[ "$rc" -ne 0 ] || fail "binary moved: secret committed"
grep -q "path-leakgate-ran" <<<"$out" || fail "binary moved: the leakgate on PATH did not run: $out"
grep -q "commit rejected: 1 secret" <<<"$out" || fail "binary moved: no rejection: $out"
# neither: refused, one line naming the missing file and the fix (a PATH
# holding git alone, in case a leakgate is installed on this machine)
mkdir -p "$work/gitonly" && ln -s "$(command -v git)" "$work/gitonly/git"
PATH=$work/gitonly run git commit -qm fourth
[ "$rc" -ne 0 ] || fail "no leakgate anywhere: the commit went through"
[ "$out" = "leakgate: commit refused: cannot run the secret check: $work/opt/leakgate is gone and no leakgate is on PATH; install leakgate (cmake --install build) or run 'leakgate install' again" ] ||
	fail "no leakgate anywhere: message: $out"
git reset -q fourth.env
# a clean commit with no leakgate anywhere is refused as well (fails closed)
echo clean > clean.txt && git add clean.txt
PATH=$work/gitonly run git commit -qm clean
[ "$rc" -ne 0 ] || fail "no leakgate anywhere: a clean commit went through"
git reset -q clean.txt

# --- cmake --install puts leakgate in <prefix>/bin, from where it installs hooks
cmake --install "$(dirname "$LEAKGATE")" --prefix "$work/prefix" >/dev/null || fail "cmake --install failed"
[ -x "$work/prefix/bin/leakgate" ] || fail "cmake --install did not install bin/leakgate"
git init -q "$work/installed" && cd "$work/installed"
run "$work/prefix/bin/leakgate" install --pre-commit
[ "$rc" -eq 0 ] || fail "the installed leakgate cannot install hooks: $out"
grep -qF "installed='$work/prefix/bin/leakgate'" .git/hooks/pre-commit || fail "hook does not run the installed binary"
token_line > s.env && git add s.env
run git commit -qm s
[ "$rc" -ne 0 ] || fail "the installed leakgate's hook let a secret through"

finish "developer hooks"
