#!/usr/bin/env bash
# This project's .pre-commit-hooks.yaml, run by the real pre-commit
# framework (Debian 12's 3.0.4 is the oldest one we target): a commit and a
# first push (which includes the root commit, where pre-commit sets no
# PRE_COMMIT_FROM_REF/TO_REF), each with and without a secret. pre-commit
# clones the hooks from a local repository, never from the network.
TEST_USER_NAME="Fran Framework" TEST_USER_EMAIL=fran@example.org
. "$(dirname "$0")/lib.sh"
: "${LEAKGATE_SOURCE_DIR:?path to the source tree}"

if ! command -v pre-commit >/dev/null; then
	echo "SKIP: pre-commit is not installed (scripts/run.sh test installs Debian's)"
	exit 77
fi
export PRE_COMMIT_HOME=$work/pre-commit-cache
# The hooks are `language: system`: leakgate must be on PATH.
mkdir -p "$work/bin" && ln -s "$LEAKGATE" "$work/bin/leakgate"
export PATH=$work/bin:$PATH

# The hooks' repository: this tree's .pre-commit-hooks.yaml, committed.
git init -q "$work/hooks"
cp "$LEAKGATE_SOURCE_DIR/.pre-commit-hooks.yaml" "$work/hooks/"
git -C "$work/hooks" add .pre-commit-hooks.yaml
git -C "$work/hooks" commit -qm hooks
hooks_rev=$(git -C "$work/hooks" rev-parse HEAD)

# new_project NAME: a repository using both hooks, installed by pre-commit,
# with a bare remote `origin`; leaves the shell in it.
new_project() {
	git init -q --bare "$work/$1-remote.git"
	git init -q "$work/$1"
	cd "$work/$1"
	git remote add origin "file://$work/$1-remote.git"
	cat > .pre-commit-config.yaml <<EOF
repos:
  - repo: file://$work/hooks
    rev: $hooks_rev
    hooks:
      - id: leakgate
      - id: leakgate-pre-push
EOF
	run pre-commit install --hook-type pre-commit --hook-type pre-push
	[ "$rc" -eq 0 ] || fail "$1: pre-commit install failed: $both"
}

# --- commits: one with a secret is refused, a clean one passes
new_project commits
git add .pre-commit-config.yaml
printf 'A=1\n' > app.env && twilio_token_line >> app.env && git add app.env
run git commit -qm "with a secret"
[ "$rc" -ne 0 ] || fail "pre-commit let a commit with a secret through: $both"
grep -q "leakgate: commit rejected: 1 secret in the staged changes" <<<"$both" ||
	fail "no leakgate rejection from pre-commit: $both"
grep -q "app.env:2" <<<"$both" || fail "rejection does not name app.env:2: $both"
grep -q "Expected one of" <<<"$both" && fail "pre-commit refused the hooks' stage names: $both"
git rev-parse -q --verify HEAD >/dev/null && fail "a commit was made"
printf 'A=1\n' > app.env && git add app.env
run git commit -qm "clean"
[ "$rc" -eq 0 ] || fail "pre-commit refused a clean commit: $both"
grep -q "leakgate (secrets in staged changes).*Passed" <<<"$both" || fail "the leakgate hook did not run: $both"

# --- a first push (the root commit) with a secret is refused
new_project first-push
git add .pre-commit-config.yaml && git commit -qm config
twilio_token_line > secret.env && git add secret.env
git commit -q --no-verify -m "secret, committed past the hook"
bad=$(git rev-parse HEAD)
run git push -q origin main
[ "$rc" -ne 0 ] || fail "a first push with a secret went through: $both"
grep -q "invalid range" <<<"$both" && fail "pre-push entry failed on the root commit: $both"
grep -q "commit ${bad:0:12}  secret.env:1" <<<"$both" || fail "first push: rejection does not name the commit: $both"
grep -q "has not left this machine yet" <<<"$both" || fail "first push: not the pre-push advice: $both"
git -C "$work/first-push-remote.git" rev-parse -q --verify main >/dev/null && fail "first push: the remote moved"
# --- then rewritten, the first push goes through
git reset -q --hard HEAD~1
run git push -q origin main
[ "$rc" -eq 0 ] || fail "a clean first push was refused: $both"
[ "$(git -C "$work/first-push-remote.git" rev-parse main)" = "$(git rev-parse HEAD)" ] || fail "clean first push did not land"

# --- a later push (PRE_COMMIT_FROM_REF/TO_REF set) scans only what is new
twilio_token_line > later.env && git add later.env && git commit -q --no-verify -m later
run git push -q origin main
[ "$rc" -ne 0 ] || fail "a later push with a secret went through: $both"
grep -q "later.env:1" <<<"$both" || fail "later push: rejection does not name later.env: $both"
git reset -q --hard HEAD~1
echo ok > ok && git add ok && git commit -qm ok
run git push -q origin main
[ "$rc" -eq 0 ] || fail "a clean later push was refused: $both"

# --- a new branch (not the root commit): only its own commits count
git checkout -qb topic
echo t > t && git add t && git commit -qm t
run git push -q origin topic
[ "$rc" -eq 0 ] || fail "a clean new branch was refused: $both"

finish "pre-commit framework"
