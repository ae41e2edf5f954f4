#!/usr/bin/env bats
# stress.bats - the stress tests of tests/stress/ (DESIGN section 13), bounded
# for `make check`: crash.sh (SIGKILL at random moments of big batches and
# ticks) with 30 kills, and concurrency.sh (writers of every kind on one
# file) for 20 s with 6 processes. Each takes well under 90 s on 2 cores.
#
# The seed of both is random and printed (a failure names it, and the state
# directory is kept); set GS_STRESS_SEED to run with a given one. The
# figures go to the TAP log as comments.

# status, output, lines, stderr and stderr_lines are set by bats' run.
# shellcheck disable=SC2154
load helper

# stress_script NAME: the path of tests/stress/NAME.
stress_script() {
	local d
	for d in "${GS_TEST_SRCDIR:-}/tests/stress" "$BATS_TEST_DIRNAME/../stress"; do
		if [ -f "$d/$1" ]; then
			echo "$d/$1"
			return 0
		fi
	done
	echo "tests/stress/$1 not found" >&2
	return 1
}

# stress_seed: GS_STRESS_SEED, else a random one.
stress_seed() {
	echo "${GS_STRESS_SEED:-$(( (${EPOCHREALTIME/./} + $$) % 2147483646 + 1 ))}"
}

# run_stress NAME ARGS...: run tests/stress/NAME (bounded by `timeout`), show
# its output on failure and its figures in the TAP log.
run_stress() {
	local script
	script=$(stress_script "$1") || return 1
	shift
	run --separate-stderr timeout 300 bash "$script" "$@"
	if [ "$status" -ne 0 ]; then
		printf 'exit %s\n--- stdout (last 40 lines)\n%s\n--- stderr\n%s\n' "$status" \
			"$(tail -40 <<<"$output")" "$stderr" >&2
		return 1
	fi
	# the figures in the TAP log (not crash.sh's line per kill)
	local l
	for l in "${lines[@]}"; do
		[[ $l == *": #"[0-9]* ]] || echo "# $l" >&3
	done
}

@test "crash.sh: 30 SIGKILLs at random moments of batches, submits and ticks each leave whole txs or none; gs verify --replay passes after each" {
	sqlite_only "crash.sh dry-runs each batch on a copy of the state file"
	run_stress crash.sh --kills 30 --seed "$(stress_seed)" --dir "$BATS_TEST_TMPDIR/crash"
	local last=${lines[${#lines[@]} - 1]}
	[[ $last =~ ^kills:\ 30,\ mid-tx:\ ([0-9]+),\ after\ commit:\ ([0-9]+),\ nothing\ due:\ ([0-9]+),\ inconsistent:\ 0$ ]] || {
		echo "last line: $last" >&2
		return 1
	}
	# some kills landed inside a transaction, some after its commit
	[ "${BASH_REMATCH[1]}" -ge 1 ]
	[ "${BASH_REMATCH[2]}" -ge 1 ]
}

@test "concurrency.sh: 6 writers of every kind for 20 s on one state; every applied tx journaled once, busy and refused ones absent, invariants hold" {
	local db=()
	on_pg && db=(--db "$GS_DB")	# each writer on its own connection
	run_stress concurrency.sh --seconds 20 --procs 6 --seed "$(stress_seed)" \
		--dir "$BATS_TEST_TMPDIR/concurrency" "${db[@]}"
	local last=${lines[${#lines[@]} - 1]}
	[[ $last =~ ^txs\ attempted:\ ([0-9]+),\ applied:\ ([0-9]+),\ duplicate:\ [0-9]+,\ nothing\ due:\ [0-9]+,\ busy\ \(75\):\ ([0-9]+),\ refused:\ ([0-9]+),\ lost:\ 0$ ]] || {
		echo "last line: $last" >&2
		return 1
	}
	[ "${BASH_REMATCH[2]}" -ge 20 ]
}
