#!/usr/bin/env bash
# test.sh - the whole test suite from a bare Debian 12: installs what is missing,
# builds in build/, runs `make check` (unit + CLI tests), the same again under
# ASan/UBSan in build-asan/, and `make distcheck`.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)

# check DIR: run make check in DIR, showing the failing logs on failure.
check() {
	(cd "$1" && make -s -j"$(nproc)" check) && return 0
	for log in "$1"/tests/unit/*.log "$1"/tests/cli/*.log; do
		grep -qE '^(FAIL|ERROR)' "${log%.log}.trs" 2>/dev/null && tail -60 "$log"
	done
	return 1
}

"$src/share/setup.sh" "$src/build"
echo "== make check"
check "$src/build"
echo "== make check with AddressSanitizer + UBSan"
"$src/share/setup.sh" "$src/build-asan" --enable-sanitizers
ASAN_OPTIONS=detect_leaks=1 check "$src/build-asan"
echo "== make distcheck"
(cd "$src/build" && make -s distcheck >/dev/null)
echo "all tests passed"
