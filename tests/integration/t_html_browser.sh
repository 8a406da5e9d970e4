#!/usr/bin/env bash
# --format html in a real browser: headless Chromium loads the report of a
# repository this test builds, offline, and tests/integration/html_browser.py
# checks it through the DOM (rows, sorting by date, filtering by rule, a
# hostile file name that stays text, no request, no console error), and a
# long report whose table draws only the rows in view.
# Exit 77 (a skip for ctest) only when Chromium is missing or cannot start,
# and never when LEAKGATE_REQUIRE_BROWSER=1 (scripts/run.sh test sets it).
. "$(dirname "$0")/lib.sh"
SRC=${LEAKGATE_SOURCE_DIR:?source directory}

skip() {
	if [ "${LEAKGATE_REQUIRE_BROWSER:-}" = 1 ]; then
		echo "FAIL: $* (LEAKGATE_REQUIRE_BROWSER=1)" >&2
		exit 1
	fi
	echo "SKIP: html browser tests: $*"
	exit 77
}

chromium=${LEAKGATE_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$chromium" ] || skip "no chromium (apt-get install chromium)"

# Four findings of three rules, committed on four distinct days; one in a
# file whose name is markup.
export GIT_AUTHOR_NAME="Mallory <b>bold</b>" GIT_AUTHOR_EMAIL="m@example.org"
git init -q "$work/repo"
cd "$work/repo"
commit_on() { # DATE MESSAGE
	git add -A
	GIT_AUTHOR_DATE="$1T12:00:00+0000" GIT_COMMITTER_DATE="$1T12:00:00+0000" git commit -qm "$2"
}
aws_id=AKIA$(head -c 10 /dev/urandom | base32 | cut -c1-16)
token=$(hex 16)
token2=$(hex 16)
hostile='<img src=x onerror=window.__leakgate_pwned=1>.env'
printf 'aws_access_key_id = %s\n' "$aws_id" > "$hostile"
commit_on 2023-01-15 "aws key"
printf 'TWILIO_AUTH_TOKEN=%s\n' "$token" > twilio.env
commit_on 2023-06-20 "twilio"
mkdir -p config
printf 'twilio:\n  authToken: "%s"\n' "$token2" > config/app.yaml
commit_on 2024-02-02 "more twilio"
printf 'export AWS_ACCESS_KEY_ID=%s\n' "$aws_id" > deploy.sh
commit_on 2024-09-09 "deploy"

run "$LEAKGATE" scan --format json -q .
[ "$rc" -eq 1 ] || fail "scan exited $rc: $err"
printf '%s\n' "$out" > "$work/scan.json"
# What the test planted, as [rule, path:line]: read from the test's own
# knowledge, and checked against the JSON report, so a wrong row fails.
jq -c '[.findings[] | [.rule_id, "\(.path):\(.line)"]] | sort' <<<"$out" > "$work/json-rows"
planted=$(jq -cn --arg h "$hostile" '[["aws-access-key-id", "\($h):1"],
	["aws-access-key-id", "deploy.sh:1"], ["twilio-auth-token", "config/app.yaml:2"],
	["twilio-auth-token", "twilio.env:1"]] | sort')
[ "$(cat "$work/json-rows")" = "$planted" ] || fail "the scan found $(cat "$work/json-rows"), not $planted"

# Three refs: the branch, another and a tag.
git branch other HEAD~1
git tag v1 HEAD~2
run "$LEAKGATE" scan --format html -o "$work/report.html" -q .
[ "$rc" -eq 1 ] || fail "html scan exited $rc: $err"
jq -n --argjson rows "$planted" --arg h "$hostile:1" --arg a "$aws_id" --arg t "$token" \
	--arg t2 "$token2" '{rows: $rows, filter_rule: "twilio-auth-token", hostile: $h,
	secrets: [$a, $t, $t2], refs: 3}' > "$work/expect.json"

set +e
python3 "$SRC/tests/integration/html_browser.py" "$chromium" "$work/report.html" "$work/expect.json"
brc=$?
set -e
case $brc in
0) ;;
77) skip "chromium could not start" ;;
*) fail "the report failed in the browser" ;;
esac
# With --baseline: the findings of the baseline (the Twilio tokens, by
# fingerprint) are left out, and the summary says what is new.
jq -r '.findings[] | select(.rule_id == "twilio-auth-token") | .fingerprint' "$work/scan.json" \
	> "$work/baseline.txt"
run "$LEAKGATE" scan --format html --baseline "$work/baseline.txt" -o "$work/new.html" -q .
[ "$rc" -eq 1 ] || fail "baseline html scan exited $rc: $err"
jq -n --argjson rows "$planted" --arg h "$hostile:1" --arg a "$aws_id" '{rows: [$rows[] |
	select(.[0] == "aws-access-key-id")], filter_rule: "aws-access-key-id", hostile: $h,
	secrets: [$a], new_in_run: "2 new findings not in the baseline (2 known)"}' > "$work/expect-new.json"
set +e
python3 "$SRC/tests/integration/html_browser.py" "$chromium" "$work/new.html" "$work/expect-new.json"
brc=$?
set -e
[ "$brc" -eq 0 ] || fail "the --baseline report failed in the browser"

# A long report: 400 findings in one file. The table draws only the rows in
# view; scrolling draws the others (html_browser.py's check_many).
git init -q "$work/many"
for i in $(seq 1 400); do
	printf 'aws_access_key_id = AKIA%s\n' "$(head -c 10 /dev/urandom | base32 | cut -c1-16)"
done > "$work/many/many.env"
git -C "$work/many" add -A
git -C "$work/many" commit -qm many
run "$LEAKGATE" scan --format html -o "$work/many.html" -q "$work/many"
[ "$rc" -eq 1 ] || fail "the long html scan exited $rc: $err"
jq -n '{many: {total: 400, first: "many.env:1", last: "many.env:400"}}' > "$work/expect-many.json"
set +e
python3 "$SRC/tests/integration/html_browser.py" "$chromium" "$work/many.html" "$work/expect-many.json"
brc=$?
set -e
[ "$brc" -eq 0 ] || fail "the long report failed in the browser"
finish "html browser"
