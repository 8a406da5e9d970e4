#!/usr/bin/env bash
# scripts/run.sh - set up and run leakgate on a fresh Debian 12 machine.
#
#   scripts/run.sh scan [ARGS...]  install what is missing, build, run `leakgate scan ARGS`
#                                  (default: the current repository)
#   scripts/run.sh test            install what is missing, build, run the whole test suite:
#                                  a release build and an ASan+UBSan build
#   scripts/run.sh build           install what is missing and build build/leakgate
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JOBS=$(nproc 2>/dev/null || echo 2)
# Debian 12 packages leakgate builds and tests with.
PACKAGES=(build-essential cmake pkg-config git jq python3 python3-jsonschema
          libgit2-dev libhyperscan-dev libcjson-dev libpcre2-dev)

# Installs whichever packages are missing; nothing when all are there.
install_missing() {
	local missing=() pkg
	for pkg in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "leakgate: installing ${missing[*]}" >&2
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# build DIR [CMAKE ARGS...]: configure and build into DIR.
build() {
	local dir=$1
	shift
	cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
	cmake --build "$dir" -j "$JOBS" >/dev/null
}

run_tests() {
	build "$ROOT/build"
	echo "== release build" >&2
	ctest --test-dir "$ROOT/build" --output-on-failure -j "$JOBS"
	build "$ROOT/build-asan" -DCMAKE_BUILD_TYPE=Debug -DLEAKGATE_SANITIZE=address,undefined
	echo "== ASan+UBSan build" >&2
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --test-dir "$ROOT/build-asan" --output-on-failure -j "$JOBS"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
scan)
	install_missing
	build "$ROOT/build"
	exec "$ROOT/build/leakgate" scan "$@"
	;;
test)
	install_missing
	run_tests
	;;
build)
	install_missing
	build "$ROOT/build"
	;;
*)
	echo "usage: scripts/run.sh scan [ARGS...] | test | build" >&2
	exit 2
	;;
esac
