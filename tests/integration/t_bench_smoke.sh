#!/usr/bin/env bash
# The benchmark's smoke run: bench/run.py on a tiny generated repository, one
# round. No time it prints is asserted; what is checked is that the benchmark
# runs, and that it stops when leakgate's findings differ from what the
# generator planted.
. "$(dirname "$0")/lib.sh"
bench=$LEAKGATE_SOURCE_DIR/bench
planted=$work/tiny.git/leakgate-bench-planted.tsv

python3 "$bench/gen_repo.py" tiny "$work/tiny.git"
[ "$(wc -l < "$planted")" = 8 ] || fail "the generator did not plant 8 secrets"
run python3 "$bench/run.py" --rounds 1 --hook-rounds 1 "$work/tiny.git"
[ "$rc" -eq 0 ] || fail "bench/run.py exited $rc: $err"
grep -q "8 findings, the same in every case, as planted" <<<"$out" || fail "findings not checked: $out"
grep -q "ratio to floor" <<<"$out" || fail "no scan figures: $out"
grep -q "warm / rev-list" <<<"$out" || fail "no hook figures: $out"

# --- a scan that misses a planted secret stops the benchmark
printf 'twilio-auth-token\tnowhere.env\n' >> "$planted"
run python3 "$bench/run.py" --rounds 1 --only scan "$work/tiny.git"
[ "$rc" -ne 0 ] || fail "a planted secret leakgate did not find went unnoticed: $out"
grep -q "but the generator planted" <<<"$err" || fail "no message on a missed secret: $err"

finish "bench smoke"
