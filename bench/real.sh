#!/usr/bin/env bash
# bench/real.sh - leakgate against the floor on real repositories, one command.
#
#   bench/real.sh [--rounds N] [--ref BINARY] [--rules PATH] [--threads N] DIR...
#
# For each repository DIR (a bare or working repository), first checks the
# scan: it must exit 0 or 1, and with --ref its findings (rule, path, line,
# column, commit, blob, also_in) must be exactly those of the reference binary
# (run with the same --rules): any difference stops the benchmark, since a
# fast figure from a scan that finds something else means nothing. Then,
# alternating ROUNDS times (default 3) so that drift on a shared machine hits
# both alike, it times
#
#   floor      git cat-file --batch-all-objects --batch --unordered >/dev/null
#   leakgate   leakgate scan -q --format json -o FILE DIR
#
# and prints one table row per repository: commits, the median wall times,
# the ratio, the median CPU times (user + system) and their ratio, and the
# peak RSS of each (from /usr/bin/time, the largest of the rounds). On a
# loaded machine the wall ratio of a two-thread scan against the
# one-thread floor says more about the scheduler than the scan: compare the
# CPU ratio there. The machine's load average is printed before and after, since the
# figures mean little without it. LEAKGATE names the binary (default
# build/leakgate).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LEAKGATE=${LEAKGATE:-$HERE/../build/leakgate}
rounds=3 ref="" threads=""
rules=()
usage() {
	echo "usage: bench/real.sh [--rounds N] [--ref BINARY] [--rules PATH] [--threads N] DIR..." >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=${2:?}; shift 2 ;;
	--ref) ref=${2:?}; shift 2 ;;
	--rules) rules+=(--rules "${2:?}"); shift 2 ;;
	--threads) threads=${2:?}; shift 2 ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || usage
[ -x "$LEAKGATE" ] || { echo "bench/real.sh: build leakgate first, or set LEAKGATE" >&2; exit 2; }
[ -z "$ref" ] || [ -x "$ref" ] || { echo "bench/real.sh: $ref is not executable" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench/real.sh: needs /usr/bin/time (Debian package 'time')" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/leakgate-real.XXXXXX")
trap 'rm -rf "$work"' EXIT
extra=("${rules[@]+"${rules[@]}"}")
[ -z "$threads" ] || extra+=(--threads "$threads")

# scan BINARY DIR OUT: a JSON scan; exit 0 or 1 is a scan that worked.
scan() {
	local code=0
	"$1" scan -q --format json -o "$3" "${extra[@]+"${extra[@]}"}" "$2" 2>"$work/stderr" || code=$?
	if [ "$code" -gt 1 ]; then
		echo "bench/real.sh: $1 failed on $2 (exit $code):" >&2
		cat "$work/stderr" >&2
		exit 1
	fi
}

# findings FILE: one sorted line per finding, the fields that must not change.
findings() {
	python3 - "$1" <<'EOF'
import json, sys
with open(sys.argv[1]) as f:
    report = json.load(f)
rows = []
for x in report["findings"]:
    also = sorted(json.dumps(a, sort_keys=True) for a in x.get("also_in", []))
    rows.append("\t".join(str(v) for v in (x["rule_id"], x["path"], x["line"], x["column"],
                                           x["commit"], x["blob"], " ".join(also))))
print("\n".join(sorted(rows)))
EOF
}

# timed OUT CMD...: appends "seconds peak-KB cpu-seconds" of one run of CMD to OUT.
timed() {
	local out=$1 code=0
	shift
	/usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || code=$?
	if [ "$code" -gt 1 ]; then
		echo "bench/real.sh: '$*' failed (exit $code):" >&2
		cat "$work/stderr" >&2
		exit 1
	fi
	tail -n 1 "$work/time" | awk '{ print $1, $2, $3 + $4 }' >>"$out"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
peak_mb() { awk '$2 > m { m = $2 } END { printf "%.0f", m / 1024 }'; }

echo "leakgate on real repositories, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $rounds rounds"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' repository commits findings floor leakgate \
	ratio "floor CPU" "leakgate CPU" "CPU ratio" "peak RSS" "floor's RSS"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for dir in "$@"; do
	name=$(basename "$dir" .git)
	commits=$(git -C "$dir" rev-list --all --count)
	scan "$LEAKGATE" "$dir" "$work/new.json"   # also the warm-up: page cache and rule cache
	findings "$work/new.json" >"$work/new.tsv"
	count=$(grep -c . "$work/new.tsv" || true)
	if [ -n "$ref" ]; then
		scan "$ref" "$dir" "$work/ref.json"
		findings "$work/ref.json" >"$work/ref.tsv"
		if ! cmp -s "$work/ref.tsv" "$work/new.tsv"; then
			echo "bench/real.sh: $dir: the findings differ from $ref's (< reference, > $LEAKGATE):" >&2
			diff "$work/ref.tsv" "$work/new.tsv" | head -n 40 >&2
			exit 1
		fi
		count="$count, as the reference"
	fi
	: >"$work/floor" ; : >"$work/leakgate"
	for _ in $(seq "$rounds"); do
		timed "$work/floor" git -C "$dir" cat-file --batch-all-objects --batch --unordered
		timed "$work/leakgate" "$LEAKGATE" scan -q --format json -o "$work/round.json" \
			"${extra[@]+"${extra[@]}"}" "$dir"
	done
	f=$(cut -d' ' -f1 "$work/floor" | median)
	l=$(cut -d' ' -f1 "$work/leakgate" | median)
	fc=$(cut -d' ' -f3 "$work/floor" | median)
	lc=$(cut -d' ' -f3 "$work/leakgate" | median)
	printf '| %s | %s | %s | %.2f s | %.2f s | %.2fx | %.2f s | %.2f s | %.2fx | %s MB | %s MB |\n' \
		"$name" "$commits" "$count" \
		"$f" "$l" "$(awk -v l="$l" -v f="$f" 'BEGIN { print (f > 0) ? l / f : 0 }')" \
		"$fc" "$lc" "$(awk -v l="$lc" -v f="$fc" 'BEGIN { print (f > 0) ? l / f : 0 }')" \
		"$(peak_mb <"$work/leakgate")" "$(peak_mb <"$work/floor")"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
