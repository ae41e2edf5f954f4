#!/usr/bin/env bash
# test.sh - the whole test suite from a bare Debian 12: installs what is missing,
# builds, runs `make check` (unit + CLI tests), the same under ASan/UBSan, and
# `make distcheck`.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
"$src/share/setup.sh" "$src"
cd "$src"
echo "== make check"
make -s -j"$(nproc)" check || { cat tests/unit/*.log tests/cli/*.log 2>/dev/null | tail -100; exit 1; }
echo "== make check with AddressSanitizer + UBSan (build-asan/)"
"$src/share/setup.sh" "$src/build-asan" --enable-sanitizers
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 make -s -j"$(nproc)" check) ||
	{ cat build-asan/tests/unit/*.log build-asan/tests/cli/*.log 2>/dev/null | tail -100; exit 1; }
echo "== make distcheck"
make -s distcheck >/dev/null
echo "all tests passed"
