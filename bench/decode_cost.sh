#!/bin/sh
# decode_cost.sh - what decoding costs on whole-history scans.
#
# usage: bench/decode_cost.sh [ROUNDS] REPO...
#
# For each repository, ROUNDS times (default 3) in turn: the floor (git
# reading every object once), `leakgate scan --no-decode` and
# `leakgate scan` (decoding on, the default). Prints each run's wall and
# user seconds, then per repository the medians and the ratio of user CPU
# with decoding to without. Also checks that both scans exit 0 or 1 and
# that decoding only adds findings. LEAKGATE names the binary (default
# build/leakgate). The machine's load average is printed before and after:
# on a shared machine, compare only ratios from the same run.
set -eu

LEAKGATE=${LEAKGATE:-build/leakgate}
rounds=3
case ${1:-} in
[0-9]*) rounds=$1; shift ;;
esac
[ $# -gt 0 ] || { echo "usage: $0 [ROUNDS] REPO..." >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# time_run NAME CMD...: appends "NAME wall user" to $work/times.
time_run() {
	name=$1
	shift
	rc=0
	/usr/bin/time -f "%e %U" -o "$work/t" "$@" >"$work/out.$name" 2>"$work/err.$name" || rc=$?
	case $name in
	floor) [ "$rc" -eq 0 ] || { echo "$name exited $rc" >&2; exit 1; } ;;
	*) [ "$rc" -le 1 ] || { echo "$name exited $rc: $(cat "$work/err.$name")" >&2; exit 1; } ;;
	esac
	# (time writes "Command exited with non-zero status 1" first then)
	t=$(tail -n 1 "$work/t")
	echo "$name $t" >>"$work/times"
	echo "  $name: ${t% *} s (user ${t#* })"
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for repo in "$@"; do
	: >"$work/times"
	echo "$repo"
	i=0
	while [ "$i" -lt "$rounds" ]; do
		time_run floor git --git-dir="$repo" cat-file --batch-all-objects --batch --unordered
		time_run off "$LEAKGATE" scan -q --format jsonl --no-decode "$repo"
		time_run on "$LEAKGATE" scan -q --format jsonl "$repo"
		# Decoding adds findings; it never loses one found as written.
		jq -r .fingerprint "$work/out.off" | sort >"$work/fp.off"
		jq -r .fingerprint "$work/out.on" | sort >"$work/fp.on"
		lost=$(comm -23 "$work/fp.off" "$work/fp.on" | wc -l)
		[ "$lost" -eq 0 ] || { echo "decoding lost $lost findings" >&2; exit 1; }
		echo "  findings: $(wc -l <"$work/fp.off") off, $(wc -l <"$work/fp.on") on"
		i=$((i + 1))
	done
	for name in floor off on; do
		wall=$(awk -v n=$name '$1 == n { print $2 }' "$work/times" | median)
		user=$(awk -v n=$name '$1 == n { print $3 }' "$work/times" | median)
		echo "  median $name: $wall s (user $user)"
		eval "user_$name=$user"
	done
	# shellcheck disable=SC2154 # set by the eval above
	awk -v on="$user_on" -v off="$user_off" \
		'BEGIN { printf "  decoding costs %+.1f%% of user CPU (median on / median off)\n", 100 * (on / off - 1) }'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
