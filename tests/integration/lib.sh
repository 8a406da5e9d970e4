# tests/integration/lib.sh - sourced by every integration test: a private
# temporary directory and HOME (so git config and the rule cache are the
# test's own), a git identity, and helpers to run commands and report.
set -euo pipefail
LEAKGATE=${LEAKGATE:?path to the leakgate binary}
# Whatever runs the test may leave something on standard input; no command
# of a test reads it.
exec </dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work/home LEAKGATE_CACHE_DIR=$work/cache GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
git config --global user.name "${TEST_USER_NAME:-Terry Tester}"
git config --global user.email "${TEST_USER_EMAIL:-terry@example.org}"
git config --global init.defaultBranch main
git config --global advice.detachedHead false
git config --global protocol.file.allow always
# No automatic gc: one detached after a commit would repack under the test.
git config --global gc.auto 0
git config --global maintenance.auto false

failures=0

# fail MESSAGE: records a failed check and goes on, so one run shows them all.
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# hex N: N random bytes as 2N hex digits, for fake secrets made at test time
# (no test file holds a secret in a live format).
hex() {
	head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'
}

# flip_byte FILE OFFSET: inverts every bit of one byte in place, so the file
# is sure to change (writing a fixed byte leaves it as it was when that byte
# was already there).
flip_byte() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	[ -n "$b" ] || { echo "flip_byte: '$1' has no byte $2" >&2; return 1; }
	printf "\\$(printf %03o $((b ^ 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# twilio_token_line: a made-up Twilio auth token setting.
twilio_token_line() {
	printf 'TWILIO_AUTH_TOKEN=%s\n' "$(hex 16)"
}

# run CMD...: runs CMD; sets $out (stdout), $err (stderr), $both (the two)
# and $rc, whatever CMD exits with.
run() {
	set +e
	out=$("$@" 2>"$work/.stderr")
	rc=$?
	set -e
	err=$(cat "$work/.stderr")
	both="$out"$'\n'"$err"
}

# finish NAME: the closing line, and the exit status.
finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$1: $failures failed" >&2
		exit 1
	fi
	echo "$1: all checks passed"
}
