# helper.bash - shared setup and helpers of the CLI tests (bats-core >= 1.5).
#
# Every test file does `load helper`. The programs under test are found on
# PATH: `make check` puts the built bin/ first; by hand, run
#     PATH=/work/main/bin:$PATH bats tests/cli/gs.bats
#
# Each test gets a fresh directory ($BATS_TEST_TMPDIR, also the working
# directory) holding its key directory and its state file, and a fixed clock.

# status, output, lines, stderr and stderr_lines are set by bats' run.
# shellcheck disable=SC2154
bats_require_minimum_version 1.5.0	# run -N, run --separate-stderr
load db

# 2026-11-25T10:00:00Z, the clock of every test, in Unix seconds.
# shellcheck disable=SC2034
NOW_UNIX=1795600800

setup() {
	gs_test_setup
}

# The common setup; a file that defines its own setup() calls this first.
gs_test_setup() {
	if ! command -v gs >/dev/null || ! command -v gs-token >/dev/null; then
		echo "gs and gs-token must be on PATH (PATH=/path/to/build/bin:\$PATH bats ...)" >&2
		return 1
	fi
	cd "$BATS_TEST_TMPDIR" || return 1
	export GS_KEYDIR="$BATS_TEST_TMPDIR/keys"
	fresh_db || return 1
	export GS_NOW=2026-11-25T10:00:00Z
	unset GS_KEY GS_BUSY_TIMEOUT
}

# ---- assertions ------------------------------------------------------------

# expect_exit N COMMAND...: run COMMAND (stdout in $output, stderr in $stderr)
# and fail unless it exits N. Redirect its stdin on the call:
#     expect_exit 65 gs-token transfer --as alice < batch.ndjson
expect_exit() {
	local want=$1
	shift
	run --separate-stderr "$@"
	if [ "$status" -ne "$want" ]; then
		printf 'command:  %s\nexpected: exit %s\nactual:   exit %s\n--- stdout\n%s\n--- stderr\n%s\n' \
			"$*" "$want" "$status" "$output" "$stderr" >&2
		return 1
	fi
}

# expect_refusal N COMMAND...: COMMAND exits N and leaves the state file
# exactly as it was (journal head and digest of every state table).
expect_refusal() {
	remember_state
	expect_exit "$@"
	assert_state_unchanged
}

# assert_eq ACTUAL EXPECTED [WHAT]
assert_eq() {
	if [ "$1" != "$2" ]; then
		printf '%s: expected <%s>, got <%s>\n' "${3:-value}" "$2" "$1" >&2
		return 1
	fi
}

# assert_stdout_has TEXT...: every TEXT occurs in the last run's stdout.
assert_stdout_has() {
	local s
	for s; do
		if [[ $output != *"$s"* ]]; then
			printf 'stdout lacks <%s>; stdout was:\n%s\n--- stderr\n%s\n' "$s" "$output" "${stderr-}" >&2
			return 1
		fi
	done
}

# assert_stderr_has TEXT...: every TEXT occurs in the last run's stderr.
assert_stderr_has() {
	local s
	for s; do
		if [[ ${stderr-} != *"$s"* ]]; then
			printf 'stderr lacks <%s>; stderr was:\n%s\n--- stdout\n%s\n' "$s" "${stderr-}" "$output" >&2
			return 1
		fi
	done
}

# refute_stdout_has TEXT...: no TEXT occurs in the last run's stdout.
refute_stdout_has() {
	local s
	for s; do
		if [[ $output == *"$s"* ]]; then
			printf 'stdout unexpectedly has <%s>:\n%s\n' "$s" "$output" >&2
			return 1
		fi
	done
}

# assert_stdout_lines N: the last run printed exactly N lines on stdout.
assert_stdout_lines() {
	assert_eq "${#lines[@]}" "$1" "number of stdout lines"
}

# ---- reading records (no jq needed) ------------------------------------------

# json_field NAME: the value of the first member "NAME" of the one-line JSON
# record on stdin: strings without their quotes, numbers/true/false/null as
# written. Good for the flat records of the programs (not for nested arrays
# or strings with escaped quotes).
json_field() {
	local line rest
	IFS= read -r line || return 1
	rest=${line#*\""$1"\":}
	if [ "$rest" = "$line" ]; then
		echo "json_field: no member \"$1\" in: $line" >&2
		return 1
	fi
	case $rest in
	\"*)
		rest=${rest#\"}
		printf '%s\n' "${rest%%\"*}"
		;;
	*)
		printf '%s\n' "${rest%%[,\}]*}"
		;;
	esac
}

# field_of NAME TEXT: json_field NAME of the first line of TEXT.
field_of() {
	json_field "$1" <<<"$2"
}

# line_with TEXT: the first line of the last run's stdout containing TEXT.
line_with() {
	local l
	for l in "${lines[@]}"; do
		if [[ $l == *"$1"* ]]; then
			printf '%s\n' "$l"
			return 0
		fi
	done
	printf 'no stdout line contains <%s>:\n%s\n' "$1" "$output" >&2
	return 1
}

# assert_record LINE NAME=VALUE...: the one-line JSON record LINE has each
# member NAME with VALUE (as printed by json_field).
assert_record() {
	local rec=$1 kv got
	shift
	for kv; do
		got=$(json_field "${kv%%=*}" <<<"$rec") || {
			echo "record: $rec" >&2
			return 1
		}
		if [ "$got" != "${kv#*=}" ]; then
			printf 'field "%s": expected <%s>, got <%s>\nrecord: %s\n' \
				"${kv%%=*}" "${kv#*=}" "$got" "$rec" >&2
			return 1
		fi
	done
}

# ---- the state -----------------------------------------------------------------

# genesis: keys admin, alice, bob and carol; a state file with admin as the
# admin (all roles); alice, bob and carol registered; 1000 credits minted to
# alice (by admin, who holds the minter role).
genesis() {
	local k
	for k in admin alice bob carol; do
		gs key new "$k" >/dev/null || return 1
	done
	gs init --admin admin >/dev/null || return 1
	for k in alice bob carol; do
		gs account register --as "$k" >/dev/null || return 1
	done
	gs-token mint --to alice 1000 --as admin >/dev/null || return 1
}

# available ACCOUNT / locked ACCOUNT: balances in base units.
available() {
	gs-token balance "$1" | json_field available
}
locked() {
	gs-token balance "$1" | json_field locked
}

# journal_seq: the seq of the journal head.
journal_seq() {
	gs status | json_field seq
}

# state_digest: the "digest" field of `gs verify` (every state table).
state_digest() {
	gs verify 2>/dev/null | json_field digest
}

# state_snapshot: seq, head hash and state digest on one line; a change to
# the journal or to any state table changes it.
state_snapshot() {
	local v
	v=$(gs verify 2>/dev/null) || true
	if [[ $v != *'"digest":"'* ]]; then
		printf 'gs verify printed no digest: %s\n' "$v" >&2
		return 1
	fi
	printf '%s %s %s\n' "$(field_of seq "$v")" "$(field_of head "$v")" \
		"$(field_of digest "$v")"
}

# remember_state / assert_state_unchanged: around a command that must not
# change anything.
remember_state() {
	STATE_BEFORE=$(state_snapshot)
}
assert_state_unchanged() {
	local now
	now=$(state_snapshot)
	if [ "$now" != "$STATE_BEFORE" ]; then
		printf 'state changed (seq head digest):\nbefore: %s\nafter:  %s\n' \
			"$STATE_BEFORE" "$now" >&2
		return 1
	fi
}

# check_invariants: `gs verify --replay` exits 0 and reports ok (chain,
# signatures, invariants, replay digest), and, counted independently from
# `gs-token supply` and `gs-token list`: minted - burned = sum of all
# balances (available + locked, system accounts included).
check_invariants() {
	local out sup minted burned total
	if ! out=$(gs verify --replay 2>&1); then
		printf 'gs verify --replay failed:\n%s\n' "$out" >&2
		return 1
	fi
	if [[ $out != *'"ok":true'* || $out != *'"replayed":true'* ]]; then
		printf 'gs verify --replay did not report ok:\n%s\n' "$out" >&2
		return 1
	fi
	sup=$(gs-token supply) || return 1
	minted=$(field_of minted "$sup")
	burned=$(field_of burned "$sup")
	total=$(gs-token list | awk -F'"available":|"locked":' \
		'{ split($2, a, /[,}]/); split($3, l, /[,}]/); s += a[1] + l[1] }
		 END { printf "%d\n", s }')
	assert_eq "$total" "$((minted - burned))" "sum of balances vs minted - burned"
	assert_eq "$(field_of supply "$sup")" "$((minted - burned))" "supply"
}

# ---- input ---------------------------------------------------------------------

# transfer_lines N TO AMOUNT: N NDJSON transfer items {"to","amount"}.
transfer_lines() {
	awk -v n="$1" -v to="$2" -v a="$3" \
		'BEGIN { for (i = 1; i <= n; i++) printf "{\"to\":\"%s\",\"amount\":%s}\n", to, a }'
}

# have_sql: can this machine edit a state file with SQL (sqlite3 CLI, or
# python3 with its sqlite3 module)?
have_sql() {
	on_pg || command -v sqlite3 >/dev/null 2>&1 ||
		python3 -c 'import sqlite3' >/dev/null 2>&1
}

# sql DB STATEMENTS: run SQL on a state behind the programs' back (psql on
# PostgreSQL).
sql() {
	if on_pg; then
		psql -X -q -v ON_ERROR_STOP=1 "$1" -c "$2"
	elif command -v sqlite3 >/dev/null 2>&1; then
		sqlite3 "$1" "$2"
	else
		python3 - "$1" "$2" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript(sys.argv[2])
db.commit()
db.close()
EOF
	fi
}
