#!/usr/bin/env bash
# The false-alarm regression corpus (tests/regress/false-alarms/): shapes
# that real repositories' histories (curl, git, trufflehog) once reported
# by mistake, each committed to a repository built here and scanned with
# every rule. The findings must be exactly those the corpus's `expected`
# file lists (the specific rule, once, at the commit that added the file),
# and nothing else.
. "$(dirname "$0")/lib.sh"
corpus=$(cd "$(dirname "$0")/../regress/false-alarms" && pwd)

git init -q "$work/repo"
cd "$work/repo"
: > "$work/added"
for f in "$corpus"/*; do
	[ "$(basename "$f")" = expected ] && continue
	cp "$f" .
	git add -A && git commit -qm "add $(basename "$f")"
	echo "$(basename "$f") $(git rev-parse HEAD)" >> "$work/added"
done
[ "$(git rev-list --count HEAD)" -ge 8 ] || fail "the corpus lost files: $(ls "$corpus")"

run "$LEAKGATE" scan --format json --min-confidence low .
[ "$rc" -le 1 ] || fail "scan exit $rc: $err"
got=$(jq -r '.findings[] | "\(.rule_id) \(.path) \(.line) \(.commit)"' <<<"$out" | sort)
want=$(grep -v '^#' "$corpus/expected" | while read -r rule path line; do
	echo "$rule $path $line $(awk -v p="$path" '$1 == p { print $2 }' "$work/added")"
done | sort)
[ "$got" = "$want" ] || fail "findings differ from the corpus's expected ones:
--- expected
$want
--- found
$got"

# The same files scanned as a plain directory.
run "$LEAKGATE" scan --no-git --format json --min-confidence low .
got=$(jq -r '.findings[] | "\(.rule_id) \(.path | ltrimstr("./")) \(.line)"' <<<"$out" | sort)
[ "$got" = "$(cut -d' ' -f1-3 <<<"$want")" ] || fail "plain-directory findings differ: $got"

finish t_false_alarms
