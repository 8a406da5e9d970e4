#!/usr/bin/env bash
# --format sarif: valid against the SARIF 2.1.0 schema kept in tests/sarif/,
# and byte for byte the golden file tests/golden/sarif/expected.sarif
# (LEAKGATE_UPDATE_GOLDEN=1 rewrites it).
. "$(dirname "$0")/lib.sh"
SRC=${LEAKGATE_SOURCE_DIR:?source directory}
# Fixed identities and dates: the commit ids, and so the golden file, are stable.
export GIT_AUTHOR_NAME="Sam Sarif" GIT_AUTHOR_EMAIL=sam@example.org GIT_AUTHOR_DATE="2024-05-01T10:00:00+0200"
export GIT_COMMITTER_NAME="Sam Sarif" GIT_COMMITTER_EMAIL=sam@example.org GIT_COMMITTER_DATE="2024-05-01T10:00:00+0200"
# Fake secrets derived from a seed, so none is written in this file.
derive() { printf '%s' "$1" | sha256sum | cut -c1-32; }

git -c init.defaultBranch=main init -q "$work/repo"
cd "$work/repo"
printf 'TWILIO_ACCOUNT_SID=AC%s\nTWILIO_AUTH_TOKEN=%s\n' "$(derive sid)" "$(derive token)" > .env
mkdir -p "dir with space"
printf 'twilio:\n  authToken: "%s"\n' "$(derive yaml)" > "dir with space/conf#1.yaml"
git add -A && git commit -qm "config"

set +e
"$LEAKGATE" scan --format sarif --output "$work/out.sarif" -q .
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "FAIL: scan exited $rc, expected 1" >&2; exit 1; }

/usr/bin/python3 - "$SRC/tests/sarif/sarif-2.1.0-rtm.5.json" "$work/out.sarif" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
jsonschema.Draft4Validator(schema).validate(doc)
results = doc["runs"][0]["results"]
assert len(results) >= 3, results
for r in results:
    loc = r["locations"][0]["physicalLocation"]
    assert loc["region"]["startLine"] >= 1
    assert "leakgateFingerprint/v1" in r["partialFingerprints"]
    assert r["properties"]["commit"]
uris = sorted({r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results})
assert uris == [".env", "dir%20with%20space/conf%231.yaml"], uris
PY

for seed in sid token yaml; do
	if grep -q "$(derive "$seed")" "$work/out.sarif"; then
		echo "FAIL: a secret appears in full in the SARIF output" >&2
		exit 1
	fi
done

golden=$SRC/tests/golden/sarif/expected.sarif
if [ "${LEAKGATE_UPDATE_GOLDEN:-}" = 1 ]; then
	mkdir -p "$(dirname "$golden")"
	cp "$work/out.sarif" "$golden"
fi
if ! diff -u "$golden" "$work/out.sarif"; then
	echo "FAIL: SARIF output differs from $golden" >&2
	exit 1
fi
# The Microsoft SARIF Multitool checks what GitHub's and Azure's code
# scanning want (rule kinds Sarif, Gh, Ghas): not one result may come back.
# scripts/run.sh test installs it (npm @microsoft/sarif-multitool-linux) and
# names it in LEAKGATE_SARIF_MULTITOOL.
tool=${LEAKGATE_SARIF_MULTITOOL:-$(command -v Sarif.Multitool || true)}
if [ -n "$tool" ] && [ -x "$tool" ]; then
	if ! "$tool" validate --rule-kind "Sarif;Gh;Ghas" --output "$work/validation.sarif" \
		"$work/out.sarif" >"$work/validation.log" 2>&1; then
		cat "$work/validation.log" >&2
		echo "FAIL: the SARIF Multitool could not validate the report" >&2
		exit 1
	fi
	/usr/bin/python3 - "$work/validation.sarif" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["runs"][0].get("results", [])
for r in results:
    print("multitool:", r.get("level", "warning"), r["ruleId"], json.dumps(r["message"]), file=sys.stderr)
sys.exit(1 if results else 0)
PY
	echo "sarif: the SARIF Multitool (Sarif;Gh;Ghas) reports nothing"
else
	echo "SKIP: SARIF Multitool validation: no Sarif.Multitool (set LEAKGATE_SARIF_MULTITOOL; scripts/run.sh test installs it from npm)"
fi
echo "sarif: valid and matches the golden file"
