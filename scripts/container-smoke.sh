#!/usr/bin/env bash
# scripts/container-smoke.sh - builds the image of the Dockerfile and runs
# `leakgate version` and a scan of a repository with one planted secret in
# it. CI's container stage (scripts/run.sh test) calls it when an engine is
# there; it can be run by hand too.
#
#   scripts/container-smoke.sh [ENGINE]
#
# ENGINE is docker, podman or buildah (default: the first of them that
# answers). With buildah no daemon and no user namespace is needed:
# LEAKGATE_BUILDAH_OPTS (default "--storage-driver vfs") is passed to every
# buildah call and the build and runs use --isolation chroot, which is how
# the image was proven on a machine without a container runtime
# (docs/audits.md, "Building the image without a registry").
#
# The base images (debian:12, debian:12-slim) must be in the engine's store
# or pullable; the script never pulls them itself (--pull-never), so an
# offline machine fails with a clear message instead of waiting.
#
# The repository is built on the host and mounted read-only; the scan runs
# with the uid that owns it (--user), as docs/audits.md asks of a fleet:
# libgit2 1.5 (Debian 12) refuses a repository owned by another user and
# does not honour `safe.directory = *`.
#
# Exit: 0 the image built and both commands did what they should, 1 they did
# not, 77 no container engine here (a skip).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IMAGE=${LEAKGATE_IMAGE:-localhost/leakgate:smoke}
engine=${1:-}

if [ -z "$engine" ]; then
	for e in docker podman; do
		if command -v "$e" >/dev/null && timeout 20 "$e" info >/dev/null 2>&1; then
			engine=$e
			break
		fi
	done
	[ -n "$engine" ] || { command -v buildah >/dev/null && engine=buildah; }
fi
if [ -z "$engine" ]; then
	echo "container-smoke: SKIP: no docker or podman with a reachable daemon, no buildah" >&2
	exit 77
fi

work=$(mktemp -d)
container=""
cleanup() {
	[ -n "$container" ] && buildah $BUILDAH_OPTS rm "$container" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
# shellcheck disable=SC2086 # word splitting of the options is wanted
BUILDAH_OPTS=${LEAKGATE_BUILDAH_OPTS:---storage-driver vfs}

# A repository with one Twilio auth token (built from pieces, random).
repo=$work/repo
git -C "$work" init -q repo
printf 'TWILIO_AUTH_%s=%s\n' TOKEN "$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
	> "$repo/app.env"
git -C "$repo" add -A
git -C "$repo" -c user.name=ci -c user.email=ci@example.org commit -qm secret
chmod -R a+rX "$work"
owner=$(stat -c %u:%g "$repo")

echo "container-smoke: $engine: building $IMAGE" >&2
case $engine in
buildah)
	# shellcheck disable=SC2086
	buildah $BUILDAH_OPTS bud -q --isolation chroot --pull-never -t "$IMAGE" "$ROOT" >/dev/null
	# shellcheck disable=SC2086
	container=$(buildah $BUILDAH_OPTS from -q --pull-never "$IMAGE")
	run_version() {
		# shellcheck disable=SC2086
		buildah $BUILDAH_OPTS run --isolation chroot "$container" -- leakgate version
	}
	run_scan() {
		# shellcheck disable=SC2086
		buildah $BUILDAH_OPTS run --isolation chroot --user "$owner" \
			-v "$repo:/repo:ro" "$container" -- leakgate scan --format json -q /repo
	}
	;;
*)
	"$engine" build -q --pull=false -t "$IMAGE" "$ROOT" >/dev/null
	run_version() { "$engine" run --rm "$IMAGE" version; }
	run_scan() {
		"$engine" run --rm --network none --user "$owner" -v "$repo:/repo:ro" "$IMAGE" \
			scan --format json -q /repo
	}
	;;
esac

version=$(run_version)
case $version in
"leakgate "[0-9]*) echo "container-smoke: $version" >&2 ;;
*) echo "container-smoke: FAIL: leakgate version in the image said: $version" >&2; exit 1 ;;
esac
set +e
out=$(run_scan)
rc=$?
set -e
found=$(jq -r '[.findings[] | "\(.rule_id) \(.path):\(.line)"] | join(",")' <<<"$out" 2>/dev/null || true)
if [ "$rc" -ne 1 ] || [ "$found" != "twilio-auth-token app.env:1" ]; then
	echo "container-smoke: FAIL: the scan in the image exited $rc and found '$found': $out" >&2
	exit 1
fi
echo "container-smoke: ok: the image built, ran leakgate version, and its scan found $found" >&2
