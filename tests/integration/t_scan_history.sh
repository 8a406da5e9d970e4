#!/usr/bin/env bash
# `leakgate scan` on repositories built here with the real git: what is
# found, where, which commit and author introduced it, in every format.
TEST_USER_NAME="Tag Maker" TEST_USER_EMAIL=tags@example.org
. "$(dirname "$0")/lib.sh"
alnum32() { head -c 300 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 32; }
# as NAME EMAIL DATE: commit everything staged with that author.
as() {
	GIT_AUTHOR_NAME=$1 GIT_AUTHOR_EMAIL=$2 GIT_AUTHOR_DATE=$3 \
	GIT_COMMITTER_NAME=$1 GIT_COMMITTER_EMAIL=$2 GIT_COMMITTER_DATE=$3 \
		git commit -qm "$4"
}
# finding RULE PATH: "commit line column author date" of that finding in $out.
finding() {
	jq -r --arg r "$1" --arg p "$2" \
		'.findings[] | select(.rule_id == $r and .path == $p) |
		 "\(.commit) \(.line) \(.column) \(.author_name) \(.date)"' <<<"$out"
}

# ---------------------------------------------------------------------------
# Twilio credentials planted across a history, each in its own commit.
git init -q "$work/repo"
cd "$work/repo"
sid=AC$(hex 16)
token=$(hex 16)
key_sid=SK$(hex 16)
key_secret=$(alnum32)
stream=$(hex 32)
yaml_token=$(hex 16)

printf 'PORT=8080\n' > README.md
git add -A && as "Ann Early" ann@example.org "2023-01-02T09:00:00+0100" "readme"

printf '# Twilio\nTWILIO_ACCOUNT_SID=ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nTWILIO_AUTH_TOKEN=your_auth_token_here\nTWILIO_STREAM_TOKEN=<generate-a-secure-random-token>\nTWILIO_API_KEY_SECRET=your_api_key_secret_here\n' > .env.example
printf 'const token = process.env.TWILIO_AUTH_TOKEN;\nconst sid = process.env.TWILIO_ACCOUNT_SID;\nconst client = twilio(sid, token);\n' > client.js
git add -A && as "Ann Early" ann@example.org "2023-01-03T09:00:00+0100" "document the settings"
placeholder_commit=$(git rev-parse HEAD)

printf 'APP=demo\nTWILIO_ACCOUNT_SID=%s\nTWILIO_AUTH_TOKEN=%s\n' "$sid" "$token" > .env
git add -A && as "Bob Leaker" bob@example.org "2023-02-01T10:30:00-0500" "add env"
env_commit=$(git rev-parse HEAD)

mkdir -p config
printf 'twilio:\n  api_key: %s\n  api_key_secret: %s\n  authToken: "%s"\n' "$key_sid" "$key_secret" "$yaml_token" > config/twilio.yml
git add -A && as "Cy Config" cy@example.org "2023-03-01T08:00:00+0000" "yaml"
yaml_commit=$(git rev-parse HEAD)

printf 'x=1\r\nTWILIO_STREAM_TOKEN=%s\r\n' "$stream" > stream.env
git add -A && as "Dee Stream" dee@example.org "2023-04-01T12:00:00+0200" "stream (CRLF)"
stream_commit=$(git rev-parse HEAD)

git rm -q .env && as "Bob Leaker" bob@example.org "2023-05-01T10:00:00-0500" "remove env"

run "$LEAKGATE" scan --format json .
[ "$rc" -eq 1 ] || fail "scan exit $rc, not 1: $err"
[ "$(finding twilio-account-sid .env)" = "$env_commit 2 20 Bob Leaker 2023-02-01T10:30:00-05:00" ] ||
	fail "account SID: $(finding twilio-account-sid .env)"
[ "$(finding twilio-auth-token .env)" = "$env_commit 3 19 Bob Leaker 2023-02-01T10:30:00-05:00" ] ||
	fail "auth token (added then deleted): $(finding twilio-auth-token .env)"
[ "$(finding twilio-api-key-sid config/twilio.yml)" = "$yaml_commit 2 12 Cy Config 2023-03-01T08:00:00+00:00" ] ||
	fail "API key SID: $(finding twilio-api-key-sid config/twilio.yml)"
[ "$(finding twilio-api-key-secret config/twilio.yml)" = "$yaml_commit 3 19 Cy Config 2023-03-01T08:00:00+00:00" ] ||
	fail "API key secret: $(finding twilio-api-key-secret config/twilio.yml)"
[ "$(finding twilio-auth-token config/twilio.yml)" = "$yaml_commit 4 15 Cy Config 2023-03-01T08:00:00+00:00" ] ||
	fail "YAML auth token: $(finding twilio-auth-token config/twilio.yml)"
[ "$(finding twilio-stream-token stream.env)" = "$stream_commit 2 21 Dee Stream 2023-04-01T12:00:00+02:00" ] ||
	fail "stream token (CRLF): $(finding twilio-stream-token stream.env)"
# The SID and token of .env, and the API key SID and secret of the YAML,
# are pairs too: one more finding each, at the secret's line.
[ "$(finding twilio-account-credentials .env)" = "$env_commit 3 19 Bob Leaker 2023-02-01T10:30:00-05:00" ] ||
	fail "account SID + auth token pair: $(finding twilio-account-credentials .env)"
[ "$(finding twilio-api-key-credentials config/twilio.yml)" = "$yaml_commit 3 19 Cy Config 2023-03-01T08:00:00+00:00" ] ||
	fail "API key pair: $(finding twilio-api-key-credentials config/twilio.yml)"
[ "$(jq '.findings | length' <<<"$out")" = 8 ] || fail "expected exactly 8 findings: $(jq -c '[.findings[] | [.rule_id,.path]]' <<<"$out")"
jq -e '[.findings[] | select(.path == ".env.example" or .path == "client.js")] | length == 0' <<<"$out" >/dev/null ||
	fail "a placeholder was reported"
[ "$(jq .summary.commits <<<"$out")" = 6 ] || fail "commits: $(jq .summary <<<"$out")"
jq -e '.findings[] | select(.rule_id == "twilio-auth-token" and .path == ".env") |
	.secret_len == null and (.secret | endswith("…")) and (.fingerprint | test("^[0-9a-f]{32}$"))' <<<"$out" >/dev/null ||
	fail "auth token not redacted or no fingerprint"

# --- the placeholder file alone is clean
git init -q "$work/placeholders"
git -C "$work/placeholders" show "$placeholder_commit:.env.example" >/dev/null 2>&1 || true
cp .env.example client.js "$work/placeholders/"
(cd "$work/placeholders" && git add -A && as "Ann Early" ann@example.org "2023-01-03T09:00:00+0100" "placeholders")
run "$LEAKGATE" scan "$work/placeholders"
[ "$rc" -eq 0 ] || fail "placeholder repository: exit $rc: $out"

# --- all three formats, written atomically with mode 0600; no secret in full
for fmt in text json jsonl; do
	run "$LEAKGATE" scan --format "$fmt" --output "$work/report.$fmt" .
	[ "$rc" -eq 1 ] || fail "--format $fmt --output: exit $rc"
	[ "$(stat -c %a "$work/report.$fmt")" = 600 ] || fail "report.$fmt mode is not 0600"
	for s in "$token" "$key_secret" "$stream" "$yaml_token"; do
		grep -qF "$s" "$work/report.$fmt" && fail "a secret appears in full in report.$fmt"
		grep -qF "$s" <<<"$err" && fail "a secret appears in full on stderr ($fmt)"
	done
done
jq -e '.findings | length == 8' "$work/report.json" >/dev/null || fail "report.json does not hold 8 findings"
[ "$(wc -l < "$work/report.jsonl")" = 8 ] || fail "report.jsonl does not hold 8 lines"
while read -r line; do jq -e . >/dev/null <<<"$line" || fail "a JSONL line does not parse"; done < "$work/report.jsonl"
grep -q "CRITICAL Twilio Auth Token (twilio-auth-token)" "$work/report.text" || fail "text report lacks the auth token"
ls -A "$work" | grep -q '\.tmp-' && fail "a temporary report file was left behind"
run "$LEAKGATE" scan --show-secrets --format json .
grep -qF "$token" <<<"$out" || fail "--show-secrets does not show the secret"

# --- the same report whatever the thread count
"$LEAKGATE" scan --threads 1 --format json . > "$work/t1.json" 2>/dev/null || true
"$LEAKGATE" scan --threads 2 --format json . > "$work/t2.json" 2>/dev/null || true
diff <(jq 'del(.started, .repositories[].seconds, .summary.seconds, .summary.mb_per_second, .summary.blobs_per_second)' "$work/t1.json") \
     <(jq 'del(.started, .repositories[].seconds, .summary.seconds, .summary.mb_per_second, .summary.blobs_per_second)' "$work/t2.json") >/dev/null ||
	fail "reports differ between 1 and 2 threads"

# --- a bare clone gives the same findings
git clone -q --bare . "$work/bare.git"
run "$LEAKGATE" scan --format json "$work/bare.git"
[ "$(jq -c '[.findings[] | [.rule_id, .path, .commit, .line]] | sort' <<<"$out")" = \
  "$(jq -c '[.findings[] | [.rule_id, .path, .commit, .line]] | sort' "$work/report.json")" ] || fail "bare clone differs"
(cd "$work/bare.git" && GIT_DIR=. "$LEAKGATE" scan --format json > "$work/gitdir.json" 2>/dev/null) || true
jq -e '.findings | length == 8' "$work/gitdir.json" >/dev/null || fail "GIT_DIR was not honoured"

# ---------------------------------------------------------------------------
# Where a secret hides: branches, tags, renames, two paths.
git init -q "$work/hide"
cd "$work/hide"
echo base > base.txt && git add -A && as "Eve" eve@example.org "2024-01-01T00:00:00+0000" base
git checkout -qb unmerged
printf 'TWILIO_AUTH_TOKEN=%s\n' "$(hex 16)" > branch.env && git add -A && as "Eve" eve@example.org "2024-01-02T00:00:00+0000" branch
branch_commit=$(git rev-parse HEAD)
git checkout -q main
git checkout -qb tagged
printf 'TWILIO_AUTH_TOKEN=%s\n' "$(hex 16)" > tag.env && git add -A && as "Eve" eve@example.org "2024-01-03T00:00:00+0000" tagged
tag_commit=$(git rev-parse HEAD)
git tag -a v1 -m "release" && git checkout -q main && git branch -D -q tagged
printf 'A=1\nTWILIO_AUTH_TOKEN=%s\n' "$(hex 16)" > old.env && git add -A && as "Eve" eve@example.org "2024-01-04T00:00:00+0000" old
old_commit=$(git rev-parse HEAD)
git mv old.env renamed.env && as "Eve" eve@example.org "2024-01-05T00:00:00+0000" rename
rename_commit=$(git rev-parse HEAD)
mkdir -p a b
printf 'TWILIO_AUTH_TOKEN=%s\n' "$(hex 16)" > a/same.env && cp a/same.env b/same.env
git add -A && as "Eve" eve@example.org "2024-01-06T00:00:00+0000" twice
twice_commit=$(git rev-parse HEAD)

run "$LEAKGATE" scan --format json .
[ "$(finding twilio-auth-token branch.env | cut -d' ' -f1)" = "$branch_commit" ] || fail "unmerged branch secret: $out"
[ "$(finding twilio-auth-token tag.env | cut -d' ' -f1)" = "$tag_commit" ] || fail "tag-only secret"
[ "$(finding twilio-auth-token old.env | cut -d' ' -f1-2)" = "$old_commit 2" ] || fail "renamed file: not at the original path"
[ "$(jq -r '.findings[] | select(.path == "old.env") | .also_in | map(.path + " " + .commit) | join(",")' <<<"$out")" = \
  "renamed.env $rename_commit" ] || fail "renamed file: also_in $(jq -c '.findings[] | select(.path=="old.env") | .also_in' <<<"$out")"
[ "$(jq '[.findings[] | select(.path | endswith("same.env"))] | length' <<<"$out")" = 1 ] || fail "one blob under two paths: not one finding"
[ "$(jq -r '.findings[] | select(.path == "a/same.env") | .also_in | map(.path + " " + .commit) | join(",")' <<<"$out")" = \
  "b/same.env $twice_commit" ] || fail "one blob under two paths: also_in"
[ "$(jq .summary.blobs_scanned <<<"$out")" = 5 ] || fail "each distinct blob scanned once: $(jq .summary <<<"$out")"
[ "$(jq '.findings | length' <<<"$out")" = 4 ] || fail "hide: expected 4 findings"

# --- a secret that stays while the file around it changes: one finding,
# from the commit that introduced it
printf 'TWILIO_AUTH_TOKEN=%s\nv=1\n' "$(hex 16)" > kept.env && git add -A && as "Eve" eve@example.org "2024-01-06T01:00:00+0000" kept1
kept_commit=$(git rev-parse HEAD)
for v in 2 3 4; do
	sed -i "s/^v=.*/v=$v/" kept.env && git add -A && as "Eve" eve@example.org "2024-01-06T0$v:00:00+0000" "kept$v"
done
run "$LEAKGATE" scan --format json .
[ "$(jq '[.findings[] | select(.path == "kept.env")] | length' <<<"$out")" = 1 ] || fail "a kept secret is reported once per file version"
[ "$(finding twilio-auth-token kept.env | cut -d' ' -f1)" = "$kept_commit" ] || fail "kept secret not attributed to its first commit"

# --- a file name that is not UTF-8: still valid JSON, still found
name=$(printf 'bad\377\376name.env')
printf 'TWILIO_AUTH_TOKEN=%s\n' "$(hex 16)" > "$name"
git add -A && as "Eve" eve@example.org "2024-01-07T00:00:00+0000" badname
run "$LEAKGATE" scan --format json .
jq -e '[.findings[] | select(.path == "bad\ufffd\ufffdname.env")] | length == 1' <<<"$out" >/dev/null ||
	fail "non-UTF-8 name not found or not valid JSON"
run "$LEAKGATE" scan --format sarif .
jq -e . >/dev/null <<<"$out" || fail "SARIF with a non-UTF-8 name does not parse"
run "$LEAKGATE" scan --format text .
grep -q 'bad\\xff\\xfename.env' <<<"$out" || fail "text output does not escape the name"

# --- .leakgateignore (path glob and fingerprint) and leakgate:allow
run "$LEAKGATE" scan --format json .
fp=$(jq -r '.findings[] | select(.path == "tag.env") | .fingerprint' <<<"$out")
printf '# known fixtures\nbranch.env\n%s\n' "$fp" > .leakgateignore
printf 'TWILIO_AUTH_TOKEN=%s # leakgate:allow test fixture\n' "$(hex 16)" > allowed.env
git add -A && as "Eve" eve@example.org "2024-01-08T00:00:00+0000" ignore
run "$LEAKGATE" scan --format json .
jq -e '[.findings[] | select(.path == "branch.env" or .path == "tag.env" or .path == "allowed.env")] | length == 0' <<<"$out" >/dev/null ||
	fail "ignore file or leakgate:allow not honoured: $(jq -c '[.findings[].path]' <<<"$out")"
[ "$(jq .summary.ignored <<<"$out")" = 2 ] || fail "ignored count: $(jq .summary.ignored <<<"$out")"
run "$LEAKGATE" scan --no-ignore --format json .
jq -e '[.findings[] | select(.path == "branch.env")] | length == 1' <<<"$out" >/dev/null || fail "--no-ignore"

# --- packed, loose or both: the findings do not depend on where the objects
# are; a packed blob that only the reflog reaches is not reported, except
# with --all-objects
same_findings() { jq -c '[.findings[] | [.rule_id, .path, .commit, .line]] | sort' <<<"$out"; }
run "$LEAKGATE" scan --format json .
loose_findings=$(same_findings)
loose_blobs=$(jq .summary.blobs_scanned <<<"$out")
printf 'TWILIO_AUTH_TOKEN=%s\n' "$(hex 16)" > orphan.env
git add orphan.env && as "Eve" eve@example.org "2024-01-08T01:00:00+0000" orphan
orphan_blob=$(git rev-parse HEAD:orphan.env)
git reset -q --hard HEAD~1
git rev-list --objects --all --reflog | git pack-objects -q .git/objects/pack/pack >/dev/null
git prune-packed
packed=$(git verify-pack -v .git/objects/pack/*.idx)
grep -q "^$orphan_blob blob" <<<"$packed" || fail "the orphan blob is not packed"
[ -z "$(find .git/objects/?? -type f 2>/dev/null)" ] || fail "loose objects left after packing"
for threads in 1 2; do
	run "$LEAKGATE" scan --threads $threads --format json .
	[ "$(same_findings)" = "$loose_findings" ] || fail "packed, $threads threads: $(same_findings)"
	[ "$(jq .summary.blobs_scanned <<<"$out")" = "$loose_blobs" ] || fail "packed: $(jq .summary <<<"$out")"
done
run "$LEAKGATE" scan --all-objects --format json .
jq -e --arg b "$orphan_blob" '[.findings[] | select(.blob == $b)] | length == 1' <<<"$out" >/dev/null ||
	fail "--all-objects misses the packed orphan"
printf 'TWILIO_AUTH_TOKEN=%s\n' "$(hex 16)" > loose.env
git add loose.env && as "Eve" eve@example.org "2024-01-08T02:00:00+0000" loose
loose_commit=$(git rev-parse HEAD)
run "$LEAKGATE" scan --format json .
[ "$(finding twilio-auth-token loose.env | cut -d' ' -f1-2)" = "$loose_commit 1" ] || fail "a loose blob beside packs"
[ "$(jq .summary.blobs_scanned <<<"$out")" = $((loose_blobs + 1)) ] || fail "loose beside packs: $(jq .summary <<<"$out")"
git rm -q loose.env && as "Eve" eve@example.org "2024-01-08T03:00:00+0000" "drop loose"

# ---------------------------------------------------------------------------
# Blobs too large, --no-git, exit codes.
head -c 3000000 /dev/zero | tr '\0' 'a' > big.txt
printf '\nTWILIO_AUTH_TOKEN=%s\n' "$(hex 16)" >> big.txt
git add -A && as "Eve" eve@example.org "2024-01-09T00:00:00+0000" big
run "$LEAKGATE" scan --max-blob-size 1M --format json .
[ "$(jq .summary.blobs_skipped <<<"$out")" = 1 ] || fail "blobs_skipped: $(jq .summary <<<"$out")"
[ "$(jq .summary.skipped_reasons.too_large <<<"$out")" = 1 ] || fail "skipped_reasons"
grep -q "skipped blob .* at 'big.txt'" <<<"$err" || fail "no warning for the big blob: $err"
# a file name cannot forge a line of the warnings
forged=$'big\nleakgate: all clear.txt'
cp big.txt "$forged" && git add -A && as "Eve" eve@example.org "2024-01-09T01:00:00+0000" forged
head -c 100 /dev/zero >> "$forged" && git add -A && as "Eve" eve@example.org "2024-01-09T02:00:00+0000" forged2
run "$LEAKGATE" scan --max-blob-size 1M --format json .
grep -q "^leakgate: all clear" <<<"$err" && fail "a file name forged a line of output: $err"
grep -qF "at 'big\x0aleakgate: all clear.txt'" <<<"$err" || fail "the file name is not escaped: $err"
git rm -q "$forged" && as "Eve" eve@example.org "2024-01-09T03:00:00+0000" unforged
run "$LEAKGATE" scan --format json .
jq -e '[.findings[] | select(.path == "big.txt")] | length == 1' <<<"$out" >/dev/null || fail "big blob not scanned under the default limit"

# ---------------------------------------------------------------------------
# Blobs over the stream threshold (8 MiB; LEAKGATE_STREAM_THRESHOLD lowers
# it) are read and matched in chunks: the same findings as a whole read,
# loose and packed, for a file and for standard input.
git init -q "$work/large"
cd "$work/large"
large_token=$(hex 16)
allowed_token=$(hex 16)
{
	for i in $(seq 1 4000); do printf 'filler line %d: caf\303\251 %s\n' "$i" "$(printf '%04d' "$i")"; done
	printf 'TWILIO_AUTH_TOKEN=%s\n' "$large_token"
	printf 'TWILIO_AUTH_TOKEN=%s # leakgate:allow\n' "$allowed_token"
	for i in $(seq 1 3000); do printf 'more filler %d\n' "$i"; done
	printf 'tail TWILIO_AUTH_TOKEN=%s' "$large_token"
} > big.txt
git add big.txt && as "Lars Large" lars@example.org "2024-02-01T10:00:00+0000" "large"
large_commit=$(git rev-parse HEAD)
sed -i 's/^filler line 17:/filler line 17 changed:/' big.txt
git add big.txt && as "Lars Large" lars@example.org "2024-02-02T10:00:00+0000" "large, changed"
# large FORMAT ARGS...: the findings' rule, path, line, column, commit.
large() {
	jq -r '.findings[] | "\(.rule_id) \(.path) \(.line) \(.column) \(.end_column) \(.commit) \(.secret)"' <<<"$out" | sort
}
run "$LEAKGATE" scan --show-secrets --format json .
whole=$(large)
[ "$(wc -l <<<"$whole")" -eq 2 ] && grep -q "twilio-auth-token big.txt 4001 19 51 $large_commit $large_token" <<<"$whole" &&
	grep -q "twilio-auth-token big.txt 7003 24 56 $large_commit $large_token" <<<"$whole" ||
	fail "large blob, read whole: $whole"
for threshold in 4096 100000; do
	run env LEAKGATE_STREAM_THRESHOLD=$threshold "$LEAKGATE" scan --show-secrets --format json .
	[ "$(large)" = "$whole" ] || fail "large loose blob streamed ($threshold): $(large)"
done
# Packed whole (no deltas: each version streams), then with deltas (one
# version a delta, read whole). pack-objects by hand: `git repack -ad` on
# this fresh repository sometimes fails in git 2.39 ("bad revision").
git rev-list --objects --all > "$work/large.objects"
git pack-objects -q --window=0 .git/objects/pack/pack < "$work/large.objects" >/dev/null
git prune-packed
[ -z "$(find .git/objects -path '*/objects/??/*' -type f)" ] || fail "large: objects left loose"
for threshold in 4096 100000; do
	run env LEAKGATE_STREAM_THRESHOLD=$threshold "$LEAKGATE" scan --show-secrets --format json .
	[ "$(large)" = "$whole" ] || fail "large packed blob streamed ($threshold): $(large)"
done
whole_pack=$(ls .git/objects/pack/pack-*.pack)
git pack-objects -q --no-reuse-object .git/objects/pack/pack < "$work/large.objects" >/dev/null
rm "$whole_pack" "${whole_pack%.pack}.idx"
[ "$(git verify-pack -v .git/objects/pack/pack-*.idx | awk '$2 == "blob" && NF == 7' | wc -l)" -eq 1 ] ||
	fail "large: no delta in the second pack"
run env LEAKGATE_STREAM_THRESHOLD=4096 "$LEAKGATE" scan --show-secrets --format json .
[ "$(large)" = "$whole" ] || fail "large packed blob and delta: $(large)"
run env LEAKGATE_STREAM_THRESHOLD=4096 "$LEAKGATE" scan --max-blob-size 100000 --format json .
jq -e '.summary.skipped_reasons.too_large == 2 and (.findings | length) == 0' <<<"$out" >/dev/null ||
	fail "large blobs over --max-blob-size while streaming: $(jq -c .summary <<<"$out")"
run "$LEAKGATE" scan --no-git --show-secrets --format json big.txt
whole=$(large)
[ "$(wc -l <<<"$whole")" -eq 2 ] || fail "large file, read whole: $whole"
run env LEAKGATE_STREAM_THRESHOLD=4096 "$LEAKGATE" scan --no-git --show-secrets --format json big.txt
[ "$(large)" = "$whole" ] || fail "large file streamed: $(large)"
run env LEAKGATE_STREAM_THRESHOLD=4096 "$LEAKGATE" scan --no-git --show-secrets --format json - < <(cat big.txt)
[ "$(large | sed 's/ - / big.txt /')" = "$whole" ] || fail "large pipe streamed: $(large)"
cd "$work/repo"

mkdir -p "$work/plain/sub"
printf 'TWILIO_AUTH_TOKEN=%s\n' "$(hex 16)" > "$work/plain/sub/app.env"
run "$LEAKGATE" scan --no-git --format json "$work/plain"
[ "$rc" -eq 1 ] && [ "$(jq -r '.findings[0].path' <<<"$out")" = "$work/plain/sub/app.env" ] || fail "--no-git directory: $out"
jq -e '.findings[0].commit == null' <<<"$out" >/dev/null || fail "--no-git finding has a commit"
run "$LEAKGATE" scan --no-git --format json - < "$work/plain/sub/app.env"
[ "$rc" -eq 1 ] && [ "$(jq -r '.findings[0].path' <<<"$out")" = "-" ] || fail "--no-git stdin: $out"
run "$LEAKGATE" scan --no-git "$work/placeholders/.env.example"
[ "$rc" -eq 0 ] || fail "--no-git placeholder file exit $rc"

run "$LEAKGATE" scan "$work/does-not-exist"
[ "$rc" -eq 3 ] || fail "missing repository: exit $rc, not 3"
grep -q "cannot open repository '$work/does-not-exist'" <<<"$err" || fail "missing repository message: $err"
run "$LEAKGATE" scan --format yaml .
[ "$rc" -eq 2 ] || fail "unknown format: exit $rc, not 2"
printf '[{"id": "broken", "name": "n", "description": "d", "severity": "high", "regex": "(", "examples": ["x"], "negative_examples": []}]' > "$work/bad.json"
run "$LEAKGATE" scan --rules "$work/bad.json" .
[ "$rc" -eq 2 ] || fail "bad rule file: exit $rc, not 2"
grep -q "^$work/bad.json: rule broken: regex: PCRE2 refuses it" <<<"$err" || fail "bad rule message: $err"

finish "scan history"
