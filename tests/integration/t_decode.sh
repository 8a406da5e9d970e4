#!/usr/bin/env bash
# Encoded secrets (issue #15, section 3): decoding is on by default. Each
# kind of encoding, and two in a row, in its own commit of a real
# repository; the scan reports each secret once, decoded, marked with how
# it was encoded and located at the encoded text (rule, path, line,
# commit). --no-decode finds none of them. The hooks decode too, and only
# in the lines a push or --range adds. Every fake secret is made here from
# random bytes.
. "$(dirname "$0")/lib.sh"

b64() { printf '%s' "$1" | base64 -w0; }
# pct TEXT: TEXT with every byte that is not a letter or a digit as %XX.
pct() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""), end="")' "$1"; }
# rnd N: N random letters and digits, with both cases and a digit.
rnd() { printf 'aZ7%s' "$(head -c 64 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9' | head -c $(($1 - 3)))"; }

gl1=glpat-$(rnd 20)  # base64, Kubernetes Secret data
gl2=glpat-$(rnd 20)  # escape
gl3=glpat-$(rnd 20)  # UTF-16
gl4=glpat-$(rnd 20)  # pushed, base64
pw1=$(rnd 16)        # Authorization: Basic
pw2=$(rnd 16)        # percent
pw3=$(rnd 16)        # base64 of percent

repo=$work/repo
git init -q "$repo"
cd "$repo"
commit() { git add -A && git commit -qm "$1" && git rev-parse HEAD; }

mkdir -p k8s http app deploy win ci
printf 'apiVersion: v1\nkind: Secret\ndata:\n  gitlab-token: %s\n' "$(b64 "$gl1")" > k8s/secret.yaml
c_base64=$(commit "k8s secret")
printf 'GET /api HTTP/1.1\nAuthorization: Basic %s\n' "$(b64 "deploy:$pw1")" > http/request.http
c_basic=$(commit "request")
printf 'name = "app"\nDATABASE_URL=%s\n' "$(pct "https://admin:$pw2@db.internal/app")" > app/config.txt
c_percent=$(commit "config")
# A token right after an escaped line break: as written, 'n' precedes it.
printf '{\n  "tokens": "first line\\n%s\\nlast line"\n}\n' "$gl2" > deploy/settings.json
c_escape=$(commit "settings")
printf '\xff\xfe' > win/creds.txt
printf 'note\r\nGITLAB_TOKEN=%s\r\n' "$gl3" | iconv -f UTF-8 -t UTF-16LE >> win/creds.txt
c_utf16=$(commit "creds")
printf 'jobs:\n  - name: mirror\n    payload: %s\n' "$(b64 "url=$(pct "https://ci:$pw3@git.internal/")")" > ci/vars.yaml
c_chain=$(commit "ci vars")
cd "$work"

# findings FILE: "rule path line commit decoded secret" per finding, sorted.
findings() {
	jq -r '.findings[] | [.rule_id, .path, .line, .commit, (.decoded // "-"), .secret] | join(" ")' "$1" | sort
}

run "$LEAKGATE" scan --show-secrets --format json -o "$work/all.json" "$repo"
[ "$rc" -eq 1 ] || fail "scan exited $rc: $err"
findings "$work/all.json" > "$work/found.txt"
sort > "$work/expected.txt" <<EOF
gitlab-pat k8s/secret.yaml 4 $c_base64 base64 $gl1
kubernetes-secret-data k8s/secret.yaml 4 $c_base64 - $(b64 "$gl1")
http-basic-auth-credentials http/request.http 2 $c_basic base64 $pw1
basic-auth-url app/config.txt 2 $c_percent percent $pw2
gitlab-pat deploy/settings.json 2 $c_escape escape $gl2
gitlab-pat win/creds.txt 2 $c_utf16 utf16 $gl3
basic-auth-url ci/vars.yaml 3 $c_chain base64+percent $pw3
EOF
diff -u "$work/expected.txt" "$work/found.txt" >&2 || fail "decoded findings differ from the expected ones (- expected, + found)"

# Located at the encoded text: the column where the base64 value starts.
col=$(jq -r '.findings[] | select(.path == "k8s/secret.yaml" and .rule_id == "gitlab-pat") | .column' "$work/all.json")
[ "$col" = 17 ] || fail "the k8s finding's column is '$col', not 17 (where the base64 starts)"

# Redacted by default, in every format: no decoded secret in full.
printf '%s\n' "$gl1" "$gl2" "$gl3" "$pw1" "$pw2" "$pw3" > "$work/secrets.txt"
for fmt in text json jsonl sarif; do
	"$LEAKGATE" scan --format "$fmt" "$repo" > "$work/out.$fmt" 2>&1 || true
	grep -q -F -f "$work/secrets.txt" "$work/out.$fmt" && fail "$fmt output holds a decoded secret in full"
	grep -q -e base64 "$work/out.$fmt" || fail "$fmt output does not say the secret was decoded"
done

# --no-decode: only what is written as it is.
run "$LEAKGATE" scan --no-decode --format json -o "$work/plain.json" "$repo"
[ "$(jq -r '[.findings[].rule_id] | join(" ")' "$work/plain.json")" = kubernetes-secret-data ] ||
	fail "--no-decode: $(jq -c '[.findings[] | [.rule_id, .path]]' "$work/plain.json")"
# --decode is still accepted (it is the default).
run "$LEAKGATE" scan --decode --format json -o "$work/again.json" "$repo"
[ "$rc" -eq 1 ] && [ "$(jq '.findings | length' "$work/again.json")" = 7 ] || fail "--decode: rc $rc, $err"

# --range: only the lines the commits add. The chain commit adds one
# encoded secret; the one before it adds the UTF-16 one.
run "$LEAKGATE" scan --range "$c_utf16..$c_chain" --format json -o "$work/range.json" "$repo"
[ "$(jq -r '.findings[] | [.rule_id, .path, .line, .decoded] | join(" ")' "$work/range.json")" = \
	"basic-auth-url ci/vars.yaml 3 base64+percent" ] || fail "--range: $(jq -c '.findings' "$work/range.json")"

# pre-receive, through real pushes: a push adding an encoded secret is
# refused and says it was decoded; one that only touches another line of
# a file holding an encoded secret (accepted before) goes through.
git init -q --bare "$work/server.git"
printf '#!/bin/sh\nexec %q hook pre-receive "$@"\n' "$LEAKGATE" > "$work/server.git/hooks/pre-receive"
chmod +x "$work/server.git/hooks/pre-receive"
git clone -q "$work/server.git" "$work/dev" 2>/dev/null
cd "$work/dev"
printf 'kind: Secret\ndata:\n  note: %s\n' "$(b64 "plain words, nothing secret here")" > secret.yaml
git add -A && git commit -qm clean
run git push -q origin HEAD:refs/heads/main
[ "$rc" -eq 0 ] || fail "a clean push was refused: $err"
printf '  deploy: %s\n' "$(b64 "$gl4")" >> secret.yaml
git commit -qam "add a token"
run git push -q origin HEAD:refs/heads/main
[ "$rc" -ne 0 ] || fail "a push adding a base64-encoded token was accepted"
grep -q "gitlab-pat" <<<"$err" || fail "the refusal does not name the rule: $err"
grep -q "base64" <<<"$err" || fail "the refusal does not say the secret was decoded: $err"
grep -q -F "$gl4" <<<"$err" && fail "the refusal shows the decoded secret in full"
# With --no-decode the hook lets the encoded token in; then a push that
# changes another line of that file only goes through the decoding hook.
printf '#!/bin/sh\nexec %q hook pre-receive --no-decode "$@"\n' "$LEAKGATE" > "$work/server.git/hooks/pre-receive"
run git push -q origin HEAD:refs/heads/main
[ "$rc" -eq 0 ] || fail "pre-receive --no-decode refused the encoded token: $err"
printf '#!/bin/sh\nexec %q hook pre-receive "$@"\n' "$LEAKGATE" > "$work/server.git/hooks/pre-receive"
sed -i 's/^kind: Secret$/kind: Secret # reviewed/' secret.yaml
git commit -qam "comment"
run git push -q origin HEAD:refs/heads/main
[ "$rc" -eq 0 ] || fail "a push changing only another line was refused: $err"
cd "$work"

finish t_decode
