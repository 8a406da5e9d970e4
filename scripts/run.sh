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
          libgit2-dev libhyperscan-dev libcjson-dev libpcre2-dev zlib1g-dev libdeflate-dev
          libcurl4-openssl-dev libssl-dev)
# What the test command adds: TSan, valgrind and libFuzzer runs; Chromium
# for the HTML report's browser test.
TEST_PACKAGES=(valgrind clang libclang-rt-dev pre-commit chromium)

# Installs whichever of the given packages are missing; nothing when all are there.
install_missing() {
	local missing=() pkg
	for pkg in "$@"; do
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

# git reads /dev/null as the empty input of the commands it runs (repack ->
# pack-objects). We have seen a machine where something had replaced the
# device with a regular file, full of what had been written to it since:
# git then failed at random with "bad revision". Named here, mended as root.
check_dev_null() {
	[ -c /dev/null ] && return 0
	echo "leakgate: /dev/null is not a character device on this machine; git misbehaves without it" >&2
	if [ "$(id -u)" -eq 0 ] && rm -f /dev/null && mknod -m 666 /dev/null c 1 3; then
		echo "leakgate: /dev/null restored (mknod c 1 3)" >&2
		return 0
	fi
	echo "leakgate: restore it as root: rm -f /dev/null && mknod -m 666 /dev/null c 1 3" >&2
	exit 1
}

# build DIR [CMAKE ARGS...]: configure and build into DIR.
build() {
	local dir=$1
	shift
	cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DLEAKGATE_WERROR=ON "$@" >/dev/null
	cmake --build "$dir" -j "$JOBS" >/dev/null
}

FUZZ_SECONDS=${LEAKGATE_FUZZ_SECONDS:-60}

# The Microsoft SARIF Multitool (npm @microsoft/sarif-multitool-linux, a
# self-contained .NET binary) that tests/integration/t_sarif.sh runs when
# LEAKGATE_SARIF_MULTITOOL names it. Kept in the user's cache between runs;
# when npm or the download fails, the SARIF test says it skipped the tool.
install_sarif_multitool() {
	local dir=${XDG_CACHE_HOME:-$HOME/.cache}/leakgate-tools
	local tool=$dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
	if [ ! -x "$tool" ]; then
		command -v npm >/dev/null || install_missing npm
		# npm may not run the package's postinstall (chmod): done here.
		if ! npm install --silent --no-audit --no-fund --prefix "$dir" \
			@microsoft/sarif-multitool-linux@5.7.0 >/dev/null 2>&1 || ! chmod u+x "$tool"; then
			echo "leakgate: could not install the SARIF Multitool from npm; t_sarif skips it" >&2
			return 0
		fi
	fi
	export LEAKGATE_SARIF_MULTITOOL=$tool
}

# The image of the Dockerfile: built, then `leakgate version` and a scan of
# a repository with one planted secret run in it (scripts/container-smoke.sh).
# Only when docker or podman answers (a daemon is reachable) and the Debian 12
# base images are here or can be pulled; otherwise it says that it skipped,
# and why.
check_container_image() {
	local engine="" e image
	for e in docker podman; do
		if command -v "$e" >/dev/null && timeout 20 "$e" info >/dev/null 2>&1; then
			engine=$e
			break
		fi
	done
	if [ -z "$engine" ]; then
		echo "== SKIP container image: no docker or podman with a reachable daemon" >&2
		return 0
	fi
	for image in debian:12 debian:12-slim; do
		if ! "$engine" image inspect "$image" >/dev/null 2>&1 &&
			! timeout 300 "$engine" pull -q "$image" >/dev/null 2>&1; then
			echo "== SKIP container image: $engine cannot pull $image here" >&2
			return 0
		fi
	done
	echo "== container image ($engine): build, version, scan" >&2
	bash "$ROOT/scripts/container-smoke.sh" "$engine"
}

run_tests() {
	install_sarif_multitool
	# Chromium is installed above: the browser test must run, not skip.
	export LEAKGATE_REQUIRE_BROWSER=1
	build "$ROOT/build"
	echo "== release build" >&2
	ctest --test-dir "$ROOT/build" --output-on-failure -j "$JOBS"

	build "$ROOT/build-asan" -DCMAKE_BUILD_TYPE=Debug -DLEAKGATE_SANITIZE=address,undefined
	echo "== ASan+UBSan build: the whole suite" >&2
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --test-dir "$ROOT/build-asan" --output-on-failure -j "$JOBS"

	build "$ROOT/build-tsan" -DCMAKE_BUILD_TYPE=Debug -DLEAKGATE_SANITIZE=thread
	echo "== TSan build: the threaded scans" >&2
	TSAN_OPTIONS=halt_on_error=1 ctest --test-dir "$ROOT/build-tsan" --output-on-failure \
		-R 'integration/t_(scan_history|audit)'

	echo "== valgrind memcheck over an integration scan" >&2
	local wrapper=$ROOT/build/leakgate-valgrind
	# LEAKGATE_NO_JIT: PCRE2's JIT reads past a subject's end within a page,
	# which memcheck would report.
	printf '#!/bin/sh\nLEAKGATE_NO_JIT=1 exec valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 %q "$@"\n' \
		"$ROOT/build/leakgate" > "$wrapper"
	chmod +x "$wrapper"
	LEAKGATE=$wrapper LEAKGATE_SOURCE_DIR=$ROOT bash "$ROOT/tests/integration/t_scan_history.sh"

	echo "== libFuzzer: each target for ${FUZZ_SECONDS} s" >&2
	CC=clang build "$ROOT/build-fuzz" -DCMAKE_BUILD_TYPE=Debug \
		-DLEAKGATE_SANITIZE=address,undefined -DLEAKGATE_FUZZ=ON
	local target corpus work
	work=$(mktemp -d)
	for target in "$ROOT"/build-fuzz/tests/fuzz_*; do
		case $target in *_replay) continue ;; esac
		corpus=$(basename "$target")
		corpus=${corpus#fuzz_}
		mkdir -p "$work/$corpus"
		cp "$ROOT/tests/fuzz/corpus/$corpus"/* "$work/$corpus/"
		( cd "$work" && "$target" -max_total_time="$FUZZ_SECONDS" -max_len=65536 -timeout=20 \
			"$work/$corpus" "$ROOT/tests/fuzz/corpus/$corpus" >"$work/$corpus.log" 2>&1 ) || {
			echo "fuzz target $(basename "$target") failed; its output:" >&2
			tail -n 60 "$work/$corpus.log" >&2
			rm -rf "$work"
			return 1
		}
		echo "fuzz target $(basename "$target"): no crash in ${FUZZ_SECONDS} s" >&2
	done
	rm -rf "$work"
	check_container_image
	echo "== all test stages passed" >&2
}

cmd=${1:-}
[ $# -gt 0 ] && shift
check_dev_null
case "$cmd" in
scan)
	install_missing "${PACKAGES[@]}"
	build "$ROOT/build"
	exec "$ROOT/build/leakgate" scan "$@"
	;;
test)
	install_missing "${PACKAGES[@]}" "${TEST_PACKAGES[@]}"
	run_tests
	;;
build)
	install_missing "${PACKAGES[@]}"
	build "$ROOT/build"
	;;
*)
	echo "usage: scripts/run.sh scan [ARGS...] | test | build" >&2
	exit 2
	;;
esac
