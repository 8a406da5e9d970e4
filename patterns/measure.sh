#!/usr/bin/env bash
# measure.sh - findings per rule on real repositories, for patterns/README.md.
#
#   patterns/measure.sh [-b LEAKGATE] [-o DIR] REPO...
#
# Scans each repository's whole history with every rule (--min-confidence
# low, so hidden rules count too) and prints one table row per repository
# and rule: repository, rule, confidence, findings. -o DIR also keeps each
# JSON report (secrets redacted) as DIR/NAME.json, to judge a sample of
# findings by hand (add --show-secrets to LEAKGATE_ARGS for that, and do
# not commit what it writes). LEAKGATE defaults to build/leakgate.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
leakgate="$root/build/leakgate"
keep=
while getopts b:o: opt; do
	case $opt in
	b) leakgate=$OPTARG ;;
	o) keep=$OPTARG ;;
	*) echo "usage: $0 [-b LEAKGATE] [-o DIR] REPO..." >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "usage: $0 [-b LEAKGATE] [-o DIR] REPO..." >&2; exit 2; }
command -v jq >/dev/null || { echo "measure.sh: jq is needed" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%-12s %-40s %-7s %s\n' repository rule conf findings
for repo in "$@"; do
	name=$(basename "$repo" .git)
	report="$tmp/$name.json"
	rc=0
	# shellcheck disable=SC2086 # LEAKGATE_ARGS is a list of options
	"$leakgate" scan --quiet --format json --min-confidence low ${LEAKGATE_ARGS:-} \
		-o "$report" "$repo" 2>"$tmp/err" || rc=$?
	if [ "$rc" -gt 1 ]; then
		echo "measure.sh: scanning $repo failed ($rc):" >&2
		cat "$tmp/err" >&2
		exit "$rc"
	fi
	jq -r --arg repo "$name" '
		(.findings | group_by(.rule_id)
		 | map([$repo, .[0].rule_id, .[0].confidence, (length | tostring)])
		 | sort_by(-(.[3] | tonumber))[] | @tsv),
		([$repo, "(total)", "", (.findings | length | tostring)] | @tsv)' "$report" |
		awk -F'\t' '{ printf "%-12s %-40s %-7s %s\n", $1, $2, $3, $4 }'
	[ -z "$keep" ] || { mkdir -p "$keep"; cp "$report" "$keep/$name.json"; }
done
