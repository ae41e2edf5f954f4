#!/usr/bin/env bash
# test.sh - the whole test suite from a bare Debian 12: installs what is missing,
# builds in build/, runs `make check` (unit + CLI tests, the bad-input corpus,
# the crash and concurrency tests), the same again under ASan/UBSan in
# build-asan/, the protocol simulator over a bounded set of seeds, the CLI
# tests and the simulator once more against a PostgreSQL server it starts
# (share/pg.sh; skipped, saying so, only when the server cannot be installed),
# the demo day with every program under valgrind, each fuzz target for a
# bounded time (fixed seed), and `make distcheck`. About 22 minutes on 2 cores.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)

# check DIR [MAKE-ARGS...]: run make check (or MAKE-ARGS) in DIR, showing
# the failing logs on failure.
check() {
	[ $# -gt 1 ] || set -- "$1" check
	(cd "$1" && make -s -j"$(nproc)" "${@:2}") && return 0
	for log in "$1"/tests/unit/*.log "$1"/tests/cli/*.log; do
		grep -qE '^(FAIL|ERROR)' "${log%.log}.trs" 2>/dev/null && tail -60 "$log"
	done
	return 1
}

# count DIR [cli]: test cases passed and failed in DIR's logs (Check, bats;
# with "cli" those make check-pg runs: the CLI tests and test_store_pg) ->
# "PASSED FAILED SKIPPED" (a skipped bats test is not counted as passed).
count() {
	local unit="$1"/tests/unit/*.log
	[ "${2:-}" = cli ] && unit="$1"/tests/unit/test_store_pg.log
	cat $unit "$1"/tests/cli/*.log 2>/dev/null | awk -F'[:,]' '
		/Checks:/ { p += $3 - $5 - $7; f += $5 + $7 }
		/^ok / && /# skip/ { s++; next }
		/^ok /    { p++ }
		/^not ok / { f++ }
		END { print p + 0, f + 0, s + 0 }'
}

export GS_EXTRA_PKGS="valgrind clang libclang-rt-14-dev" GS_OPTIONAL_PKGS=postgresql
"$src/share/setup.sh" "$src/build"
echo "== make check"
check "$src/build"
echo "== make check with AddressSanitizer + UBSan"
"$src/share/setup.sh" "$src/build-asan" --enable-sanitizers
ASAN_OPTIONS=detect_leaks=1 check "$src/build-asan"
read -r p1 f1 s1 < <(count "$src/build")
read -r p2 f2 s2 < <(count "$src/build-asan")
echo "== protocol simulator (bounded seeds)"
SIM="$src/build/tests/sim/sim" "$src/tests/sim/run" --seeds "${SIM_SEEDS:-6}" | tee "$src/build/sim-sqlite.out"

echo "== PostgreSQL: the CLI tests and the simulator against a test server"
p3=0 f3=0 s3=0
pgdir=$(mktemp -d "${TMPDIR:-/tmp}/gs-pg.XXXXXX")
trap '"$src/share/pg.sh" stop "$pgdir"' EXIT
if pg=$("$src/share/pg.sh" start "$pgdir"); then
	GS_TEST_PG=$pg check "$src/build" check-pg
	read -r p3 f3 s3 < <(count "$src/build" cli)
	echo "== PostgreSQL: the PostgreSQL backend's tests and the CLI tests of gs and gs-token under ASan + UBSan"
	GS_TEST_PG=$pg ASAN_OPTIONS=detect_leaks=1 check "$src/build-asan" \
		check TESTS="tests/unit/test_store_pg tests/cli/gs.bats tests/cli/token.bats"
	echo "== PostgreSQL: four writers of every kind on one database for 60 s"
	psql -X -q -v ON_ERROR_STOP=1 "$pg" -c "CREATE SCHEMA concurrency"
	PATH="$src/build/bin:$PATH" bash "$src/tests/stress/concurrency.sh" --seconds 60 \
		--procs 4 --seed 4242 --dir "$pgdir/concurrency" --db "$pg options=-csearch_path=concurrency"
	echo "== PostgreSQL: the simulator, the same seeds"
	# the same seeds on PostgreSQL end in the same totals as on SQLite
	SIM_PG=$pg SIM="$src/build/tests/sim/sim" "$src/tests/sim/run" --seeds "${SIM_SEEDS:-6}" --jobs 2 |
		tee "$src/build/sim-pg.out"
	if ! diff <(sed 's/ seconds=.*//' "$src/build/sim-sqlite.out") \
		<(sed 's/ seconds=.*//' "$src/build/sim-pg.out"); then
		echo "the simulator's totals differ between SQLite and PostgreSQL" >&2
		exit 1
	fi
	"$src/share/pg.sh" stop "$pgdir"
else
	echo "SKIPPED: the PostgreSQL tests: no PostgreSQL server could be installed or started" >&2
fi
echo "== the demo day under valgrind"
"$src/tests/valgrind/run" "$src/build"
echo "== fuzzing (bounded time, fixed seed)"
FUZZ_FLAGS="-seed=1" "$src/fuzz/run" "${FUZZ_SECONDS:-20}"
echo "== make distcheck"
(cd "$src/build" && make -s distcheck >distcheck.log 2>&1) || {
	grep -E '^(FAIL|ERROR)|^not ok|error' "$src/build/distcheck.log" | head -40
	find "$src/build" -path '*gridset-*/_build/*' -name '*.log' -newer \
		"$src/build/Makefile" -exec grep -l -E '^(FAIL|not ok)' {} + 2>/dev/null |
		head -5 | xargs -r tail -40
	exit 1
}
echo "plain build: $p1 test cases passed; sanitizer build: $p2 passed; CLI tests on PostgreSQL: $p3 passed"
echo "$((p1 + p2 + p3)) passed, $((f1 + f2 + f3)) failed ($((s1 + s2 + s3)) skipped: tests for the other backend)"
