#!/usr/bin/env bash
# The shapes of issue #15 sections 1 and 2 (tests/corpus/detect-rules/):
# Twilio credentials as real code writes them, paired credentials (Twilio,
# AWS, Algolia, Datadog, Alibaba, Tencent, Plivo), provider keys without a prefix recognised from the
# context before or after them, and generic secrets at medium confidence.
# The corpus is committed to a repository and scanned at the default
# confidence: the findings must be exactly expected.tsv (rule, path,
# line), nothing missing and nothing more, in particular nothing from
# negatives/ (references, words, runs, identifiers, hashes). The same
# findings come back when every blob is streamed in small chunks, so the
# context after a match is waited for. A pair finding carries both parts,
# redacted like its secret, and a fingerprint made of the rule and both
# secrets.
TEST_USER_NAME="Dora Detect" TEST_USER_EMAIL=dora@example.org
. "$(dirname "$0")/lib.sh"
SRC=${LEAKGATE_SOURCE_DIR:?source directory}
CORPUS=$SRC/tests/corpus/detect-rules

repo=$work/repo
mkdir -p "$repo"
cp -R "$CORPUS"/. "$repo"/
rm "$repo/expected.tsv"
(cd "$repo" && git init -q && git add -A && git commit -qm corpus)
commit=$(git -C "$repo" rev-parse HEAD)

# findings FILE: "rule<TAB>path<TAB>line" of each finding, sorted.
findings() {
	jq -r '.findings[] | [.rule_id, .path, .line] | @tsv' "$1" | sort
}

run "$LEAKGATE" scan --format json -o "$work/all.json" "$repo"
[ "$rc" -eq 1 ] || fail "scan exited $rc, not 1: $err"
findings "$work/all.json" > "$work/found.tsv"
sort "$CORPUS/expected.tsv" > "$work/expected.tsv"
if ! diff -u "$work/expected.tsv" "$work/found.tsv" > "$work/diff"; then
	fail "findings differ from expected.tsv (- missing, + extra):"
	grep '^[-+][^-+]' "$work/diff" >&2
fi
[ "$(jq -r '[.findings[].commit] | unique | join(",")' "$work/all.json")" = "$commit" ] ||
	fail "findings not at the corpus commit $commit"

# Each issue shape by name, so a failure says which one.
expect() { # RULE PATH LINE WHAT
	grep -qxF "$1"$'\t'"$2"$'\t'"$3" "$work/found.tsv" || fail "$4: no $1 at $2:$3"
}
expect twilio-auth-token-client twilio/client_alone.py 1 'Client("AC..", "token") alone'
expect twilio-auth-token-client twilio/client_comment.py 3 'Client(...) # twilio after it'
expect twilio-auth-token twilio/settings.py 3 'auth_token under account_sid, no twilio import'
expect twilio-auth-token twilio/twilio.env 1 'TWILIO_TOKEN='
expect twilio-auth-token twilio/twilio.env 2 'TWILIO_SECRET='
expect twilio-auth-token twilio/notify.json 5 '"authToken" in a file about Twilio'
expect twilio-auth-token twilio/comment_after.py 1 'auth_token = ... # twilio'
expect twilio-auth-token twilio/deploy.cmd 2 'setx NAME VALUE'
expect twilio-auth-token twilio/deploy.ps1 1 '$env:NAME = "..."'
expect twilio-auth-token twilio/export.sh 2 'export NAME=VALUE'
expect twilio-auth-token twilio/config.php 4 "'auth_token' => under 'twilio' =>"
expect twilio-auth-token-near-sid twilio/nested.yaml 4 'token: under twilio: next to a SID'
expect twilio-auth-token-near-sid twilio/struct.go 5 'Password: in a struct next to a SID'
expect twilio-auth-token-near-sid twilio/kwargs.py 1 'password= keyword argument next to a SID'
expect twilio-auth-token twilio/AuthToken.cs 3 'PascalCase AuthToken ='
expect twilio-api-key-secret-client twilio/apikey.js 1 'twilio("SK..", "secret")'
expect twilio-api-key-secret twilio/apikey.yaml 3 'apiKeySecret: next to an API key SID'
expect aws-secret-access-key-near-key-id aws/settings.yaml 4 'key: next to AKIA...'
expect aws-secret-access-key-after-key-id aws/session.py 1 'Session("AKIA..", "secret")'
expect datadog-api-key providers/datadog.yaml 3 'api_key: under datadog:'
expect mailgun-private-key providers/mailgun.py 1 'api_key = ... # mailgun'
expect azure-storage-account-key providers/azure.py 2 'account_key next to account_name'
expect twilio-auth-token twilio/set.cmd 3 'set NAME=VALUE in a .cmd file'
expect twilio-auth-token twilio/set-item.ps1 1 'Set-Item Env:NAME -Value in a .ps1 file'
expect twilio-auth-token twilio/set-item.ps1 2 '[Environment]::SetEnvironmentVariable(NAME, VALUE)'
expect twilio-auth-token twilio/nested.json 5 '"authToken" in JSON nested under "twilio":'
expect twilio-auth-token-near-sid twilio/nested_token.yaml 3 'token: nested under twilio:, no SID'
expect twilio-api-key-secret twilio/ApiKeySecret.cs 3 'PascalCase ApiKeySecret = next to ApiKeySid'
expect twilio-api-key-credentials twilio/ApiKeySecret.cs 3 'API key SID and secret paired'
expect datadog-api-key providers/datadog_after.py 1 'api_key = ... # datadog after it'
expect datadog-credentials providers/datadog_after.py 2 'Datadog API and application keys paired'
expect azure-storage-account-key providers/azure_after.json 2 'key with accountName after it'
expect kubernetes-secret-data providers/kubectl-secret.yaml 3 'data: before kind: Secret (kubectl order)'
expect discord-bot-token providers/bot.py 1 'bot.run(...) # discord after it'
expect telegram-bot-token providers/bot.py 2 'TOKEN = ... # telegram after it'
expect alibaba-access-key-secret-after-id providers/alibaba.py 3 'AcsClient("LTAI..", "secret")'
expect alibaba-cloud-credentials providers/alibaba.py 3 'Alibaba id and secret paired'
expect tencent-cloud-secret-key-near-id providers/tencent.yaml 3 'secret_key: with the AKID SecretId after it'
expect tencent-cloud-credentials providers/tencent.yaml 3 'Tencent SecretKey before its SecretId, paired'
expect plivo-auth-token-near-id providers/plivo.rb 3 'auth_token = next to an Auth ID, # plivo after'
expect plivo-credentials providers/plivo.rb 3 'Plivo Auth ID and token paired'
expect generic-password-assignment generic/.env 2 'DB_PASSWORD=<18 letters and digits>'
expect generic-password-assignment generic/config.json 3 '"password": "<a leetspeak password>"'
expect generic-api-key-assignment generic/settings.py 1 'api_key = "8f4b..."'
expect jwt generic/request.http 2 'a JWT'
expect generic-secret-assignment generic/LocalSettings.php 3 '$wgSecretKey = "<64 hex>"'
grep -q $'\tnegatives/' "$work/found.tsv" && fail "a finding in negatives/: $(grep $'\tnegatives/' "$work/found.tsv")"
for f in $(jq -r '.findings[] | select(.confidence == "low") | .rule_id' "$work/all.json"); do
	fail "a low-confidence finding at the default level: $f"
done

# Every blob streamed in chunks of a few dozen bytes: the same findings.
run env LEAKGATE_STREAM_THRESHOLD=64 "$LEAKGATE" scan --format json -o "$work/streamed.json" "$repo"
[ "$rc" -eq 1 ] || fail "streamed scan exited $rc: $err"
findings "$work/streamed.json" > "$work/streamed.tsv"
diff -u "$work/found.tsv" "$work/streamed.tsv" >&2 || fail "streamed findings differ from whole ones"

# The pair: one finding with both parts, named for the verifier.
pair='.findings[] | select(.rule_id == "twilio-account-credentials" and .path == "twilio/settings.py")'
[ "$(jq -r "$pair | .secret_parts | map(.name) | join(\",\")" "$work/all.json")" = account_sid,auth_token ] ||
	fail "the Twilio pair's parts are not account_sid,auth_token"
[ "$(jq -r '.findings[] | select(.rule_id == "aws-access-key-credentials" and .path == "aws/credentials") | .secret_parts | map(.name) | join(",")' "$work/all.json")" = access_key_id,secret_access_key ] ||
	fail "the AWS pair's parts are not access_key_id,secret_access_key"
[ "$(jq -r '.findings[] | select(.rule_id == "datadog-credentials") | .secret_parts | map(.name) | join(",")' "$work/all.json")" = api_key,application_key ] ||
	fail "the Datadog pair's parts are not api_key,application_key"
for p in alibaba-cloud-credentials:access_key_id,access_key_secret tencent-cloud-credentials:secret_id,secret_key \
	plivo-credentials:auth_id,auth_token; do
	[ "$(jq -r --arg r "${p%%:*}" '.findings[] | select(.rule_id == $r) | .secret_parts | map(.name) | join(",")' "$work/all.json")" = "${p#*:}" ] ||
		fail "the ${p%%:*} pair's parts are not ${p#*:}"
done
# One finding per secret: the Kubernetes rule, not a generic rule too.
[ "$(jq '[.findings[] | select(.path == "providers/kubectl-secret.yaml")] | length' "$work/all.json")" = 1 ] ||
	fail "the Kubernetes Secret's value is reported more than once"
sid=$(sed -n "s/^account_sid = '\(AC[0-9a-f]*\)'$/\1/p" "$repo/twilio/settings.py")
token=$(sed -n "s/^auth_token = '\([0-9a-f]*\)'$/\1/p" "$repo/twilio/settings.py")
[ ${#sid} -eq 34 ] && [ ${#token} -eq 32 ] || fail "cannot read the fixture's SID and token"
for f in all.json streamed.json; do
	grep -q -e "$sid" -e "$token" "$work/$f" && fail "$f holds a part of the pair in full"
done
run "$LEAKGATE" scan --show-secrets --format json -o "$work/shown.json" "$repo"
[ "$(jq -r "$pair | .secret_parts | map(.secret) | join(\",\")" "$work/shown.json")" = "$sid,$token" ] ||
	fail "--show-secrets does not show the pair's parts in full"
[ "$(jq -r "$pair | .secret" "$work/shown.json")" = "$token" ] || fail "the pair's secret is not its token"

# Its fingerprint: the same pair elsewhere has the same one; another token
# another; and it is not the token's own.
fp=$(jq -r "$pair | .fingerprint" "$work/all.json")
token_fp=$(jq -r '.findings[] | select(.rule_id == "twilio-auth-token" and .path == "twilio/settings.py") | .fingerprint' "$work/all.json")
[ -n "$fp" ] && [ "$fp" != "$token_fp" ] || fail "pair fingerprint '$fp' missing or the token's own"
mkdir -p "$work/copy" "$work/other"
cp "$repo/twilio/settings.py" "$work/copy/moved.py"
sed "s/$token/$(hex 16)/" "$repo/twilio/settings.py" > "$work/other/settings.py"
run "$LEAKGATE" scan --no-git --format json -o "$work/copy.json" "$work/copy"
[ "$(jq -r '.findings[] | select(.rule_id == "twilio-account-credentials") | .fingerprint' "$work/copy.json")" = "$fp" ] ||
	fail "the same pair in another file has another fingerprint"
run "$LEAKGATE" scan --no-git --format json -o "$work/other.json" "$work/other"
other_fp=$(jq -r '.findings[] | select(.rule_id == "twilio-account-credentials") | .fingerprint' "$work/other.json")
[ -n "$other_fp" ] && [ "$other_fp" != "$fp" ] || fail "another token keeps the pair's fingerprint"

# The pairs' parts stay reported on their own, and a pair needs both
# within its reach: a SID and token 7 lines apart are not one.
printf 'TWILIO_ACCOUNT_SID=AC%s\n\n\n\n\n\n\nTWILIO_AUTH_TOKEN=%s\n' "$(hex 16)" "$(hex 16)" > "$work/far.env"
run "$LEAKGATE" scan --no-git --format json -o "$work/far.json" "$work/far.env"
[ "$(jq -r '[.findings[].rule_id] | sort | join(",")' "$work/far.json")" = twilio-account-sid,twilio-auth-token ] ||
	fail "far apart: $(jq -c '[.findings[].rule_id]' "$work/far.json")"

finish t_detect_rules
