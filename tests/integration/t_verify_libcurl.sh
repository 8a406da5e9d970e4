#!/usr/bin/env bash
# libcurl is loaded only when --verify makes a check (verify/curl_api.c),
# so that a hook's start-up does not pay for it: the binary does not need
# it, a scan and a warm pre-receive push do not load it, a check does; and
# when it cannot be loaded (a file that is not a library, a library that
# is not libcurl, put first on LD_LIBRARY_PATH), the findings are still
# reported, each check an error naming libcurl.so.4 and the loader's
# reason, and a hook still refuses.
. "$(dirname "$0")/lib.sh"
unset http_proxy https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

command -v readelf >/dev/null || { echo "SKIP: readelf (binutils) is not installed"; exit 77; }

# --- the executable does not need libcurl ---------------------------------
needed=$(readelf -d "$LEAKGATE" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
grep -q '^libgit2' <<<"$needed" || fail "readelf shows no NEEDED libgit2, so this check reads nothing: $needed"
grep -q 'libcurl' <<<"$needed" && fail "leakgate needs libcurl at start-up: $(tr '\n' ' ' <<<"$needed")"

# A made-up GitLab token (GitLab's rule has a check), and a closed loopback
# port as GitLab, so that a check that is made fails without a network.
glpat="glpat-$(hex 10)"
git init -q "$work/repo" && cd "$work/repo"
printf 'GITLAB_TOKEN=%s\n' "$glpat" >app.env
git add app.env && git commit -qm token
export LEAKGATE_VERIFY_OVERRIDE=gitlab=http://127.0.0.1:1

# loaded_libcurl FILE: 0 when the LD_DEBUG=files output in FILE shows
# libcurl loaded; fails when FILE shows no loading at all (LD_DEBUG ignored).
loaded_libcurl() {
	grep -q 'file=libgit2' "$1" || { fail "LD_DEBUG=files showed nothing: $(head -3 "$1")"; return 1; }
	grep -q 'file=libcurl' "$1"
}

# --- a scan without --verify does not load it; one with --verify does ------
set +e
LD_DEBUG=files "$LEAKGATE" scan --format json . >"$work/plain.json" 2>"$work/plain.ld"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "the scan exited $rc, not 1 (a finding)"
loaded_libcurl "$work/plain.ld" && fail "a scan without --verify loaded libcurl"
set +e
LD_DEBUG=files "$LEAKGATE" scan --verify --format json . >"$work/verify.json" 2>"$work/verify.ld"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "the scan with --verify exited $rc, not 1"
loaded_libcurl "$work/verify.ld" || fail "a check was made without loading libcurl"
jq -e '[.findings[] | select(.rule_id == "gitlab-pat") | .verification |
	select(.status == "error" and (.message | test("libcurl") | not))] | length == 1' \
	"$work/verify.json" >/dev/null ||
	fail "the check against a closed port is not a connection error: $(jq -c '[.findings[].verification]' "$work/verify.json")"

# --- a warm pre-receive push does not load it ------------------------------
git init -q --bare "$work/server.git"
"$LEAKGATE" install --pre-receive "$work/server.git" >/dev/null
git init -q "$work/dev" && cd "$work/dev"
echo "hello" >README && git add README && git commit -qm first
git push -q "$work/server.git" main 2>/dev/null # warms the rule cache
echo "again" >>README && git commit -qam second
set +e
LD_DEBUG=files git push -q "$work/server.git" main 2>"$work/push.ld"
rc=$?
set -e
[ "$rc" -eq 0 ] || fail "the clean push was refused ($rc)"
grep -q "dynamically loaded by .*leakgate\|needed by .*leakgate" "$work/push.ld" ||
	fail "LD_DEBUG shows no leakgate process in the push: the hook did not run?"
grep -q 'file=libcurl' "$work/push.ld" && fail "a warm pre-receive push loaded libcurl"

# --- libcurl that cannot be loaded: the findings are reported, each check an
# error that names it ------------------------------------------------------
cd "$work/repo"
mkdir "$work/notalib" "$work/notcurl"
echo "not a shared library" >"$work/notalib/libcurl.so.4"
zlib=$(ldd "$LEAKGATE" | sed -n 's/.*libz\.so\.1 => \([^ ]*\) .*/\1/p')
[ -n "$zlib" ] || fail "ldd does not show leakgate's zlib"
ln -s "$zlib" "$work/notcurl/libcurl.so.4"
for case in "notalib:file too short" "notcurl:lacks curl_global_init"; do
	dir=$work/${case%%:*} why=${case#*:}
	run env LD_LIBRARY_PATH="$dir" "$LEAKGATE" scan --verify --format json .
	[ "$rc" -eq 1 ] || fail "$dir: --verify without libcurl exited $rc, not 1 (findings)"
	jq -e --arg why "$why" '[.findings[] | select(.rule_id == "gitlab-pat")] | length == 1 and
		all(.verification.status == "error" and
		    (.verification.message | startswith("live verification needs libcurl.so.4") and contains($why)))' \
		<<<"$out" >/dev/null ||
		fail "$dir: the finding's check does not say libcurl.so.4 could not be loaded: $(jq -c '[.findings[].verification]' <<<"$out")"
	grep -q "warning: verify: live verification needs libcurl.so.4.*$why" <<<"$err" ||
		fail "$dir: no warning naming libcurl.so.4: $err"
	# --only-live: a check that could not be made hides nothing.
	run env LD_LIBRARY_PATH="$dir" "$LEAKGATE" scan --only-live --format json .
	[ "$rc" -eq 1 ] || fail "$dir: --only-live without libcurl exited $rc"
	[ "$(jq '[.findings[] | select(.rule_id == "gitlab-pat")] | length' <<<"$out" 2>/dev/null)" = 1 ] ||
		fail "$dir: --only-live without libcurl hid the finding"
	grep -q "$glpat" <<<"$both" && fail "$dir: a secret was printed"
done

# A hook with leakgate.verify on refuses all the same.
cd "$work/dev"
git --git-dir="$work/server.git" config leakgate.verify true
printf 'GITLAB_TOKEN=%s\n' "$glpat" >app.env && git add app.env && git commit -qm token
before=$(git --git-dir="$work/server.git" rev-parse main)
run env LD_LIBRARY_PATH="$work/notalib" git push "$work/server.git" main
[ "$rc" -ne 0 ] || fail "the push with a token went through when libcurl could not be loaded"
[ "$(git --git-dir="$work/server.git" rev-parse main)" = "$before" ] || fail "the refused push moved main"
grep -q "live verification needs libcurl.so.4" <<<"$err" ||
	fail "the hook does not say libcurl.so.4 could not be loaded: $err"

finish t_verify_libcurl
