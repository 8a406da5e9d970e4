#!/usr/bin/env bash
# Your own rules beside the built-in pack: `rules export`, --extra-rules
# (a new rule adds detection; a rule with a built-in id replaces that rule),
# with scan, rules check/list and the pre-commit hook.
. "$(dirname "$0")/lib.sh"

# --- rules export writes the built-in pack, which loads as the same rules
run "$LEAKGATE" rules export "$work/pack"
[ "$rc" -eq 0 ] || fail "rules export exit $rc: $err"
[ -f "$work/pack/twilio.json" ] && [ -f "$work/pack/known-non-secrets.json" ] ||
	fail "export lacks files: $(ls "$work/pack")"
builtin=$("$LEAKGATE" rules list)
exported=$("$LEAKGATE" rules list --rules "$work/pack" | sed 's| ('"$work"'/pack/| (patterns/|')
[ "$builtin" = "$exported" ] || fail "exported pack lists differently from the built-in one"
run "$LEAKGATE" rules export "$work/pack"
[ "$rc" -ne 0 ] && grep -q "File exists" <<<"$err" || fail "export overwrote files (exit $rc): $err"

# --- a rule file of our own: a new token kind, and our own basic-auth-url
mkdir -p "$work/ours"
cat > "$work/ours/acme.json" <<'JSON'
[{"id": "acme-deploy-token", "name": "ACME deploy token", "description": "Our deploy tokens.",
  "severity": "high", "confidence": "high", "regex": "\\b(acmedt_[a-z0-9]{24})\\b", "secret_group": 1,
  "min_entropy": 3.0, "examples": ["DEPLOY=acmedt_0a1b2c3d4e5f6g7h8i9j0k1l"], "negative_examples": ["acmedt_"]},
 {"id": "basic-auth-url", "name": "Password in an intranet URL", "description": "Ours replaces the built-in one.",
  "severity": "low", "confidence": "medium", "regex": "https://[a-z]{1,20}:([a-z0-9]{8,40})@intranet\\.acme\\.test",
  "secret_group": 1, "min_entropy": 2.5, "examples": ["https://bob:h7k2m9x4q@intranet.acme.test"],
  "negative_examples": ["https://bob@intranet.acme.test"]}]
JSON
count_builtin=$(wc -l <<<"$builtin")
run "$LEAKGATE" rules list --extra-rules "$work/ours"
[ "$(wc -l <<<"$out")" -eq $((count_builtin + 1)) ] || fail "extra rules: $(wc -l <<<"$out") rules, not $((count_builtin + 1))"
grep -q "^basic-auth-url .*Password in an intranet URL ($work/ours/acme.json)" <<<"$out" ||
	fail "basic-auth-url was not replaced: $(grep basic-auth-url <<<"$out")"
[ "$(grep -c '^basic-auth-url ' <<<"$out")" -eq 1 ] || fail "basic-auth-url listed twice"
run "$LEAKGATE" rules check --extra-rules "$work/ours"
[ "$rc" -eq 0 ] || fail "rules check with extra rules: exit $rc: $err"

# --- a history with one of each: what each rule set finds
git init -q "$work/repo"
cd "$work/repo"
acme=acmedt_$(hex 12)
# "passwd" in it: the built-in rule allows self-naming passwords, ours does not
intranet_pw=passwd$(hex 4)
public_pw=$(head -c 300 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 20)
# (names that do not sound secret: the built-in generic rules would find a
# token assigned to DEPLOY_TOKEN=)
printf 'x=1\nDEPLOY=%s\n' "$acme" > deploy.env
printf 'a\nb\nurl = "https://bob:%s@intranet.acme.test/x"\nmirror = "https://deploy:%s@git.corp.net/app.git"\n' \
	"$intranet_pw" "$public_pw" > remotes.toml
git add -A && git commit -qm "config"
commit=$(git rev-parse HEAD)
found() { jq -r '.findings[] | "\(.rule_id) \(.path) \(.line) \(.commit)"' <<<"$out" | sort; }

run "$LEAKGATE" scan --format json .
[ "$(found)" = "basic-auth-url remotes.toml 4 $commit" ] || fail "built-in pack found: $(found)"
run "$LEAKGATE" scan --format json --extra-rules "$work/ours/acme.json" .
[ "$rc" -eq 1 ] || fail "scan with extra rules: exit $rc: $err"
[ "$(found)" = "acme-deploy-token deploy.env 2 $commit
basic-auth-url remotes.toml 3 $commit" ] || fail "with extra rules found: $(found)"
# --rules then --extra-rules: our rules over a chosen file, not the pack
run "$LEAKGATE" scan --format json --rules "$work/pack/twilio.json" --extra-rules "$work/ours" .
[ "$(found)" = "acme-deploy-token deploy.env 2 $commit
basic-auth-url remotes.toml 3 $commit" ] || fail "--rules + --extra-rules found: $(found)"

# --- two extra files defining one id: a rule error, nothing scanned
cp "$work/ours/acme.json" "$work/ours2.json"
run "$LEAKGATE" scan --extra-rules "$work/ours" --extra-rules "$work/ours2.json" .
[ "$rc" -eq 2 ] || fail "duplicate extra ids: exit $rc, not 2"
grep -q "ours2.json: rule acme-deploy-token: duplicate id (first defined in $work/ours/acme.json)" <<<"$err" ||
	fail "duplicate extra ids message: $err"
run "$LEAKGATE" scan --extra-rules "$work/missing.json" .
[ "$rc" -eq 2 ] && grep -q "missing.json: cannot read" <<<"$err" || fail "missing extra file: exit $rc: $err"

# --- the pre-commit hook takes them too
printf 'ACME=acmedt_%s\n' "$(hex 12)" > new.env
git add new.env
run "$LEAKGATE" hook pre-commit --extra-rules "$work/ours"
[ "$rc" -eq 1 ] && grep -q "new.env:1" <<<"$both" || fail "pre-commit with extra rules: exit $rc: $both"
run "$LEAKGATE" hook pre-commit
[ "$rc" -eq 0 ] || fail "pre-commit without extra rules: exit $rc: $both"

finish t_extra_rules
