#!/usr/bin/env bash
# What leakgate writes besides findings stays safe to put in a log: progress
# without terminal control bytes when stderr is not a terminal, a hostile
# file name escaped in every warning, and no password shown in another
# finding's excerpt because a symbol inside it cut it into short pieces.
. "$(dirname "$0")/lib.sh"
leak() { run "$LEAKGATE" "$@"; }
esc=$(printf '\033')

# --- --progress on a pipe: plain lines, no \r or ESC
git init -q "$work/repo"
cd "$work/repo"
for i in $(seq 1 30); do echo "file $i" > "f$i.txt"; done
git add -A && git commit -qm files
leak scan --progress --format json --output "$work/p.json" .
[ "$rc" -eq 0 ] || fail "progress scan: exit $rc: $err"
grep -q '^leakgate: [0-9]*/[0-9]* blobs, .* elapsed, done$' <<<"$err" || fail "no plain progress line: $(printf %q "$err")"
case "$err" in *$'\r'*|*"$esc"*) fail "progress on a pipe holds \\r or ESC: $(printf %q "$err")" ;; esac
# The same scan without --progress prints no progress line at all.
leak scan --format json --output "$work/p.json" .
grep -q 'blobs, ' <<<"$err" && fail "progress shown without --progress on a pipe: $err"

# --- a hostile path in the "skipped blob" warnings: git and plain files
hostile=$'evil\033[2J\nforged: line.bin'
head -c 5000 /dev/urandom > "$hostile"
git add -A && git commit -qm hostile
for target in "." "--no-git ."; do
	# shellcheck disable=SC2086
	leak scan --max-blob-size 1000 $target
	grep -q 'skipped blob .* at .*evil\\x1b\[2J\\x0aforged: line.bin' <<<"$err" ||
		fail "scan $target: hostile path not escaped in the warning: $(printf %q "$err")"
	case "$out$err" in *"$esc"*) fail "scan $target: a raw ESC reached the output" ;; esac
	grep -q '^forged: line.bin' <<<"$out$err" && fail "scan $target: a forged line reached the output"
	# shellcheck disable=SC2086
	leak scan --max-blob-size 1000 --format json $target
	jq -e '.warnings | map(select(test("skipped blob .* at .*evil\\\\x1b\\[2J\\\\x0aforged: line.bin"))) | length >= 1' <<<"$out" >/dev/null ||
		fail "scan $target: JSON warning: $(jq -c .warnings <<<"$out")"
done

# --- a password with symbols, bare beside a finding on the same line: the
# finding's excerpt must hide it whole ('#' once cut it into two pieces too
# short to look like secrets). Built from pieces so this file holds neither.
token=$(printf '%s_%s%s' ghp bh4fcaDBznpn8jCum45B Lvevprtgxn45GO85)
for password in "Ggaw6xIr8j""#ElNW6" "Qm7v!tR2x@Lp9zK4" "hT5y&Wq3#uZ8*Ne1"; do
	printf 'connect(%s, %s)\n' "$token" "$password" > creds.txt
	git add -A && git commit -qm creds
	for format in text json jsonl sarif html; do
		leak scan --format "$format" .
		[ "$rc" -eq 1 ] || fail "$format: exit $rc, want a finding: $err"
		case "$out$err" in *"$password"*) fail "$format: the password $password shows in full" ;; esac
	done
done

finish t_output_hygiene
