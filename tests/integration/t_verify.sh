#!/usr/bin/env bash
# Live verification (--verify) with no internet: every provider's declared
# check against tests/verify_mock.py, which answers like the real API, then
# each safety point: nothing sent without --verify, one request per
# distinct secret, no redirect followed, 429 + Retry-After, 500, time-outs,
# the time budget, the cache (by fingerprint, mode 0600, no secret), the
# override refused off loopback, the proxy only from the environment, and a
# live secret first in a hook's message.
. "$(dirname "$0")/lib.sh"
SRC=${LEAKGATE_SOURCE_DIR:?}
unset http_proxy https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

mock_pid=
trap '[ -z "$mock_pid" ] || kill "$mock_pid" 2>/dev/null; rm -rf "$work"' EXIT

# start_mock CONFIG: starts the mock providers; sets $override (the value
# for LEAKGATE_VERIFY_OVERRIDE), $elsewhere (the redirect target) and $log.
start_mock() {
	stop_mock
	log=$work/mock-$RANDOM.jsonl
	: >"$log"
	rm -f "$work/override"
	python3 "$SRC/tests/verify_mock.py" --config "$1" --log "$log" \
		--override-file "$work/override" &
	mock_pid=$!
	for _ in $(seq 100); do
		[ -s "$work/override" ] && break
		sleep 0.1
	done
	override=$(sed -n 1p "$work/override")
	elsewhere=$(sed -n 2p "$work/override")
	[ -n "$override" ] || { echo "the mock did not start" >&2; exit 1; }
}
stop_mock() {
	[ -z "$mock_pid" ] || { kill "$mock_pid" 2>/dev/null; wait "$mock_pid" 2>/dev/null || true; }
	mock_pid=
}
# requests [PROVIDER]: how many requests the mock has seen (for PROVIDER).
requests() {
	if [ -n "${1:-}" ]; then
		jq -s --arg p "$1" '[.[] | select(.provider == $p)] | length' "$log"
	else
		jq -s length "$log"
	fi
}
# random_of ALPHABET N: N random characters of ALPHABET.
random_of() { python3 -c 'import secrets, sys; print("".join(secrets.choice(sys.argv[1]) for _ in range(int(sys.argv[2]))))' "$1" "$2"; }
random_alnum() { random_of ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 "$1"; }
glpat() { printf 'glpat-%s' "$(random_alnum 20)"; }

# --- every provider: the rules' own examples, one secret per rule live -----
mkdir "$work/all" && cd "$work/all" && git init -q
python3 - "$SRC/patterns" >examples.txt <<'EOF'
import glob, json, sys
for f in sorted(glob.glob(sys.argv[1] + "/*.json")):
    data = json.load(open(f))
    for r in (data.get("rules", []) if isinstance(data, dict) else data):
        if "verify" in r:
            for e in r["examples"]:
                print(e)
EOF
git add examples.txt && git commit -qm examples
"$LEAKGATE" scan --format json --show-secrets --min-confidence low . >findings.json || true
# The mock's configuration: per rule, its first secret is right, the others
# wrong; the credential as the mock reads it off the request.
python3 - "$SRC/patterns" findings.json examples.txt >config.json 2>expected.json <<'EOF'
import glob, json, re, sys
rules = {}
for f in sorted(glob.glob(sys.argv[1] + "/*.json")):
    data = json.load(open(f))
    for r in (data.get("rules", []) if isinstance(data, dict) else data):
        rules[r["id"]] = r
lines = open(sys.argv[3]).read().splitlines()
findings = json.load(open(sys.argv[2]))["findings"]
creds, expect, chosen, requests, aws = {}, [], set(), set(), {}
def groups(pattern, text, secret):
    if not pattern:
        return {}
    rx = re.compile(pattern.replace("(?<", "(?P<"))
    for m in rx.finditer(text):
        d = m.groupdict()
        if "secret" not in d or d["secret"] == secret:
            return d
    return None
for f in findings:
    v = rules[f["rule_id"]].get("verify")
    if not v:
        continue
    secret = f["secret"]
    line = lines[f["line"] - 1]
    vars = {"secret": secret}
    vars.update({p["name"]: p["secret"] for p in f.get("secret_parts") or []})
    g1 = groups(v.get("secret_pattern"), secret, secret)
    g2 = groups(v.get("line_pattern"), line, secret)
    if g1 is None or g2 is None:
        continue
    vars.update(g1 or {}); vars.update(g2 or {})
    sub = lambda t: re.sub(r"\{([a-z0-9_]+)\}", lambda m: vars[m.group(1)], t)
    p = v["provider"]
    if "aws_sigv4" in v:  # the mock checks the signature with the secret
        cred = sub(v["aws_sigv4"]["access_key"])
        aws[cred] = sub(v["aws_sigv4"]["secret_key"])
    elif "basic_auth" in v:
        cred = sub(v["basic_auth"][0]) + ":" + sub(v["basic_auth"][1])
    elif p == "slack-webhook":
        cred = secret.split("/services/")[1]
    elif f["rule_id"] == "discord-webhook-url":
        cred = "/".join(secret.split("/")[-2:])
    else:
        cred = secret
    live = f["rule_id"] not in chosen
    chosen.add(f["rule_id"])
    if live:
        creds.setdefault(p, {})[cred] = "ok"
    requests.add((json.dumps(v, sort_keys=True), cred))
    expect.append({"rule_id": f["rule_id"], "line": f["line"], "provider": p,
                   "status": "live" if live or creds[p].get(cred) == "ok" else "invalid",
                   "identity": (("arn:aws:iam::123456789012:user/" if p == "aws" else "") + "mock-%s-identity" % p) if "identity" in v and (live or creds[p].get(cred) == "ok") else None})
print(json.dumps({"credentials": creds, "aws": aws}))
sys.stderr.write(json.dumps({"findings": expect, "requests": len(requests),
                             "providers": sorted({e["provider"] for e in expect})}))
EOF
providers=$(jq '.providers | length' expected.json)
[ "$providers" -ge 27 ] || fail "only $providers providers have examples to check: $(jq -c .providers expected.json)"
jq -e '.providers | index("twilio")' expected.json >/dev/null || fail "twilio is not among the providers checked"
start_mock config.json
LEAKGATE_VERIFY_OVERRIDE=$override run "$LEAKGATE" scan --verify --format json --min-confidence low .
[ "$rc" -eq 1 ] || fail "scan --verify exited $rc: $err"
jq -c '[.findings[] | select(.verification.status != "unverifiable") |
        {rule_id, line, status: .verification.status, identity: .verification.identity}] | sort_by(.rule_id, .line)' \
	<<<"$out" >got.json
jq -c '[.findings[] | {rule_id, line, status, identity}] | sort_by(.rule_id, .line)' expected.json >want.json
if ! cmp -s got.json want.json; then
	fail "verification results differ from the mock's answers"
	diff <(jq -c '.[]' want.json) <(jq -c '.[]' got.json) | head -20 >&2 || true
fi
[ "$(requests)" -eq "$(jq .requests expected.json)" ] ||
	fail "$(requests) requests for $(jq .requests expected.json) distinct checks (one each)"
# What each provider was sent: its own path and the credential where it
# belongs (the mock refuses anything else, so live results prove it).
[ "$(jq -s '[.[] | select(.provider == "twilio" and .path == "/2010-04-01/Accounts.json")] | length' "$log")" -ge 1 ] ||
	fail "no Twilio request with the Accounts path"
jq -e -s 'all(.[]; .headers["User-Agent"] | startswith("leakgate/"))' "$log" >/dev/null ||
	fail "a request without leakgate's User-Agent"
grep -q '"secret"' <<<"$out" && ! grep -q "$(jq -r '.credentials.gitlab | keys[0]' config.json)" <<<"$out" ||
	fail "a secret appears in full in the report"

# --- one small repository for the safety points ---------------------------
mkdir "$work/safe" && cd "$work/safe" && git init -q
ok=$(glpat) bad=$(glpat) limited=$(glpat) broken=$(glpat) slow=$(glpat) moved=$(glpat)
printf 'GITLAB_TOKEN=%s\n' "$ok" >a.env
printf '# copy\nGITLAB_TOKEN=%s\n' "$ok" >copy.env # the same secret again
printf 'GITLAB_TOKEN=%s\n' "$bad" >b.env
git add . && git commit -qm safe
jq -n --arg ok "$ok" --arg limited "$limited" --arg broken "$broken" --arg slow "$slow" --arg moved "$moved" \
	'{credentials: {gitlab: {($ok): "ok", ($limited): "429", ($broken): "500", ($slow): "slow", ($moved): "redirect"}}}' \
	>"$work/config.json"
start_mock "$work/config.json"
export LEAKGATE_VERIFY_OVERRIDE=$override

# Nothing is sent without --verify, whatever the environment says.
run "$LEAKGATE" scan --format json .
[ "$rc" -eq 1 ] || fail "plain scan exited $rc"
[ "$(requests)" -eq 0 ] || fail "a scan without --verify sent $(requests) request(s)"
jq -e 'all(.findings[]; has("verification") | not)' <<<"$out" >/dev/null ||
	fail "a scan without --verify reports a verification"
run "$LEAKGATE" baseline "$work/base.json" .
[ "$(requests)" -eq 0 ] || fail "baseline without --verify sent a request"

# One request per distinct secret; live with its identity; invalid.
run "$LEAKGATE" scan --verify --format json .
[ "$(requests gitlab)" -eq 2 ] || fail "$(requests gitlab) requests for 2 distinct secrets"
[ "$(jq '[.findings[] | select(.verification.status == "live" and
	.verification.identity == "mock-gitlab-identity" and .verification.http_status == 200)] | length' <<<"$out")" -eq 2 ] ||
	fail "the live secret (two places) is not live with its identity: $out"
[ "$(jq '[.findings[] | select(.verification.status == "invalid" and .verification.http_status == 401)] | length' <<<"$out")" -eq 1 ] ||
	fail "the wrong secret is not invalid"
jq -e -s 'all(.[]; .path == "/api/v4/user" and .method == "GET")' "$log" >/dev/null ||
	fail "a request did not go to GitLab's /api/v4/user"

# The cache: by fingerprint, never the secret; mode 0600; a second run
# sends nothing.
cache=$LEAKGATE_CACHE_DIR/verify-cache.json
[ -f "$cache" ] || fail "no verification cache"
[ "$(stat -c %a "$cache")" = 600 ] || fail "cache mode $(stat -c %a "$cache")"
grep -q -e "$ok" -e "$bad" "$cache" && fail "the cache holds a secret"
for fp in $(jq -r '.findings[].fingerprint' <<<"$out"); do
	grep -q "$fp" "$cache" || fail "the cache has no entry for fingerprint $fp"
done
run "$LEAKGATE" scan --verify --format json .
[ "$(requests gitlab)" -eq 2 ] || fail "the cached results were asked again"
[ "$(jq '[.findings[] | select(.verification.status == "live")] | length' <<<"$out")" -eq 2 ] ||
	fail "cached results lost"
# Text shows live first; --only-live keeps only it; baseline --verify carries it.
run "$LEAKGATE" scan --verify .
grep -q "^LIVE CRITICAL GitLab" <<<"$out" || fail "text report does not mark LIVE: $out"
grep -q "this credential is live, rotate it now (HTTP 200) as mock-gitlab-identity" <<<"$out" ||
	fail "text report lacks the verified line"
grep -q "^2 live credentials: rotate them now" <<<"$out" || fail "no live count in text"
run "$LEAKGATE" scan --only-live --format jsonl .
[ "$rc" -eq 1 ] && [ "$(wc -l <<<"$out")" -eq 2 ] || fail "--only-live: rc $rc, $(wc -l <<<"$out") lines"
run "$LEAKGATE" scan --only-live --format sarif .
[ "$(jq '[.runs[0].results[].properties.verification.status] | unique' <<<"$out" | jq -c .)" = '["live"]' ] ||
	fail "SARIF does not carry the verification"
run "$LEAKGATE" baseline "$work/base2.json" --verify .
jq -e '[.findings[].verification.status] | sort == ["invalid","live","live"]' "$work/base2.json" >/dev/null ||
	fail "baseline --verify does not record the verification"

# 429 with Retry-After, 500, a redirect: errors, never invalid, and one
# request each; the redirect's target never reached.
printf 'GITLAB_TOKEN=%s\nGITLAB_TOKEN=%s\nGITLAB_TOKEN=%s\n' "$limited" "$broken" "$moved" >c.env
git add c.env && git commit -qm more
before=$(requests gitlab)
run "$LEAKGATE" scan --verify --format json .
st() { jq -r --arg l "$1" '.findings[] | select(.path == "c.env" and .line == ($l | tonumber)) |
	"\(.verification.status) \(.verification.http_status)"' <<<"$out"; }
[ "$(st 1)" = "error 429" ] || fail "429: $(st 1)"
[ "$(st 2)" = "error 500" ] || fail "500: $(st 2)"
[ "$(st 3)" = "error 302" ] || fail "redirect: $(st 3)"
[ "$(requests gitlab)" -eq $((before + 3)) ] || fail "$(( $(requests gitlab) - before )) requests for 3 new secrets"
[ "$(requests elsewhere)" -eq 0 ] || fail "the redirect was followed"
jq -e '.findings[] | select(.path == "c.env" and .line == 1) | .verification.message | test("rate limited")' \
	<<<"$out" >/dev/null || fail "429 not named"
# Errors are not cached: asked again next run (and not the live one).
run "$LEAKGATE" scan --verify --format json .
[ "$(requests gitlab)" -eq $((before + 6)) ] || fail "errors were cached, or live ones asked again"
# --only-live never hides a finding whose check failed.
run "$LEAKGATE" scan --only-live --format jsonl .
[ "$(grep -c '"status":"error"' <<<"$out")" -eq 3 ] || fail "--only-live hid failed checks"

# A slow provider: the per-request time-out; then the total budget.
printf 'GITLAB_TOKEN=%s\n' "$slow" >d.env
git add d.env && git commit -qm slow
run "$LEAKGATE" scan --verify --verify-timeout 1 --format json .
jq -e '.findings[] | select(.path == "d.env") | .verification | .status == "error" and (.message | test("[Tt]imeout|timed out"))' \
	<<<"$out" >/dev/null || fail "the slow answer did not time out: $(jq -c '.findings[] | select(.path == "d.env") | .verification' <<<"$out")"
run "$LEAKGATE" scan --verify --verify-budget 1 --verify-timeout 30 --format json .
jq -e '.findings[] | select(.path == "d.env") | .verification | .status == "error" and (.message | test("budget"))' \
	<<<"$out" >/dev/null || fail "the time budget did not end the check"

# The proxy: only when the standard variable names one.
before=$(requests elsewhere)
rm -f "$cache"
http_proxy=$elsewhere run "$LEAKGATE" scan --verify --format json .
[ "$(requests elsewhere)" -gt "$before" ] || fail "http_proxy was not used"
jq -e -s '[.[] | select(.provider == "elsewhere")] | all(.path | startswith("http://127.0.0.1:"))' "$log" >/dev/null ||
	fail "the proxy did not get a proxy request"

# The override: loopback only, refused before anything is sent.
before=$(requests)
LEAKGATE_VERIFY_OVERRIDE=gitlab=http://192.0.2.7:80 run "$LEAKGATE" scan --verify .
[ "$rc" -eq 2 ] || fail "a remote override was accepted (rc $rc)"
grep -q "refused" <<<"$err" || fail "the refusal does not say why: $err"
LEAKGATE_VERIFY_OVERRIDE=gitlab=http://127.0.0.1.example.org:80 run "$LEAKGATE" scan --verify .
[ "$rc" -eq 2 ] || fail "a look-alike loopback override was accepted"
[ "$(requests)" -eq "$before" ] || fail "a refused override still sent requests"

# --- AWS: STS GetCallerIdentity signed with SigV4, which the mock checks ---
# (a test rule whose secret is "KEYID:SECRET"; the pack's check waits for
# the pair finding that carries both parts)
stop_mock
b32() { random_of ABCDEFGHIJKLMNOPQRSTUVWXYZ234567 "$1"; }
b64() { random_of ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+ "$1"; }
akid=AKIA$(b32 16) aws_secret=$(b64 40) other_akid=AKIA$(b32 16)
jq -n --arg a "$akid" --arg s "$aws_secret" --arg o "$other_akid" \
	'{credentials: {aws: {($a): "ok"}}, aws: {($a): $s, ($o): "not-the-secret-in-the-file"}}' >"$work/aws.json"
start_mock "$work/aws.json"
mkdir "$work/aws" && cd "$work/aws" && git init -q
printf 'creds = "%s:%s"\nother = "%s:%s"\n' "$akid" "$aws_secret" "$other_akid" "$(b64 40)" >creds.py
git add . && git commit -qm aws
LEAKGATE_VERIFY_OVERRIDE=$override run "$LEAKGATE" scan --rules "$SRC/tests/verify/aws-key-on-a-line.json" \
	--verify --format json .
[ "$(jq -r '.findings[] | select(.line == 1) | "\(.verification.status) \(.verification.identity)"' <<<"$out")" = \
	"live arn:aws:iam::123456789012:user/mock-aws-identity" ] ||
	fail "AWS: the signed request was not accepted: $(jq -c '.findings[0].verification' <<<"$out")"
[ "$(jq -r '.findings[] | select(.line == 2) | .verification.status' <<<"$out")" = invalid ] ||
	fail "AWS: a wrong signature was not invalid"
jq -e -s 'all(.[]; .method == "POST" and .path == "/" and (.headers.Authorization | startswith("AWS4-HMAC-SHA256 Credential=AKIA")))' \
	"$log" >/dev/null || fail "AWS: not a SigV4-signed POST to /"
grep -q "$aws_secret" "$log" && fail "AWS: the secret access key was sent"

# --- at most two requests at once to one provider, 0.1 s apart -------------
# Six live GitLab tokens that the mock holds for a second each: leakgate may
# run eight checks at once overall, but never more than two to one provider.
held=()
for _ in 1 2 3 4 5 6; do held+=("$(glpat)"); done
jq -n '{credentials: {gitlab: ($ARGS.positional | map({(.): "hold"}) | add)}}' --args "${held[@]}" \
	>"$work/hold.json"
start_mock "$work/hold.json"
mkdir "$work/hold" && cd "$work/hold" && git init -q
for i in "${!held[@]}"; do printf 'GITLAB_TOKEN=%s\n' "${held[$i]}" >"held$i.env"; done
git add . && git commit -qm held
LEAKGATE_VERIFY_OVERRIDE=$override run "$LEAKGATE" scan --verify --format json .
[ "$(jq '[.findings[] | select(.verification.status == "live")] | length' <<<"$out")" -eq 6 ] ||
	fail "held checks: not all six live: $(jq -c '[.findings[].verification]' <<<"$out")"
[ "$(jq -s 'map(.inflight) | max' "$log")" -le 2 ] ||
	fail "more than two requests at once to one provider: $(jq -s -c 'map(.inflight)' "$log")"
[ "$(requests gitlab)" -eq 6 ] || fail "held checks: $(requests gitlab) requests for 6 secrets"
# The rate limit: one provider's requests start at least 0.1 s apart (a
# lower bound, which a slow machine only widens).
jq -e -s 'map(.arrived) | sort | [range(1; length) as $i | .[$i] - .[$i - 1]] | all(. >= 0.09)' "$log" >/dev/null ||
	fail "one provider's requests closer than 0.1 s: $(jq -s -c 'map(.arrived) | sort' "$log")"

# --- TLS: a certificate the system does not trust ends the check -----------
# A loopback https server with a self-signed certificate: the override keeps
# certificate verification, so the check is an error and no request is read.
stop_mock
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 \
	-keyout "$work/tls.key" -out "$work/tls.crt" 2>/dev/null || fail "openssl could not make a certificate"
python3 - "$work/tls.crt" "$work/tls.key" "$work/tls.port" "$work/tls.log" <<'PY' &
import http.server, ssl, sys
class Seen(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        open(sys.argv[4], "a").write(self.path + "\n")
        self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
srv = http.server.HTTPServer(("127.0.0.1", 0), Seen)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
open(sys.argv[3] + ".tmp", "w").write(str(srv.server_address[1]))
__import__("os").rename(sys.argv[3] + ".tmp", sys.argv[3])
srv.serve_forever()
PY
mock_pid=$!
for _ in $(seq 100); do [ -s "$work/tls.port" ] && break; sleep 0.1; done
cd "$work/safe"
rm -f "$cache"
LEAKGATE_VERIFY_OVERRIDE=gitlab=https://127.0.0.1:$(cat "$work/tls.port") run "$LEAKGATE" scan --verify --format json .
jq -e '[.findings[] | select(.rule_id | startswith("gitlab")) | .verification.status] | length > 0 and all(. == "error")' \
	<<<"$out" >/dev/null || fail "an untrusted certificate did not end the check: $(jq -c '[.findings[].verification]' <<<"$out")"
[ ! -s "$work/tls.log" ] || fail "a request went through an untrusted certificate: $(cat "$work/tls.log")"
stop_mock

# --- a hook: the live secret comes first ----------------------------------
stop_mock
start_mock "$work/config.json"
export LEAKGATE_VERIFY_OVERRIDE=$override
git init -q "$work/dev" && cd "$work/dev"
"$LEAKGATE" install --pre-commit >/dev/null
git config leakgate.verify true
printf 'GITLAB_TOKEN=%s\n' "$ok" >app.env && git add app.env
run git commit -qm live
[ "$rc" -ne 0 ] || fail "the commit with a live secret went through"
[ "$(head -1 <<<"$err")" = "leakgate: this credential is live: rotate it now (1 live credential below)" ] ||
	fail "the hook's message does not start with the live warning: $(head -3 <<<"$err")"
grep -q "mock-gitlab-identity" <<<"$err" || fail "the hook does not name whose credential it is"
grep -q "$ok" <<<"$err" && fail "the hook printed the secret"
git config leakgate.verify false
before=$(requests)
run git commit -qm live
[ "$rc" -ne 0 ] || fail "the commit went through without verification"
[ "$(requests)" -eq "$before" ] || fail "leakgate.verify=false still sent a request"
grep -q "is live" <<<"$err" && fail "unverified findings called live"

finish t_verify
