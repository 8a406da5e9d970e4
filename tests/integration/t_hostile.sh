#!/usr/bin/env bash
# Hostile input and load: a 100 MB line, a blob of NUL bytes, a million
# candidates in one blob; the planted secret on no output channel; twenty
# concurrent pushes against one server.
TEST_USER_NAME="Hal Hostile" TEST_USER_EMAIL=hal@example.org
. "$(dirname "$0")/lib.sh"
# leak ARGS...: lib.sh's run, on the leakgate binary.
leak() { run "$LEAKGATE" "$@"; }

git init -q "$work/repo"
cd "$work/repo"
secret=$(hex 16)
# One line of 100 MB with the secret at its very end.
{ head -c 100000000 /dev/zero | tr '\0' 'x' || true; printf ' TWILIO_AUTH_TOKEN=%s\n' "$secret"; } > long-line.min.js
head -c 10000000 /dev/zero > zeros.bin
# A million candidates: the same Account SID, a million times on one line.
sid=AC$(hex 16)
awk -v s="$sid" 'BEGIN { for (i = 0; i < 1000000; i++) printf "%s ", s }' > candidates.txt
git add -A && git commit -qm hostile

leak scan --max-blob-size 200M --format json --output "$work/report.json" .
[ "$rc" -eq 1 ] || fail "hostile repository: exit $rc: $err"
jq -e --arg s "${secret:0:4}" '[.findings[] | select(.path == "long-line.min.js" and .rule_id == "twilio-auth-token" and .line == 1 and .column == 100000020)] | length == 1' \
	"$work/report.json" >/dev/null || fail "secret at the end of a 100 MB line: $(jq -c '[.findings[] | select(.path=="long-line.min.js")]' "$work/report.json")"
jq -e '[.findings[] | select(.path == "zeros.bin")] | length == 0' "$work/report.json" >/dev/null || fail "NUL blob produced findings"
grep -q "candidates.txt': too many candidates" <<<"$err" || fail "candidate cap not reported: ${err:0:300}"
# 10,000 matches, then one unconfirmed finding where the cap stopped matching.
jq -e '[.findings[] | select(.path == "candidates.txt")] | length == 10001 and
	([.[] | select(.unconfirmed)] | length == 1 and (.[0].unconfirmed | test("more matches than the per-blob cap")))' \
	"$work/report.json" >/dev/null || fail "match cap not applied, or not said: $(jq -c '[.findings[] | select(.path == "candidates.txt" and .unconfirmed)]' "$work/report.json")"

# --- the secret on no output channel: reports in every format, stderr,
# the state file, the rule cache, the hook log
for fmt in text json jsonl sarif; do
	"$LEAKGATE" scan --max-blob-size 200M --format "$fmt" --output "$work/out.$fmt" --state "$work/state.$fmt" . \
		>"$work/stdout.$fmt" 2>"$work/stderr.$fmt" || true
done
git init -q --bare "$work/server.git"
"$LEAKGATE" install --pre-receive "$work/server.git" >/dev/null
printf '#!/bin/sh\nexec %q hook pre-receive --log %q "$@"\n' "$LEAKGATE" "$work/hook.log" > "$work/server.git/hooks/pre-receive"
git clone -q "$work/server.git" "$work/pusher" 2>/dev/null
printf 'TWILIO_AUTH_TOKEN=%s\n' "$secret" > "$work/pusher/.env"
(cd "$work/pusher" && git add -A && git commit -qm s && git push -q origin main >"$work/push.out" 2>&1) && fail "secret push accepted"
leaks=$(grep -rlF "$secret" "$work" --exclude-dir=repo --exclude-dir=pusher --exclude-dir=server.git 2>/dev/null || true)
[ -z "$leaks" ] || fail "the secret leaked into: $leaks"
for f in "$work"/out.* "$work"/state.* "$work"/cache/*; do
	[ "$(stat -c %a "$f")" = 600 ] || fail "$f is not mode 0600"
done

# --- twenty concurrent pushes, half clean, half carrying a secret
git init -q --bare "$work/busy.git"
"$LEAKGATE" install --pre-receive "$work/busy.git" >/dev/null
git clone -q "$work/busy.git" "$work/seed" 2>/dev/null
(cd "$work/seed" && echo seed > seed && git add -A && git commit -qm seed && git push -q origin main)
for i in $(seq 1 20); do
	git clone -q "$work/busy.git" "$work/c$i" 2>/dev/null
	(
		cd "$work/c$i"
		git checkout -qb "branch$i"
		if [ $((i % 2)) -eq 0 ]; then
			printf 'TWILIO_AUTH_TOKEN=%s\n' "$(hex 16)" > "bad$i.env"
		else
			echo "clean $i" > "clean$i.txt"
		fi
		git add -A && git commit -qm "push $i"
	)
done
pids=()
for i in $(seq 1 20); do
	(set +e; cd "$work/c$i"; git push -q origin "branch$i" >"$work/push$i.log" 2>&1; echo $? > "$work/push$i.rc") &
	pids+=($!)
done
wait "${pids[@]}" || true
for i in $(seq 1 20); do
	rc=$(cat "$work/push$i.rc")
	landed=$(git -C "$work/busy.git" rev-parse -q --verify "refs/heads/branch$i" >/dev/null && echo yes || echo no)
	if [ $((i % 2)) -eq 0 ]; then
		[ "$rc" -ne 0 ] && [ "$landed" = no ] || fail "bad push $i: rc $rc, landed $landed"
		grep -q "bad$i.env:1" "$work/push$i.log" || fail "bad push $i: no message naming the file"
	else
		[ "$rc" -eq 0 ] && [ "$landed" = yes ] || fail "clean push $i: rc $rc, landed $landed: $(cat "$work/push$i.log")"
	fi
done
git -C "$work/busy.git" fsck --no-progress >/dev/null 2>&1 || fail "git fsck on the busy server"

finish "hostile input and load"
