#!/usr/bin/env bash
# Corrupt and unusual repositories: each gives a clear message naming what
# is wrong, and either exit 3 or a warning and a complete scan of the rest.
TEST_USER_NAME="Una Usual" TEST_USER_EMAIL=una@example.org
. "$(dirname "$0")/lib.sh"
token() { printf 'TWILIO_AUTH_TOKEN=%s\n' "$(hex 16)"; }
# leak ARGS...: lib.sh's run, on the leakgate binary.
leak() { run "$LEAKGATE" "$@"; }
count() { jq "$1" <<<"$out"; }

git init -q "$work/src"
cd "$work/src"
for i in 1 2 3 4 5; do token > "f$i.env"; git add -A; git commit -qm "c$i"; done

# --- an empty repository, and one whose HEAD names no commit
git init -q "$work/empty"
leak scan --format json "$work/empty"
[ "$rc" -eq 0 ] && [ "$(count .summary.commits)" = 0 ] || fail "empty repository: rc $rc $err"
git clone -q "$work/src" "$work/nohead"
git -C "$work/nohead" symbolic-ref HEAD refs/heads/nothing-here
leak scan --format json "$work/nohead"
[ "$rc" -eq 1 ] && [ "$(count '.findings | length')" = 5 ] || fail "unborn HEAD: the refs were not scanned (rc $rc)"

# --- a shallow clone: what is there is scanned, and it says so
git clone -q --depth 2 "file://$work/src" "$work/shallow"
leak scan --format json "$work/shallow"
[ "$rc" -eq 1 ] || fail "shallow clone: rc $rc: $err"
[ "$(count .summary.shallow)" = true ] && [ "$(count .summary.commits)" = 2 ] || fail "shallow: $(count .summary)"
[ "$(count '.findings | length')" = 5 ] || fail "shallow clone: not every blob in the clone was scanned"
grep -q "shallow clone" <<<"$err" || fail "shallow clone not said: $err"

# --- a broken ref and a dangling one: warnings, the rest scanned
git clone -q --bare "$work/src" "$work/refs.git"
echo "0123456789012345678901234567890123456789" > "$work/refs.git/refs/heads/dangling"
printf 'ref: refs/heads/nowhere\n' > "$work/refs.git/refs/heads/broken"
leak scan --format json "$work/refs.git"
[ "$(count '.findings | length')" = 5 ] || fail "broken refs stopped the scan: $err"
grep -q "refs/heads/dangling" <<<"$err" || fail "dangling ref not named: $err"

# --- a missing object: named, exit 3, the rest still reported
victim=$(git -C "$work/src" rev-parse HEAD~2:f3.env)
git init -q --bare "$work/missing.git"
git -C "$work/src" cat-file --batch-all-objects --batch-check='%(objectname)' | grep -v "$victim" |
	git -C "$work/src" pack-objects -q "$work/missing.git/objects/pack/pack" >/dev/null
git -C "$work/missing.git" update-ref refs/heads/main "$(git -C "$work/src" rev-parse HEAD)"
leak scan --format json "$work/missing.git"
[ "$rc" -eq 3 ] || fail "missing blob: exit $rc, not 3"
grep -q "blob $victim" <<<"$err" || fail "missing blob not named: $err"
[ "$(count '.findings | length')" = 4 ] || fail "missing blob: the other findings were not reported"
[ "$(count .summary.unreadable)" = 1 ] || fail "unreadable count: $(count .summary)"

# --- a truncated packfile: exit 3 with a message, no crash
git init -q "$work/trunc"
(cd "$work/trunc" && for i in 1 2 3; do token > "t$i.env"; git add -A; git commit -qm "t$i"; done)
git -C "$work/trunc" rev-list --objects --all | cut -d' ' -f1 |
	git -C "$work/trunc" pack-objects -q "$work/trunc/.git/objects/pack/pack" >/dev/null
git -C "$work/trunc" prune-packed
pack=$(ls "$work"/trunc/.git/objects/pack/*.pack)
truncate -s $(( $(stat -c %s "$pack") / 2 )) "$pack"
leak scan --format json "$work/trunc"
[ "$rc" -eq 3 ] || fail "truncated pack: exit $rc, not 3"
grep -q "can be read\|cannot read" <<<"$err" || fail "truncated pack: no clear message: $err"

# --- a commit with many parents, deep trees, submodules, symlinks, LFS pointers
git init -q "$work/odd"
cd "$work/odd"
echo base > base && git add -A && git commit -qm base
for i in $(seq 1 12); do
	git checkout -qb "b$i" main && echo "$i" > "branch$i" && git add -A && git commit -qm "b$i"
done
git checkout -q main
git merge -q --no-edit $(seq -f 'b%g' 1 12) >/dev/null
[ "$(git rev-list --parents -n1 HEAD | wc -w)" = 13 ] || fail "octopus merge not built"
deep=$(printf 'd/%.0s' $(seq 1 200))
mkdir -p "$deep" && token > "${deep}deep.env"
git update-index --add --cacheinfo "160000,$(git rev-parse HEAD),vendor/sub"
ln -s "$(token | cut -d= -f2)" link-to-token
printf 'version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize 12345\n' "$(hex 32)" > model.bin
git add -A && git commit -qm odd
leak scan --format json "$work/odd"
[ "$rc" -eq 1 ] || fail "odd repository: rc $rc: $err"
jq -e '[.findings[] | select(.path | endswith("deep.env"))] | length == 1' <<<"$out" >/dev/null || fail "deep tree not scanned"
jq -e '[.findings[] | select(.path | startswith("vendor/sub"))] | length == 0' <<<"$out" >/dev/null || fail "submodule followed"
[ "$(count '[.findings[] | select(.path == "model.bin")] | length')" = 0 ] || fail "an LFS pointer was reported"
[ "$(count .summary.commits)" = 15 ] || fail "commits: $(count .summary.commits)"
[ "$(count .summary.unreadable)" = 0 ] || fail "odd repository has unreadable objects: $err"

finish "unusual repositories"
