#!/usr/bin/env bats
# token.bats - gs-token, the settlement currency: mint, burn, transfer,
# allowances, locks, queries, NDJSON batches, signing without applying.
# Every scenario ends by checking the invariants (gs verify --replay, and
# minted - burned = sum of all balances).

# status, output, lines, stderr and stderr_lines are set by bats' run.
# shellcheck disable=SC2154
load helper

# ---- the program -------------------------------------------------------------

@test "gs-token --help lists every subcommand; --version names the program" {
	expect_exit 0 gs-token --help
	assert_stdout_has "gs-token mint" "gs-token burn" "gs-token transfer " \
		"gs-token approve" "gs-token transfer-from" "gs-token lock" "gs-token unlock" \
		"gs-token balance" "gs-token supply" "gs-token list" "gs-token locks" \
		"gs-token allowance"
	expect_exit 0 gs-token --version
	[[ ${lines[0]} =~ ^gs-token\ \(gridset\)\ [0-9]+\.[0-9]+ ]]
}

@test "every gs-token subcommand answers --help with its usage on stdout" {
	local c
	for c in mint burn transfer approve transfer-from lock unlock balance supply \
		list locks allowance; do
		expect_exit 0 gs-token "$c" --help </dev/null
		assert_stdout_has "usage: gs-token $c"
	done
}

@test "gs-token without a command exits 64; an unknown command exits 64 and names it" {
	expect_exit 64 gs-token
	assert_stderr_has "usage: gs-token"
	expect_exit 64 gs-token frobnicate
	assert_stderr_has "frobnicate"
}

@test "an unknown option of a gs-token subcommand exits 64 with a diagnostic prefixed by gs-token" {
	genesis
	expect_refusal 64 gs-token transfer --bogus --to bob 1 --as alice
	[[ ${stderr_lines[0]} == "gs-token: "* ]] || {
		echo "first stderr line is not prefixed with 'gs-token: ': ${stderr_lines[0]}" >&2
		return 1
	}
	assert_stderr_has "--bogus"
}

@test "an unknown option before the gs-token subcommand exits 64 with a diagnostic prefixed by gs-token" {
	expect_exit 64 gs-token --bogus
	[[ ${stderr_lines[0]} == "gs-token: "* ]] || {
		echo "first stderr line is not prefixed with 'gs-token: ': ${stderr_lines[0]}" >&2
		return 1
	}
	assert_stderr_has "--bogus"
}

@test "a negative AMOUNT without -- is a usage error (64) that says to put -- before it" {
	genesis
	expect_refusal 64 gs-token transfer --to bob -1 --as alice
	assert_stderr_has "--"
	[[ ${stderr_lines[0]} == "gs-token: "* ]]
}

# ---- mint --------------------------------------------------------------------

@test "mint --to ACCOUNT AMOUNT by a minter credits the account and raises minted" {
	genesis
	expect_exit 0 gs-token mint --to bob 250 --as admin
	assert_record "${lines[0]}" type=receipt status=applied seq=6 error=null
	assert_eq "$(available bob)" 250000000 "bob's balance"
	expect_exit 0 gs-token supply
	assert_record "$output" type=supply minted=1250000000 burned=0 supply=1250000000
	# a system account may receive minted credits, too
	expect_exit 0 gs-token mint --to treasury 1 --as admin
	assert_eq "$(available treasury)" 1000000 "treasury's balance"
	check_invariants
}

@test "mint by an account without the minter role exits 77 and changes nothing" {
	genesis
	expect_refusal 77 gs-token mint --to bob 5 --as alice
	assert_stderr_has "alice" "minter"
	expect_refusal 77 gs-token mint --to alice 5 --as alice
	check_invariants
}

@test "mint to an unknown account exits 65; to the vault exits 1; nothing changes" {
	genesis
	expect_refusal 65 gs-token mint --to nobody 5 --as admin
	assert_stderr_has "nobody"
	expect_refusal 1 gs-token mint --to vault 5 --as admin
	assert_stderr_has "vault"
	check_invariants
}

@test "mint beyond the 64-bit supply is refused with exit 1" {
	genesis
	expect_refusal 1 gs-token mint --to bob 9223372036850 --as admin
	assert_stderr_has "overflow"
	check_invariants
}

# ---- burn --------------------------------------------------------------------

@test "burn AMOUNT destroys the holder's available credits and raises burned" {
	genesis
	expect_exit 0 gs-token burn 1.5 --as alice
	assert_eq "$(available alice)" 998500000 "alice's balance"
	expect_exit 0 gs-token supply
	assert_record "$output" minted=1000000000 burned=1500000 supply=998500000
	check_invariants
}

@test "burn of more than the available balance exits 1 and changes nothing" {
	genesis
	expect_refusal 1 gs-token burn 1000.000001 --as alice
	assert_stderr_has "insufficient balance" "alice"
	expect_refusal 1 gs-token burn 1 --as bob
	check_invariants
}

@test "locked credits cannot be burned or transferred" {
	genesis
	gs-token lock 600 --as alice >/dev/null
	expect_refusal 1 gs-token burn 500 --as alice
	expect_refusal 1 gs-token transfer --to bob 500 --as alice
	expect_exit 0 gs-token burn 400 --as alice
	expect_exit 0 gs-token balance alice
	assert_record "$output" available=0 locked=600000000
	check_invariants
}

# ---- transfer ------------------------------------------------------------------

@test "transfer --to ACCOUNT AMOUNT moves credits from the signer to the account" {
	genesis
	expect_exit 0 gs-token transfer --to bob 12.5 --as alice
	assert_record "${lines[0]}" type=receipt status=applied seq=6
	assert_eq "$(available alice)" 987500000 "alice's balance"
	assert_eq "$(available bob)" 12500000 "bob's balance"
	expect_exit 0 gs log --cmd token.transfer
	assert_record "$output" actor=alice
	assert_stdout_has '"args":{"amount":12500000,"to":"bob"}'
	check_invariants
}

@test "transfer of more than the available balance exits 1, names the account and changes nothing" {
	genesis
	expect_refusal 1 gs-token transfer --to bob 1000.000001 --as alice
	assert_stderr_has "insufficient balance" "'alice'"
	[[ ${stderr_lines[0]} == gs-token:* ]]
	expect_refusal 1 gs-token transfer --to alice 1 --as bob
	check_invariants
}

@test "transfer to an unknown account exits 65; to the vault exits 1; nothing changes" {
	genesis
	expect_refusal 65 gs-token transfer --to nobody 1 --as alice
	assert_stderr_has "unknown account 'nobody'"
	expect_refusal 1 gs-token transfer --to vault 1 --as alice
	assert_stderr_has "vault"
	check_invariants
}

@test "amounts are credits: 12.5 is 12500000 base units, 0.000001 is 1, 7 is 7000000" {
	genesis
	gs-token transfer --to bob 12.5 --as alice >/dev/null
	assert_eq "$(available bob)" 12500000 "after 12.5"
	gs-token transfer --to bob 0.000001 --as alice >/dev/null
	assert_eq "$(available bob)" 12500001 "after 0.000001"
	gs-token transfer --to bob 7 --as alice >/dev/null
	assert_eq "$(available bob)" 19500001 "after 7"
	gs-token transfer --to bob 0.100000 --as alice >/dev/null
	assert_eq "$(available bob)" 19600001 "after 0.100000"
	check_invariants
}

@test "malformed amounts exit 65 with a message naming the amount and change nothing" {
	genesis
	expect_refusal 65 gs-token transfer --to bob 1.0000001 --as alice
	assert_stderr_has "1.0000001" "decimals"
	expect_refusal 65 gs-token transfer --as alice --to bob -- -1
	assert_stderr_has "-1" "negative"
	expect_refusal 65 gs-token transfer --to bob abc --as alice
	assert_stderr_has "abc" "not a number"
	expect_refusal 65 gs-token transfer --to bob 0 --as alice
	assert_stderr_has "positive"
	expect_refusal 65 gs-token transfer --to bob 99999999999999999999 --as alice
	assert_stderr_has "too large"
	local a
	for a in 1e3 .5 1. 1,5 " 1" "" 0x10 1.5.0; do
		expect_refusal 65 gs-token transfer --to bob "$a" --as alice
		[[ ${stderr_lines[0]} == gs-token:* ]]
	done
	check_invariants
}

@test "the signer comes from --as, --key or GS_KEY; without one a transaction exits 64" {
	genesis
	expect_exit 0 gs-token transfer --to bob 1 --as alice
	expect_exit 0 gs-token transfer --to bob 1 --key "$GS_KEYDIR/alice.key"
	GS_KEY="$GS_KEYDIR/alice.key" expect_exit 0 gs-token transfer --to bob 1
	assert_eq "$(available bob)" 3000000 "bob's balance"
	expect_refusal 64 gs-token transfer --to bob 1
	assert_stderr_has "signer"
	check_invariants
}

@test "--as and --key naming different accounts is a usage error (64) and changes nothing" {
	genesis
	expect_refusal 64 gs-token transfer --to carol 1 --as bob --key "$GS_KEYDIR/alice.key"
	assert_stderr_has "alice" "bob"
	check_invariants
}

# ---- approve, allowance, transfer-from -------------------------------------------

@test "approve --spender ACCOUNT AMOUNT sets an allowance that allowance OWNER SPENDER reports" {
	genesis
	expect_exit 0 gs-token approve --spender bob 10 --as alice
	assert_record "$(line_with '"type":"allowance"')" owner=alice spender=bob amount=10000000
	expect_exit 0 gs-token allowance alice bob
	assert_stdout_lines 1
	assert_record "$output" type=allowance owner=alice spender=bob amount=10000000
	# an allowance moves nothing by itself
	assert_eq "$(available alice)" 1000000000 "alice's balance"
	# and it is directional
	expect_exit 0 gs-token allowance bob alice
	assert_record "$output" amount=0
	check_invariants
}

@test "transfer-from spends the allowance: owner debited, recipient credited, allowance reduced" {
	genesis
	gs-token approve --spender bob 10 --as alice >/dev/null
	expect_exit 0 gs-token transfer-from --from alice --to carol 4 --as bob
	assert_eq "$(available alice)" 996000000 "alice's balance"
	assert_eq "$(available carol)" 4000000 "carol's balance"
	assert_eq "$(available bob)" 0 "bob's balance"
	expect_exit 0 gs-token allowance alice bob
	assert_record "$output" amount=6000000
	# the spender may pay itself
	expect_exit 0 gs-token transfer-from --from alice --to bob 6 --as bob
	assert_eq "$(available bob)" 6000000 "bob's balance"
	expect_exit 0 gs-token allowance alice bob
	assert_record "$output" amount=0
	check_invariants
}

@test "transfer-from over the allowance exits 1 and changes nothing" {
	genesis
	gs-token approve --spender bob 10 --as alice >/dev/null
	expect_refusal 1 gs-token transfer-from --from alice --to carol 10.000001 --as bob
	assert_stderr_has "allowance"
	gs-token transfer-from --from alice --to carol 4 --as bob >/dev/null
	expect_refusal 1 gs-token transfer-from --from alice --to carol 7 --as bob
	check_invariants
}

@test "transfer-from without an allowance exits 1; beyond the owner's balance exits 1 and keeps the allowance" {
	genesis
	expect_refusal 1 gs-token transfer-from --from alice --to carol 1 --as carol
	gs-token transfer --to bob 5 --as alice >/dev/null
	gs-token approve --spender carol 100 --as bob >/dev/null
	expect_refusal 1 gs-token transfer-from --from bob --to carol 6 --as carol
	assert_stderr_has "insufficient balance" "bob"
	expect_exit 0 gs-token allowance bob carol
	assert_record "$output" amount=100000000
	expect_refusal 65 gs-token transfer-from --from nobody --to carol 1 --as carol
	expect_refusal 1 gs-token transfer-from --from bob --to vault 1 --as carol
	check_invariants
}

@test "approve 0 revokes; approving yourself or an unknown spender exits 65" {
	genesis
	gs-token approve --spender bob 10 --as alice >/dev/null
	expect_exit 0 gs-token approve --spender bob 0 --as alice
	expect_exit 0 gs-token allowance alice bob
	assert_record "$output" amount=0
	expect_refusal 1 gs-token transfer-from --from alice --to bob 1 --as bob
	expect_refusal 65 gs-token approve --spender alice 10 --as alice
	assert_stderr_has "spender"
	expect_refusal 65 gs-token approve --spender nobody 10 --as alice
	expect_refusal 65 gs-token approve --spender bob abc --as alice
	check_invariants
}

@test "allowance of an unknown account exits 65" {
	genesis
	expect_exit 65 gs-token allowance alice nobody
	assert_stderr_has "nobody"
	expect_exit 65 gs-token allowance nobody alice
	expect_exit 64 gs-token allowance alice
}

# ---- lock, locks, unlock -----------------------------------------------------------

@test "lock AMOUNT sets credits aside: available down, locked up, a lock record with its id" {
	genesis
	expect_exit 0 gs-token lock 5 --purpose bid --ref order-7 --as alice
	assert_record "$(line_with '"type":"lock"')" id=1 account=alice amount=5000000 \
		purpose=bid ref=order-7
	expect_exit 0 gs-token lock 3 --as alice
	assert_record "$(line_with '"type":"lock"')" id=2 account=alice amount=3000000 \
		purpose=hold ref=null
	expect_exit 0 gs-token balance alice
	assert_record "$output" available=992000000 locked=8000000
	check_invariants
}

@test "locks lists the active locks; locks ACCOUNT those of one account" {
	genesis
	gs-token transfer --to bob 10 --as alice >/dev/null
	gs-token lock 5 --as alice >/dev/null
	gs-token lock 2 --as bob >/dev/null
	gs-token lock 1 --as alice >/dev/null
	expect_exit 0 gs-token locks
	assert_stdout_lines 3
	assert_record "${lines[0]}" type=lock id=1 account=alice amount=5000000
	assert_record "${lines[1]}" type=lock id=2 account=bob amount=2000000
	assert_record "${lines[2]}" type=lock id=3 account=alice amount=1000000
	expect_exit 0 gs-token locks bob
	assert_stdout_lines 1
	assert_record "$output" id=2
	gs-token unlock 1 --as alice >/dev/null
	expect_exit 0 gs-token locks alice
	assert_stdout_lines 1
	assert_record "$output" id=3
	expect_exit 0 gs-token locks carol
	assert_eq "$output" "" "locks of an account without locks"
	expect_exit 65 gs-token locks nobody
	check_invariants
}

@test "unlock LOCK releases the holder's own lock back to available" {
	genesis
	gs-token lock 5 --as alice >/dev/null
	expect_exit 0 gs-token unlock 1 --as alice
	assert_record "$(line_with '"type":"lock"')" id=1 account=alice amount=5000000
	expect_exit 0 gs-token balance alice
	assert_record "$output" available=1000000000 locked=0
	check_invariants
}

@test "unlock of someone else's lock exits 77 and changes nothing" {
	genesis
	gs-token lock 5 --as alice >/dev/null
	expect_refusal 77 gs-token unlock 1 --as bob
	assert_stderr_has "alice"
	expect_exit 0 gs-token balance alice
	assert_record "$output" locked=5000000
	check_invariants
}

@test "unlocking a released lock again changes nothing and exits 0 with a notice (already done)" {
	genesis
	gs-token lock 5 --as alice >/dev/null
	gs-token unlock 1 --as alice >/dev/null
	# DESIGN section 7: asking for something already done changes nothing,
	# exits 0 and says so on stderr, so scripts may retry freely
	expect_refusal 0 gs-token unlock 1 --as alice
	assert_stderr_has "lock 1" "already"
	refute_stdout_has '"status":"applied"'
	expect_exit 0 gs-token balance alice
	assert_record "$output" available=1000000000 locked=0
	check_invariants
}

@test "unlock of an unknown lock exits 65; a malformed lock id 64" {
	genesis
	gs-token lock 5 --as alice >/dev/null
	expect_refusal 65 gs-token unlock 99 --as alice
	assert_stderr_has "99"
	expect_refusal 64 gs-token unlock x --as alice
	expect_refusal 64 gs-token unlock 0 --as alice
	check_invariants
}

@test "lock of more than the available balance exits 1; a bad amount or purpose exits 65" {
	genesis
	expect_refusal 1 gs-token lock 1000.000001 --as alice
	assert_stderr_has "insufficient balance"
	expect_refusal 65 gs-token lock 0 --as alice
	expect_refusal 65 gs-token lock 1 --purpose "$(printf '%065d' 0)" --as alice
	assert_stderr_has "purpose"
	check_invariants
}

# ---- queries -----------------------------------------------------------------------

@test "balance, supply and list print records with the fixed field names in base units" {
	genesis
	gs-token transfer --to bob 2.5 --as alice >/dev/null
	gs-token lock 1 --as bob >/dev/null
	expect_exit 0 gs-token balance bob
	assert_stdout_lines 1
	assert_record "$output" type=balance account=bob available=1500000 locked=1000000
	expect_exit 0 gs-token supply
	assert_stdout_lines 1
	assert_record "$output" type=supply minted=1000000000 burned=0 supply=1000000000
	expect_exit 0 gs-token list
	assert_stdout_lines 7
	local l names=
	for l in "${lines[@]}"; do
		assert_record "$l" type=balance
		names+="$(field_of account "$l") "
	done
	assert_eq "$names" "admin alice bob carol dao treasury vault " "accounts listed"
	assert_record "$(line_with '"account":"alice"')" available=997500000 locked=0
	check_invariants
}

@test "balance without ACCOUNT shows the --as account; without either it exits 64; unknown exits 65" {
	genesis
	expect_exit 0 gs-token balance --as alice
	assert_record "$output" account=alice available=1000000000
	expect_exit 64 gs-token balance
	expect_exit 65 gs-token balance nobody
	assert_stderr_has "nobody"
	expect_exit 64 gs-token balance alice bob
}

@test "--table prints display units for people, --json NDJSON" {
	genesis
	gs-token transfer --to bob 2.5 --as alice >/dev/null
	expect_exit 0 gs-token balance bob --table
	assert_stdout_has "2.5"
	refute_stdout_has "2500000" '"type"'
	expect_exit 0 gs-token balance bob --json
	assert_record "$output" type=balance available=2500000
}

# ---- batches: NDJSON items on stdin -----------------------------------------------------

@test "NDJSON items on stdin are one transaction: one journal row, every item applied" {
	genesis
	printf '%s\n' '{"to":"bob","amount":1000000}' '{"to":"carol","amount":2500000}' \
		'{"to":"bob","amount":3}' >batch.ndjson
	expect_exit 0 gs-token transfer --as alice <batch.ndjson
	assert_stdout_lines 1
	assert_record "$output" type=receipt status=applied seq=6
	assert_eq "$(available bob)" 1000003 "bob's balance"
	assert_eq "$(available carol)" 2500000 "carol's balance"
	assert_eq "$(available alice)" 996499997 "alice's balance"
	expect_exit 0 gs log --cmd token.transfer
	assert_stdout_lines 1
	assert_stdout_has '"args":{"items":[{"amount":1000000,"to":"bob"},'
	check_invariants
}

@test "a batch is all or nothing: a total beyond the balance exits 1 and changes nothing" {
	genesis
	printf '%s\n' '{"to":"bob","amount":600000000}' '{"to":"carol","amount":400000001}' \
		>batch.ndjson
	expect_refusal 1 gs-token transfer --as alice <batch.ndjson
	assert_stderr_has "insufficient balance"
	check_invariants
}

@test "a bad item names its line (blank lines counted) and the field, and changes nothing" {
	genesis
	printf '%s\n' '{"to":"bob","amount":1}' '' '{"to":"carol","amount":"x"}' >bad.ndjson
	expect_refusal 65 gs-token transfer --as alice <bad.ndjson
	assert_stderr_has "line 3" '"amount"'
	printf '%s\n' '{"to":"bob","amount":1}' '{"to":"nobody","amount":1}' >bad.ndjson
	expect_refusal 65 gs-token transfer --as alice <bad.ndjson
	assert_stderr_has "line 2" "nobody"
	printf '%s\n' '{"to":"bob","amount":1,"memo":"x"}' >bad.ndjson
	expect_refusal 65 gs-token transfer --as alice <bad.ndjson
	assert_stderr_has "line 1" '"memo"'
	printf '%s\n' '{"to":"bob","amount":1}' '{"to":"bob", bad' >bad.ndjson
	expect_refusal 65 gs-token transfer --as alice <bad.ndjson
	assert_stderr_has "line 2" "JSON"
	printf '%s\n' '{"to":"bob","amount":1}' '[1,2]' >bad.ndjson
	expect_refusal 65 gs-token transfer --as alice <bad.ndjson
	assert_stderr_has "line 2"
	printf '%s\n' '{"to":"bob","amount":-5}' >bad.ndjson
	expect_refusal 65 gs-token transfer --as alice <bad.ndjson
	assert_stderr_has "line 1" '"amount"'
	check_invariants
}

@test "a real number as amount in a batch is refused naming its line and field" {
	genesis
	printf '%s\n' '{"to":"bob","amount":1}' '{"to":"bob","amount":2}' \
		'{"to":"bob","amount":1.5}' >bad.ndjson
	expect_refusal 65 gs-token transfer --as alice <bad.ndjson
	assert_stderr_has '"amount"' "line 3"
	check_invariants
}

@test "an empty batch exits 65; '-' reads the items from stdin" {
	genesis
	expect_refusal 65 gs-token transfer --as alice </dev/null
	assert_stderr_has "no items"
	printf '\n\n' >blank.ndjson
	expect_refusal 65 gs-token transfer --as alice <blank.ndjson
	transfer_lines 2 bob 5 >two.ndjson
	expect_exit 0 gs-token transfer - --as alice <two.ndjson
	assert_eq "$(available bob)" 10 "bob's balance"
	check_invariants
}

@test "mint, burn, approve, lock, unlock and transfer-from take batches too" {
	genesis
	printf '%s\n' '{"to":"bob","amount":7}' '{"to":"carol","amount":8}' >m.ndjson
	expect_exit 0 gs-token mint --as admin <m.ndjson
	assert_eq "$(available bob)" 7 "bob's balance after the mint"
	assert_eq "$(available carol)" 8 "carol's balance after the mint"
	printf '%s\n' '{"amount":1}' '{"amount":2}' >b.ndjson
	expect_exit 0 gs-token burn --as bob <b.ndjson
	assert_eq "$(available bob)" 4 "bob's balance after the burns"
	printf '%s\n' '{"spender":"carol","amount":3}' >a.ndjson
	expect_exit 0 gs-token approve --as bob <a.ndjson
	printf '%s\n' '{"from":"bob","to":"carol","amount":2}' >f.ndjson
	expect_exit 0 gs-token transfer-from --as carol <f.ndjson
	assert_eq "$(available carol)" 10 "carol's balance after transfer-from"
	printf '%s\n' '{"amount":1,"purpose":"p"}' '{"amount":1}' >l.ndjson
	expect_exit 0 gs-token lock --as bob <l.ndjson
	assert_eq "$(locked bob)" 2 "bob's locked balance"
	printf '%s\n' '{"lock":1}' '{"lock":2}' >u.ndjson
	expect_exit 0 gs-token unlock --as bob <u.ndjson
	assert_eq "$(locked bob)" 0 "bob's locked balance after the unlocks"
	expect_exit 0 gs-token supply
	assert_record "$output" minted=1000000015 burned=3
	check_invariants
}

@test "a batch of burns is all or nothing: one too many exits 1 and burns nothing" {
	genesis
	gs-token transfer --to bob 0.000003 --as alice >/dev/null
	printf '%s\n' '{"amount":2}' '{"amount":2}' >b.ndjson
	expect_refusal 1 gs-token burn --as bob <b.ndjson
	assert_eq "$(available bob)" 3 "bob's balance"
	check_invariants
}

# ---- signing without applying, idempotency -----------------------------------------------

@test "--sign-only prints a signed tx without applying it; gs submit applies it" {
	genesis
	remember_state
	expect_exit 0 gs-token transfer --to bob 2 --as alice --sign-only
	assert_stdout_lines 1
	assert_record "$output" v=1 cmd=token.transfer actor=alice time="$NOW_UNIX"
	assert_stdout_has '"args":{"to":"bob","amount":2000000}' '"sig":"' '"id":"'
	printf '%s\n' "$output" >tx.ndjson
	assert_state_unchanged
	local id
	id=$(json_field id <tx.ndjson)
	expect_exit 0 gs submit <tx.ndjson
	assert_record "$output" type=receipt id="$id" status=applied seq=6
	assert_eq "$(available bob)" 2000000 "bob's balance"
	check_invariants
}

@test "gs submit applies a stream of signed txs, each on its own, with one receipt each" {
	genesis
	gs-token transfer --to bob 1 --as alice --sign-only >txs.ndjson
	gs-token transfer --to carol 2 --as alice --sign-only >>txs.ndjson
	gs-token mint --to bob 3 --as admin --sign-only >>txs.ndjson
	expect_exit 0 gs submit <txs.ndjson
	assert_stdout_lines 3
	assert_record "${lines[0]}" type=receipt status=applied seq=6
	assert_record "${lines[1]}" type=receipt status=applied seq=7
	assert_record "${lines[2]}" type=receipt status=applied seq=8
	assert_eq "$(available bob)" 4000000 "bob's balance"
	assert_eq "$(available carol)" 2000000 "carol's balance"
	check_invariants
}

@test "--id makes a command idempotent: the same tx again is a duplicate, exit 0, nothing changes" {
	genesis
	expect_exit 0 gs-token transfer --to bob 1 --as alice --id pay-bob-1
	assert_record "$output" id=pay-bob-1 status=applied seq=6
	expect_refusal 0 gs-token transfer --to bob 1 --as alice --id pay-bob-1
	assert_record "$output" type=receipt id=pay-bob-1 status=duplicate seq=6
	assert_stderr_has "duplicate"
	assert_eq "$(available bob)" 1000000 "bob's balance"
	check_invariants
}

@test "--id reused for a different tx is refused with exit 1; an invalid id with 65" {
	genesis
	gs-token transfer --to bob 1 --as alice --id pay-1 >/dev/null
	expect_refusal 1 gs-token transfer --to bob 2 --as alice --id pay-1
	assert_stderr_has "pay-1"
	expect_refusal 65 gs-token transfer --to bob 2 --as alice --id 'pay 2'
	assert_stderr_has '"id"'
	check_invariants
}
