#!/usr/bin/env bash
# bench/push.sh - what the pre-receive hook costs on a large push.
#
#   bench/push.sh [--rounds N] REPO [BRANCH]
#
# Pushes BRANCH (default: REPO's HEAD) of REPO into an empty bare repository,
# ROUNDS times (default 3), alternating: once with a pre-receive hook that
# only reads its input, once with `leakgate hook pre-receive`. The hook's
# cost is the difference. Against it: a full `leakgate scan` of the pushed
# repository (the same objects). Prints medians of the wall time and of the
# CPU time (user + sys, every process of the push); on a loaded machine the
# CPU figures are the steadier. The push must be accepted (a clean branch).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LEAKGATE=${LEAKGATE:-$HERE/../build/leakgate}
rounds=3
if [ "${1:-}" = --rounds ]; then rounds=${2:?}; shift 2; fi
[ $# -ge 1 ] || { echo "usage: bench/push.sh [--rounds N] REPO [BRANCH]" >&2; exit 2; }
repo=$1
branch=${2:-$(git -C "$repo" symbolic-ref --short HEAD)}
work=$(mktemp -d "${TMPDIR:-/tmp}/leakgate-push.XXXXXX")
trap 'rm -rf "$work"' EXIT

# server NAME HOOK-COMMAND: a fresh bare repository whose pre-receive runs it.
server() {
	rm -rf "$work/$1.git"
	git init -q --bare "$work/$1.git"
	printf '#!/bin/sh\n%s\n' "$2" >"$work/$1.git/hooks/pre-receive"
	chmod +x "$work/$1.git/hooks/pre-receive"
}

# timed OUT CMD...: appends "wall cpu" of CMD (and its children) to OUT.
timed() {
	local out=$1
	shift
	/usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || {
		echo "bench/push.sh: '$*' failed:" >&2
		cat "$work/stderr" >&2
		exit 1
	}
	tail -n 1 "$work/time" | awk '{ print $1, $2 + $3 }' >>"$out"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

hook="exec $(printf '%q' "$LEAKGATE") hook pre-receive --timeout 3600"
commits=$(git -C "$repo" rev-list --count "$branch")
echo "pushing $branch of $repo ($commits commits), $rounds rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$rounds"); do
	server plain 'cat >/dev/null'
	timed "$work/plain" git -C "$repo" push -q "$work/plain.git" "$branch:refs/heads/$branch"
	server hooked "$hook"
	timed "$work/hooked" git -C "$repo" push -q "$work/hooked.git" "$branch:refs/heads/$branch"
	code=0
	/usr/bin/time -f "%e %U %S" -o "$work/time" "$LEAKGATE" scan -q --format json \
		-o "$work/scan.json" "$work/plain.git" 2>"$work/stderr" || code=$?
	[ "$code" -le 1 ] || { cat "$work/stderr" >&2; exit 1; }
	tail -n 1 "$work/time" | awk '{ print $1, $2 + $3 }' >>"$work/scan"
done
for what in wall cpu; do
	col=1
	[ "$what" = cpu ] && col=2
	p=$(cut -d' ' -f$col "$work/plain" | median)
	h=$(cut -d' ' -f$col "$work/hooked" | median)
	s=$(cut -d' ' -f$col "$work/scan" | median)
	awk -v w="$what" -v p="$p" -v h="$h" -v s="$s" 'BEGIN {
		printf "%s: push %.2f s, with the hook %.2f s, so the hook %.2f s; full scan %.2f s; hook / scan %.2fx\n",
			w, p, h, h - p, s, (s > 0) ? (h - p) / s : 0 }'
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
