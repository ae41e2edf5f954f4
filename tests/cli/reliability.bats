#!/usr/bin/env bats
# reliability.bats - DESIGN section 13: killed at any moment, the file holds
# the whole tx or none of it; concurrent writers never corrupt or lose a tx;
# a writer that cannot get the lock within the busy timeout exits 75 having
# changed nothing.

# status, output, lines, stderr and stderr_lines are set by bats' run.
# shellcheck disable=SC2154
load helper

# Background processes close bats' fd 3, so a failing test cannot hang on
# them; teardown lets a lock holder of a failed test go.
teardown() {
	touch "$BATS_TEST_TMPDIR/release"
	if [ -n "${HOLDER:-}" ]; then
		wait "$HOLDER" 2>/dev/null || true
	fi
}

# now_ms: wall clock in milliseconds.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# hold_write_lock: hold the state's write lock (BEGIN IMMEDIATE; on
# PostgreSQL the writers' table lock) from a separate client (sqlite3, psql)
# until the file "release" appears; returns once the lock is held. HOLDER is
# its pid.
hold_write_lock() {
	rm -f locked release
	if on_pg; then	# the lock every write transaction takes first
		{
			echo "BEGIN; LOCK TABLE schema_version IN EXCLUSIVE MODE;"
			echo '\! touch locked'
			while [ ! -e release ]; do sleep 0.02; done
			echo "COMMIT;"
		} 3>&- | psql -X -q "$GS_DB" >/dev/null 2>&1 3>&- &
	elif command -v sqlite3 >/dev/null 2>&1; then
		{
			echo "BEGIN IMMEDIATE;"
			echo ".system touch locked"
			while [ ! -e release ]; do sleep 0.02; done
			echo "COMMIT;"
		} 3>&- | sqlite3 "$GS_DB" >/dev/null 2>&1 3>&- &
	else
		python3 - "$GS_DB" >/dev/null 2>&1 3>&- <<'EOF' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
open("locked", "w").close()
while not os.path.exists("release"):
    time.sleep(0.02)
db.execute("COMMIT")
db.close()
EOF
	fi
	HOLDER=$!
	local _
	for _ in $(seq 500); do
		[ -e locked ] && return 0
		sleep 0.02
	done
	echo "the lock holder did not get the write lock" >&2
	return 1
}

# release_write_lock: let the holder commit and wait for it.
release_write_lock() {
	touch release
	wait "$HOLDER"
}

# transfer_ids ACTOR: the tx ids of ACTOR's journaled transfers, one a line.
transfer_ids() {
	local l
	gs log --actor "$1" --cmd token.transfer |
		while IFS= read -r l; do field_of id "$l"; done
}

# ---- (d) SIGKILL mid-batch -------------------------------------------------------------

# start_batch: run the batch big.ndjson (alice pays bob 1 base unit per
# line) in the background; BATCH is its pid, BOB0 and SEQ0 bob's balance and
# the journal seq before it.
start_batch() {
	BOB0=$(available bob)
	SEQ0=$(journal_seq)
	gs-token transfer --as alice <big.ndjson >/dev/null 2>&1 3>&- &
	BATCH=$!
}

# kill_batch WHEN: SIGKILL the batch, then check that it left the whole
# batch (200,000 base units to bob, one journal row) or none of it, and the
# invariants. KILLED counts the runs really killed.
kill_batch() {
	local st=0 after
	kill -9 "$BATCH" 2>/dev/null || true
	wait "$BATCH" || st=$?
	after=$(available bob)
	case $st in
	0)
		assert_eq "$after" $((BOB0 + 200000)) "bob's balance after a finished run ($1)"
		;;
	137)
		KILLED=$((KILLED + 1))
		if [ "$after" -ne "$BOB0" ] && [ "$after" -ne $((BOB0 + 200000)) ]; then
			echo "killed $1: bob has $after, neither $BOB0 nor $((BOB0 + 200000))" >&2
			return 1
		fi
		;;
	*)
		echo "the batch exited $st (killed $1)" >&2
		return 1
		;;
	esac
	assert_eq "$(journal_seq)" $((SEQ0 + (after - BOB0) / 200000)) "journal seq ($1)"
	check_invariants
}

@test "SIGKILL at any point of a 200,000-line batch leaves the whole batch or none of it; gs verify --replay passes" {
	genesis
	transfer_lines 200000 bob 1 >big.ndjson
	# time one uninterrupted run, then kill runs at fractions of that time
	local t0 run_ms frac
	t0=$(now_ms)
	gs-token transfer --as alice <big.ndjson >/dev/null
	run_ms=$(($(now_ms) - t0))
	assert_eq "$(available bob)" 200000 "bob's balance after one whole batch"
	KILLED=0
	for frac in 10 30 50 70 90; do
		start_batch
		sleep "$(awk -v ms="$run_ms" -v f="$frac" 'BEGIN { printf "%.3f", ms * f / 100000 }')"
		kill_batch "at $frac% of ${run_ms} ms"
	done
	# at least one run was really killed in flight
	[ "$KILLED" -ge 1 ]
}

@test "SIGKILL while a 200,000-line batch is being committed leaves the whole batch or none of it" {
	sqlite_only "watches the file's write-ahead log"
	genesis
	transfer_lines 200000 bob 1 >big.ndjson
	local extra
	KILLED=0
	for extra in 0 0 0.002 0.005 0.01; do
		[ ! -s "$GS_DB-wal" ]	# every earlier writer has checkpointed
		start_batch
		# the write-ahead log starts to grow once the commit writes pages
		while ! [ -s "$GS_DB-wal" ] && kill -0 "$BATCH" 2>/dev/null; do :; done
		[ "$extra" = 0 ] || sleep "$extra"
		kill_batch "${extra}s into the commit"
	done
	[ "$KILLED" -ge 1 ]
}

# ---- (e) concurrent writers ------------------------------------------------------------

@test "two writers started together on one file both succeed, or one exits 75 having changed nothing; no tx is lost" {
	genesis
	gs-token mint --to bob 1000 --as admin >/dev/null
	transfer_lines 20000 carol 1 >from-alice.ndjson
	transfer_lines 20000 carol 2 >from-bob.ndjson
	local round sa sb pa pb seq0 alice0 bob0 carol0 na nb
	for round in 1 2 3; do
		seq0=$(journal_seq)
		alice0=$(available alice)
		bob0=$(available bob)
		carol0=$(available carol)
		gs-token transfer --as alice --id "alice-$round" <from-alice.ndjson >/dev/null 2>a.err 3>&- &
		pa=$!
		gs-token transfer --as bob --id "bob-$round" <from-bob.ndjson >/dev/null 2>b.err 3>&- &
		pb=$!
		sa=0
		wait "$pa" || sa=$?
		sb=0
		wait "$pb" || sb=$?
		for st in "$sa" "$sb"; do
			if [ "$st" -ne 0 ] && [ "$st" -ne 75 ]; then
				echo "round $round: a writer exited $st" >&2
				cat a.err b.err >&2
				return 1
			fi
		done
		[ "$sa" -eq 0 ] || [ "$sb" -eq 0 ]
		na=$((sa == 0))
		nb=$((sb == 0))
		# the balances hold exactly the batches that succeeded
		assert_eq "$(available alice)" $((alice0 - 20000 * na)) "round $round: alice"
		assert_eq "$(available bob)" $((bob0 - 40000 * nb)) "round $round: bob"
		assert_eq "$(available carol)" $((carol0 + 20000 * na + 40000 * nb)) "round $round: carol"
		assert_eq "$(journal_seq)" $((seq0 + na + nb)) "round $round: journal seq"
		# and the journal holds exactly their txs
		assert_eq "$(transfer_ids alice | grep -c "^alice-$round\$")" "$na" "round $round: alice's tx"
		assert_eq "$(transfer_ids bob | grep -c "^bob-$round\$")" "$nb" "round $round: bob's tx"
		check_invariants
	done
}

@test "with GS_BUSY_TIMEOUT=0 a writer meeting a held write lock exits 75 and changes nothing; retried later it applies" {
	have_sql || skip "neither sqlite3 nor python3's sqlite3 module is installed"
	genesis
	remember_state
	hold_write_lock
	GS_BUSY_TIMEOUT=0 expect_exit 75 gs-token transfer --to bob 1 --as alice --id pay-bob
	assert_stderr_has "busy"
	release_write_lock
	assert_state_unchanged
	# cron retries the same command: it applies once
	GS_BUSY_TIMEOUT=0 expect_exit 0 gs-token transfer --to bob 1 --as alice --id pay-bob
	assert_record "$output" status=applied seq=6
	assert_eq "$(available bob)" 1000000 "bob's balance"
	check_invariants
}

@test "gs submit meeting a held write lock with GS_BUSY_TIMEOUT=0 exits 75; the same signed tx applies later" {
	have_sql || skip "neither sqlite3 nor python3's sqlite3 module is installed"
	genesis
	gs-token transfer --to bob 1 --as alice --sign-only >tx.ndjson
	remember_state
	hold_write_lock
	GS_BUSY_TIMEOUT=0 expect_exit 75 gs submit <tx.ndjson
	release_write_lock
	assert_state_unchanged
	expect_exit 0 gs submit <tx.ndjson
	assert_record "$output" status=applied
	assert_eq "$(available bob)" 1000000 "bob's balance"
	check_invariants
}

@test "with the default busy timeout a writer waits for a briefly held lock and then applies" {
	have_sql || skip "neither sqlite3 nor python3's sqlite3 module is installed"
	genesis
	hold_write_lock
	gs-token transfer --to bob 1 --as alice >out.ndjson 2>err.txt 3>&- &
	local pw=$! st=0
	sleep 0.5
	release_write_lock
	wait "$pw" || st=$?
	if [ "$st" -ne 0 ]; then
		echo "the waiting writer exited $st: $(cat err.txt)" >&2
		return 1
	fi
	assert_record "$(cat out.ndjson)" status=applied
	assert_eq "$(available bob)" 1000000 "bob's balance"
	check_invariants
}

@test "with GS_BUSY_TIMEOUT=0 writers racing a long batch exit 0 or 75, and those exiting 75 changed nothing" {
	genesis
	gs-token mint --to carol 1 --as admin >/dev/null
	transfer_lines 200000 bob 1 >big.ndjson
	gs-token transfer --as alice <big.ndjson >/dev/null 2>big.err 3>&- &
	local big=$! n=0 st ok=0 busy=0 sbig=0
	while kill -0 "$big" 2>/dev/null && [ "$n" -lt 200 ]; do
		n=$((n + 1))
		st=0
		GS_BUSY_TIMEOUT=0 gs-token transfer --to bob 0.000001 --as carol --id "small-$n" \
			>/dev/null 2>&1 || st=$?
		case $st in
		0) ok=$((ok + 1)); echo "small-$n" >>applied.txt ;;
		75) busy=$((busy + 1)) ;;
		*) echo "small writer $n exited $st" >&2; return 1 ;;
		esac
	done
	wait "$big" || sbig=$?
	if [ "$sbig" -ne 0 ]; then
		echo "the long batch exited $sbig: $(cat big.err)" >&2
		return 1
	fi
	# exactly the writers that exited 0 are in the journal
	touch applied.txt
	assert_eq "$(transfer_ids carol | sort)" "$(sort applied.txt)" "carol's txs in the journal"
	assert_eq "$(available bob)" $((200000 + ok)) "bob's balance ($ok applied, $busy busy)"
	assert_eq "$(available carol)" $((1000000 - ok)) "carol's balance"
	check_invariants
}
