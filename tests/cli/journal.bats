#!/usr/bin/env bats
# journal.bats - the ledger's guarantees (DESIGN sections 2, 4, 11, 13):
# (a) nobody acts for an account without its key, an altered or replayed tx
#     never changes state, refusals change nothing;
# (b) tampering with the state file behind the programs' back is detected;
# (c) a large NDJSON batch applies whole or not at all, and a bad line is
#     named by its number and field.

# status, output, lines, stderr and stderr_lines are set by bats' run.
# shellcheck disable=SC2154
load helper

# sign_only ARGS...: print the tx that `gs-token ARGS --sign-only` signs.
sign_only() {
	gs-token "$@" --sign-only
}

# ---- (a) signatures, duplicates, refusals ------------------------------------------

@test "a tx signed with bob's key but claiming to be alice's is rejected (77) and changes nothing" {
	genesis
	# bob signs a transfer to himself, then puts alice's name on it
	sign_only transfer --to bob 100 --as bob |
		sed 's/"actor":"bob"/"actor":"alice"/' >forged.ndjson
	grep -q '"actor":"alice"' forged.ndjson
	expect_refusal 77 gs submit <forged.ndjson
	assert_record "$output" type=receipt status=rejected
	assert_stdout_has "signature"
	assert_eq "$(available alice)" 1000000000 "alice's balance"
	assert_eq "$(available bob)" 0 "bob's balance"
	check_invariants
}

@test "gs-token refuses a key that is not the --as account's with exit 64" {
	genesis
	expect_refusal 64 gs-token transfer --to bob 1 --as alice --key "$GS_KEYDIR/bob.key"
	check_invariants
}

@test "a tx of an account that is not registered is rejected (77) and changes nothing" {
	genesis
	gs key new dave >/dev/null
	sign_only transfer --to bob 1 --as dave >dave.ndjson
	expect_refusal 77 gs submit <dave.ndjson
	assert_record "$output" status=rejected
	assert_stdout_has "dave"
	check_invariants
}

@test "a transfer one base unit above the available balance exits 1 and changes nothing" {
	genesis
	expect_refusal 1 gs-token transfer --to bob 1000.000001 --as alice
	assert_stderr_has "insufficient balance" "alice"
	# the whole balance may go
	expect_exit 0 gs-token transfer --to bob 1000 --as alice
	assert_eq "$(available alice)" 0 "alice's balance"
	assert_eq "$(available bob)" 1000000000 "bob's balance"
	check_invariants
}

@test "submitting the same signed tx twice: applied, then duplicate, and the second changes nothing" {
	genesis
	sign_only transfer --to bob 5 --as alice >tx.ndjson
	local id
	id=$(json_field id <tx.ndjson)
	expect_exit 0 gs submit <tx.ndjson
	assert_record "$output" type=receipt id="$id" status=applied seq=6
	expect_refusal 0 gs submit <tx.ndjson
	assert_record "$output" type=receipt id="$id" status=duplicate seq=6 error=null
	# still a duplicate after other txs
	gs-token transfer --to carol 1 --as alice >/dev/null
	expect_refusal 0 gs submit <tx.ndjson
	assert_record "$output" status=duplicate seq=6
	assert_eq "$(available bob)" 5000000 "bob's balance"
	expect_exit 0 gs log --cmd token.transfer --actor alice
	assert_stdout_lines 2
	check_invariants
}

@test "a tx altered after signing (amount changed) is refused (77) and changes nothing" {
	genesis
	sign_only transfer --to bob 1 --as alice >tx.ndjson
	sed 's/"amount":1000000/"amount":900000000/' tx.ndjson >altered.ndjson
	[ "$(cat tx.ndjson)" != "$(cat altered.ndjson)" ]
	expect_refusal 77 gs submit <altered.ndjson
	assert_record "$output" status=rejected
	assert_stdout_has "signature"
	# the genuine tx still applies
	expect_exit 0 gs submit <tx.ndjson
	assert_eq "$(available bob)" 1000000 "bob's balance"
	check_invariants
}

@test "a tx altered after its original was applied is refused as not authorised (77) and changes nothing" {
	genesis
	sign_only transfer --to bob 1 --as alice >tx.ndjson
	gs submit <tx.ndjson >/dev/null
	sed 's/"amount":1000000/"amount":900000000/' tx.ndjson >altered.ndjson
	[ "$(cat tx.ndjson)" != "$(cat altered.ndjson)" ]
	expect_refusal 77 gs submit <altered.ndjson
	assert_record "$output" status=rejected
	assert_eq "$(available bob)" 1000000 "bob's balance"
	check_invariants
}

@test "a tx reusing an id with different content is rejected (1) and changes nothing" {
	genesis
	sign_only transfer --to bob 1 --as alice --id order-42 >first.ndjson
	sign_only transfer --to bob 2 --as alice --id order-42 >second.ndjson
	expect_exit 0 gs submit <first.ndjson
	expect_refusal 1 gs submit <second.ndjson
	assert_record "$output" type=receipt id=order-42 status=rejected
	assert_stdout_has "order-42"
	assert_eq "$(available bob)" 1000000 "bob's balance"
	check_invariants
}

@test "gs submit applies each line on its own: bad lines are rejected, good ones applied, exit of the first failure" {
	genesis
	sign_only transfer --to bob 1 --as alice >good1.ndjson
	sign_only transfer --to carol 2 --as alice >good2.ndjson
	{
		cat good1.ndjson
		echo 'this is not JSON'
		sed 's/"actor":"alice"/"actor":"bob"/' good2.ndjson
		cat good2.ndjson
	} >stream.ndjson
	expect_exit 65 gs submit <stream.ndjson
	assert_stdout_lines 4
	assert_record "${lines[0]}" status=applied seq=6
	assert_record "${lines[1]}" status=rejected id=null
	assert_record "${lines[2]}" status=rejected
	assert_record "${lines[3]}" status=applied seq=7
	assert_eq "$(available bob)" 1000000 "bob's balance"
	assert_eq "$(available carol)" 2000000 "carol's balance"
	check_invariants
}

@test "gs submit commits many txs at once but each on its own: a retry in the same batch is a duplicate, a refusal in it leaves the others" {
	genesis
	for i in 1 2 3; do sign_only transfer --to bob "$i" --as alice; done >three.ndjson
	sign_only transfer --to carol 100000 --as alice >toomuch.ndjson
	{ sed -n 1p three.ndjson; sed -n 1p three.ndjson; cat toomuch.ndjson; sed -n '2,3p' three.ndjson; } >stream.ndjson
	expect_exit 1 gs submit <stream.ndjson
	assert_stdout_lines 5
	assert_record "${lines[0]}" status=applied seq=6
	assert_record "${lines[1]}" status=duplicate seq=6
	assert_record "${lines[2]}" status=rejected
	assert_record "${lines[3]}" status=applied seq=7
	assert_record "${lines[4]}" status=applied seq=8
	assert_eq "$(available bob)" 6000000 "bob's balance"
	assert_eq "$(available carol)" 0 "carol's balance"
	check_invariants
}

@test "gs submit does not hold the write lock while it waits for its next line: its receipt comes first, another writer gets in" {
	genesis
	sign_only transfer --to bob 1 --as alice >a.ndjson
	sign_only transfer --to bob 2 --as alice >b.ndjson
	{ cat a.ndjson; sleep 3; cat b.ndjson; } | gs submit >receipts.ndjson &
	local pid=$!
	sleep 1.5
	# the first receipt is out and the lock is free while gs submit waits
	assert_eq "$(grep -c '"status":"applied"' receipts.ndjson)" 1 "receipts after the first line"
	GS_BUSY_TIMEOUT=0 expect_exit 0 gs-token transfer --to carol 5 --as alice
	wait "$pid"
	assert_eq "$(grep -c '"status":"applied"' receipts.ndjson)" 2 "receipts at the end"
	assert_eq "$(available bob)" 3000000 "bob's balance"
	assert_eq "$(available carol)" 5000000 "carol's balance"
	check_invariants
}

@test "gs submit refuses a tx dated too far ahead of its clock (1) unless --max-skew allows it" {
	genesis
	sign_only transfer --to bob 1 --as alice --now 2026-11-25T11:00:00Z >future.ndjson
	expect_refusal 1 gs submit <future.ndjson
	assert_record "$output" status=rejected
	expect_exit 0 gs submit --max-skew 3600 <future.ndjson
	assert_record "$output" status=applied
	check_invariants
}

@test "gs submit --max-skew at the largest value allows any time (no overflow of now + skew)" {
	genesis
	sign_only transfer --to bob 1 --as alice --now 2026-11-25T11:00:00Z >future.ndjson
	expect_exit 0 gs submit --max-skew 9223372036854775807 <future.ndjson
	assert_record "$output" status=applied
	check_invariants
}

@test "journal time never goes backwards: a tx dated earlier is journaled at the head's time" {
	genesis
	gs-token transfer --to bob 1 --as alice --now 2026-11-25T12:00:00Z >/dev/null
	gs-token transfer --to bob 1 --as alice --now 2026-11-25T11:00:00Z >/dev/null
	expect_exit 0 gs log --cmd token.transfer
	assert_record "${lines[0]}" seq=6 time=$((NOW_UNIX + 7200))
	assert_record "${lines[1]}" seq=7 time=$((NOW_UNIX + 7200))
	check_invariants
}

# ---- (b) tampering with the state file ---------------------------------------------

# pristine_copy FILE: copy the state file (checkpointed: no -wal left); on
# PostgreSQL, the state moved into the SQLite file FILE by export / import.
pristine_copy() {
	if on_pg; then
		gs export | GS_DB="$1" gs import >/dev/null
		return
	fi
	[ ! -s "$GS_DB-wal" ] || {
		echo "state file has a non-empty WAL; cannot copy it" >&2
		return 1
	}
	cp "$GS_DB" "$1"
}

@test "a balance changed with SQL makes gs verify --replay fail naming the table and the account; the untouched copy verifies" {
	have_sql || skip "neither sqlite3 nor python3's sqlite3 module is installed"
	genesis
	gs-token transfer --to carol 10 --as alice >/dev/null
	pristine_copy pristine.db
	sql "$GS_DB" "UPDATE balances SET available = available + 1 WHERE account = 'carol'"
	run --separate-stderr gs verify --replay
	[ "$status" -ne 0 ]
	[ "$status" -ne 70 ]
	assert_record "$output" type=verify ok=false
	assert_stderr_has "balances" "carol"
	GS_DB="$BATS_TEST_TMPDIR/pristine.db" check_invariants
}

@test "credits moved between two balances with SQL (supply still adding up) are caught by --replay" {
	have_sql || skip "neither sqlite3 nor python3's sqlite3 module is installed"
	genesis
	sql "$GS_DB" "UPDATE balances SET available = available - 5 WHERE account = 'alice';
		UPDATE balances SET available = available + 5 WHERE account = 'carol'"
	run --separate-stderr gs verify --replay
	[ "$status" -ne 0 ]
	[ "$status" -ne 70 ]
	assert_record "$output" ok=false
	assert_stderr_has "balances" "alice"
}

@test "a journal row's tx changed with SQL makes gs verify fail naming the journal seq" {
	have_sql || skip "neither sqlite3 nor python3's sqlite3 module is installed"
	genesis
	gs-token transfer --to bob 1 --as alice >/dev/null
	pristine_copy pristine.db
	sql "$GS_DB" "UPDATE journal SET tx = replace(tx, '\"amount\":1000000', '\"amount\":9000000') WHERE seq = 6"
	run --separate-stderr gs verify
	[ "$status" -ne 0 ]
	[ "$status" -ne 70 ]
	assert_record "$output" ok=false
	assert_stderr_has "journal #6"
	GS_DB="$BATS_TEST_TMPDIR/pristine.db" check_invariants
}

@test "a journal row's tx changed in the file's bytes (no SQL tool needed) makes gs verify fail naming its seq" {
	sqlite_only "edits the file's bytes"
	genesis
	gs-token transfer --to bob 1 --as alice >/dev/null
	pristine_copy pristine.db
	# the canonical tx text is stored verbatim: change its amount, same length
	assert_eq "$(LC_ALL=C grep -a -c '"amount":1000000,"to":"bob"' "$GS_DB")" 1 \
		"copies of the tx text in the file"
	LC_ALL=C sed -i 's/"amount":1000000,"to":"bob"/"amount":9000000,"to":"bob"/' "$GS_DB"
	assert_eq "$(cmp -l pristine.db "$GS_DB" | wc -l)" 1 "bytes changed"
	run --separate-stderr gs verify
	[ "$status" -ne 0 ]
	[ "$status" -ne 70 ]
	assert_record "$output" ok=false
	assert_stderr_has "journal #6"
	GS_DB="$BATS_TEST_TMPDIR/pristine.db" check_invariants
}

@test "a journal row deleted with SQL makes gs verify fail naming the gap" {
	have_sql || skip "neither sqlite3 nor python3's sqlite3 module is installed"
	genesis
	gs-token transfer --to bob 1 --as alice >/dev/null
	gs-token transfer --to bob 1 --as alice >/dev/null
	sql "$GS_DB" "DELETE FROM journal WHERE seq = 6"
	run --separate-stderr gs verify
	[ "$status" -ne 0 ]
	[ "$status" -ne 70 ]
	assert_stderr_has "seq 7"
}

# ---- (c) a 10,000-line batch ---------------------------------------------------------

# transfers_10k: 10,000 transfer items; item i sends i base units to bob
# (i odd) or carol (i even): bob gets 25000000, carol 25005000 in all.
transfers_10k() {
	awk 'BEGIN { for (i = 1; i <= 10000; i++)
		printf "{\"to\":\"%s\",\"amount\":%d}\n", (i % 2 ? "bob" : "carol"), i }'
}

# with_line_5000 TEXT: stdin with line 5000 replaced by TEXT.
with_line_5000() {
	awk -v bad="$1" 'NR == 5000 { print bad; next } { print }'
}

@test "a 10,000-line batch applies whole as one tx: balances reflect all 10,000 transfers" {
	genesis
	transfers_10k >batch.ndjson
	assert_eq "$(wc -l <batch.ndjson)" 10000 "lines"
	expect_exit 0 gs-token transfer --as alice <batch.ndjson
	assert_record "$output" status=applied seq=6
	assert_eq "$(available bob)" 25000000 "bob's balance"
	assert_eq "$(available carol)" 25005000 "carol's balance"
	assert_eq "$(available alice)" $((1000000000 - 50005000)) "alice's balance"
	assert_eq "$(journal_seq)" 6 "journal seq (one tx)"
	check_invariants
}

@test "a 10,000-line batch with invalid JSON on line 5000 exits 65 naming line 5000 and changes nothing" {
	genesis
	transfers_10k | with_line_5000 '{"to":"bob","amount":' >batch.ndjson
	assert_eq "$(wc -l <batch.ndjson)" 10000 "lines"
	expect_refusal 65 gs-token transfer --as alice <batch.ndjson
	assert_stderr_has "line 5000"
	[[ ${stderr_lines[0]} == gs-token:* ]]
	assert_eq "$(available bob)" 0 "bob's balance"
	check_invariants
}

@test "a 10,000-line batch with \"amount\":\"x\" on line 5000 exits 65 naming line 5000 and the field" {
	genesis
	transfers_10k | with_line_5000 '{"to":"bob","amount":"x"}' >batch.ndjson
	expect_refusal 65 gs-token transfer --as alice <batch.ndjson
	assert_stderr_has "line 5000" '"amount"'
	assert_eq "$(available bob)" 0 "bob's balance"
	check_invariants
}

@test "a 10,000-line batch with an unknown account on line 5000 exits 65 naming line 5000 and the account" {
	genesis
	transfers_10k | with_line_5000 '{"to":"mallory","amount":1}' >batch.ndjson
	expect_refusal 65 gs-token transfer --as alice <batch.ndjson
	assert_stderr_has "line 5000" "mallory"
	assert_eq "$(available carol)" 0 "carol's balance"
	check_invariants
}

@test "a 10,000-line batch with a wrongly typed \"to\" on line 5000 exits 65 naming line 5000 and the field" {
	genesis
	transfers_10k | with_line_5000 '{"to":7,"amount":1}' >batch.ndjson
	expect_refusal 65 gs-token transfer --as alice <batch.ndjson
	assert_stderr_has "line 5000" '"to"'
	check_invariants
}
