#!/usr/bin/env bats
# stake.bats - gs-stake, the staking vault: deposit, request-withdraw,
# withdraw after the unbonding period, cancel-withdraw, lock/unlock, repay,
# slash, show (now and --at a past time), list, locks, unbondings
# (DESIGN sections 7, 8 "Stake", 10, 11, 14).
#
# Own set-up (no `load helper`; shared assertions in assert.bash): every test gets a fresh state with keys
# and accounts admin (all roles), alice and bob, and 1000 credits minted to
# alice. Run by hand with
#     PATH=/work/main/bin:$PATH bats tests/cli/stake.bats
# Records are read with shell pattern matching only (no jq). Amounts in
# records are base units (decimals 6: 1 credit = 1000000).

bats_require_minimum_version 1.5.0	# run --separate-stderr
load assert
PROG=gs-stake			# clean_error without arguments

# Exit codes (DESIGN 7): 64 for a wrong command line (missing or extra
# arguments, unknown options), 65 for a malformed value (an option value such
# as --capacity 5, an AMOUNT, JSON). A positional id that is not a number
# (PANEL abc, LOCK abc) may be either: "64|65".

C=1000000			# one credit in base units
T0=1795600800			# 2026-11-25T10:00:00Z, the clock of every test
DAY=86400
UNBONDING=604800		# unbonding_period_s default: 7 days

setup() {
	component_setup gs-stake 2026-11-25T10:00:00Z alice bob || return 1
	gs-token mint --to alice 1000 --as admin >/dev/null || return 1
}

# ---- small helpers (local to this file) -----------------------------------------

# stake_of ACCOUNT FIELD [--at T]: one field of `gs-stake show ACCOUNT`.
stake_of() {
	local who=$1 f=$2
	shift 2
	gs-stake show "$who" "$@" | jf "$f"
}

# books: the invariants of DESIGN section 11 that stake touches, counted
# independently of `gs verify`:
#  - `gs verify --replay` exits 0 and reports ok;
#  - supply (= minted - burned) = sum of every balance (available + locked)
#    in `gs-token list`;
#  - the vault's balance = sum of "staked" in `gs-stake list`;
#  - each stake record: staked = free + locked + unbonding, none negative;
#  - the unbonding of each account = its pending unbondings; its locked =
#    its active locks.
books() {
	local out sup list total vault stakes locks unb l who
	out=$(gs verify --replay 2>&1) || {
		printf 'gs verify --replay failed:\n%s\n' "$out" >&2
		return 1
	}
	has "$out" '"ok":true' '"replayed":true' || return 1
	sup=$(gs-token supply) && list=$(gs-token list) || return 1
	eq "$(jf supply "$sup")" "$(($(jf minted "$sup") - $(jf burned "$sup")))" "supply" || return 1
	total=$(($(sum_of available <<<"$list") + $(sum_of locked <<<"$list")))
	eq "$total" "$(jf supply "$sup")" "sum of all balances vs supply" || return 1
	vault=$(grep '"account":"vault"' <<<"$list") || return 1
	vault=$(($(jf available "$vault") + $(jf locked "$vault")))
	stakes=$(gs-stake list) && locks=$(gs-stake locks) && unb=$(gs-stake unbondings) || return 1
	eq "$vault" "$(sum_of staked <<<"$stakes")" "vault balance vs sum of staked" || return 1
	while IFS= read -r l; do
		[ -n "$l" ] || continue
		who=$(jf account "$l")
		eq "$(jf staked "$l")" "$(($(jf free "$l") + $(jf locked "$l") + $(jf unbonding "$l")))" \
			"staked = free + locked + unbonding of $who" || return 1
		[[ $l != *':-'* ]] || { echo "negative field: $l" >&2; return 1; }
		eq "$(grep "\"account\":\"$who\"" <<<"$unb" | sum_of amount)" "$(jf unbonding "$l")" \
			"pending unbondings of $who" || return 1
		eq "$(grep "\"account\":\"$who\"" <<<"$locks" | sum_of amount)" "$(jf locked "$l")" \
			"active locks of $who" || return 1
	done <<<"$stakes"
}

# ---- help --------------------------------------------------------------------------

@test "gs-stake --help lists every subcommand; every subcommand's --help prints its usage line" {
	local c
	xrun 0 gs-stake --help
	for c in deposit request-withdraw withdraw cancel-withdraw repay lock unlock \
		slash show list locks unbondings; do
		has "$output" "gs-stake $c"
	done
	for c in deposit request-withdraw withdraw cancel-withdraw repay lock unlock \
		slash show list locks unbondings; do
		xrun 0 gs-stake "$c" --help </dev/null
		[[ ${lines[0]} == "usage: gs-stake $c"* ]] || {
			echo "first line of 'gs-stake $c --help' is not a usage line: ${lines[0]}" >&2
			return 1
		}
	done
	xrun 0 gs-stake --version
	[[ $output == "gs-stake (gridset) "* ]]
}

# ---- deposit / request-withdraw / withdraw ----------------------------------------------

@test "lifecycle: deposit -> request-withdraw -> withdraw refused before the unbonding period (1), paid after it" {
	xrun 0 gs-stake deposit 200 --as alice
	rec "${lines[0]}" type=receipt status=applied
	rec "${lines[1]}" type=stake account=alice staked=$((200 * C)) locked=0 unbonding=0 debt=0
	eq "$(avail alice)" $((800 * C)) "alice after deposit"
	eq "$(avail vault)" $((200 * C)) "vault after deposit"
	books

	xrun 0 gs-stake request-withdraw 50 --as alice
	rec "${lines[0]}" type=receipt status=applied
	rec "${lines[1]}" type=unbonding id=1 account=alice amount=$((50 * C)) \
		requested=$T0 available_at=$((T0 + UNBONDING)) state=pending
	xrun 0 gs-stake show alice
	rec "$output" type=stake staked=$((200 * C)) unbonding=$((50 * C)) free=$((150 * C))
	books

	# too early: right away, one day later, one second before the end
	refused 1 gs-stake withdraw --as alice
	has "$stderr" "unbonding"
	refused 1 gs-stake withdraw --as alice --now 2026-11-26T10:00:00Z
	refused 1 gs-stake withdraw --as alice --now 2026-12-02T09:59:59Z
	eq "$(avail alice)" $((800 * C)) "alice before the period ends"

	# the period is over (GS_NOW moved past 7 days)
	GS_NOW=2026-12-02T10:00:01Z xrun 0 gs-stake withdraw --as alice
	rec "${lines[0]}" type=receipt status=applied
	rec "$(line_with '"type":"withdrawal"')" account=alice amount=$((50 * C))
	rec "$(line_with '"type":"stake"')" staked=$((150 * C)) unbonding=0 free=$((150 * C))
	eq "$(avail alice)" $((850 * C)) "alice after withdraw"
	eq "$(avail vault)" $((150 * C)) "vault after withdraw"
	eq "$(gs-stake unbondings alice)" "" "no pending unbonding left"
	books

	# nothing left to withdraw: refused (1), as before any request
	refused 1 gs-stake withdraw --as alice --now 2026-12-03T00:00:00Z
	refused 1 gs-stake withdraw --as bob
}

@test "withdraw pays out only the unbondings whose period has ended" {
	gs-stake deposit 100 --as alice >/dev/null
	gs-stake request-withdraw 10 --as alice >/dev/null	# due T0 + 7d
	gs-stake request-withdraw 20 --as alice --now 2026-11-28T10:00:00Z >/dev/null	# due +3d
	xrun 0 gs-stake withdraw --as alice --now 2026-12-02T10:00:00Z
	rec "$(line_with '"type":"withdrawal"')" amount=$((10 * C))
	rec "$(line_with '"type":"stake"')" staked=$((90 * C)) unbonding=$((20 * C))
	xrun 0 gs-stake unbondings alice
	eq "${#lines[@]}" 1 "pending unbondings"
	rec "${lines[0]}" id=2 amount=$((20 * C)) state=pending available_at=$((T0 + 3 * DAY + UNBONDING))
	refused 1 gs-stake withdraw --as alice --now 2026-12-05T09:59:59Z
	xrun 0 gs-stake withdraw --as alice --now 2026-12-05T10:00:00Z
	rec "$(line_with '"type":"withdrawal"')" amount=$((20 * C))
	eq "$(avail alice)" $((930 * C)) "alice"
	books
}

@test "deposit refuses more than the available balance (1), bad amounts (65/64), unknown signer (66)" {
	refused 1 gs-stake deposit 1000.000001 --as alice
	has "$stderr" "insufficient"
	refused 1 gs-stake deposit 1 --as bob
	refused 65 gs-stake deposit 0 --as alice
	refused 65 gs-stake deposit abc --as alice
	refused 65 gs-stake deposit 1.0000001 --as alice
	refused 65 gs-stake deposit --as alice -- -1
	refused 64 gs-stake deposit --as alice
	refused 64 gs-stake deposit 1 2 --as alice
	refused 64 gs-stake deposit 1
	xrun 66 gs-stake deposit 1 --as nobody
	# the whole balance is fine
	xrun 0 gs-stake deposit 1000 --as alice
	eq "$(avail alice)" 0 "alice"
	books
}

@test "a retried deposit (same --id) is applied once" {
	xrun 0 gs-stake deposit 10 --id dep-1 --as alice
	rec "${lines[0]}" status=applied
	xrun 0 gs-stake deposit 10 --id dep-1 --as alice
	rec "${lines[0]}" type=receipt status=duplicate
	eq "$(stake_of alice staked)" $((10 * C)) "staked"
	eq "$(avail alice)" $((990 * C)) "alice"
	books
}

@test "request-withdraw of more than the free stake exits 1 and changes nothing" {
	refused 1 gs-stake request-withdraw 1 --as alice
	gs-stake deposit 100 --as alice >/dev/null
	refused 1 gs-stake request-withdraw 100.000001 --as alice
	has "$stderr" "insufficient free stake"
	# locked and unbonding stake is not free
	gs-stake lock 30 --as alice >/dev/null
	gs-stake request-withdraw 50 --as alice >/dev/null
	refused 1 gs-stake request-withdraw 20.000001 --as alice
	xrun 0 gs-stake request-withdraw 20 --as alice
	refused 1 gs-stake request-withdraw 0.000001 --as alice
	refused 65 gs-stake request-withdraw 0 --as alice
	xrun 0 gs-stake show alice
	rec "$output" staked=$((100 * C)) locked=$((30 * C)) unbonding=$((70 * C)) free=0
	books
}

@test "cancel-withdraw returns pending unbondings to free stake: one by ID, or all; none left is a no-op" {
	gs-stake deposit 100 --as alice >/dev/null
	gs-stake request-withdraw 10 --as alice >/dev/null
	gs-stake request-withdraw 20 --as alice >/dev/null
	gs-stake request-withdraw 30 --as alice >/dev/null
	xrun 0 gs-stake cancel-withdraw 2 --as alice
	rec "${lines[0]}" type=receipt status=applied
	rec "$(line_with '"type":"stake"')" staked=$((100 * C)) unbonding=$((40 * C)) free=$((60 * C))
	xrun 0 gs-stake unbondings alice
	eq "$(grep -o '"id":[0-9]*' <<<"$output" | tr '\n' ' ')" '"id":1 "id":3 ' "pending ids"
	books
	# the canceled one again: nothing to do
	noop gs-stake cancel-withdraw 2 --as alice
	# all the rest
	xrun 0 gs-stake cancel-withdraw --as alice
	rec "$(line_with '"type":"stake"')" unbonding=0 free=$((100 * C))
	eq "$(gs-stake unbondings alice)" "" "pending unbondings"
	noop gs-stake cancel-withdraw --as alice
	# a canceled unbonding is never paid out
	refused 1 gs-stake withdraw --as alice --now 2026-12-10T00:00:00Z
	eq "$(avail alice)" $((900 * C)) "alice"
	refused "64|65" gs-stake cancel-withdraw abc --as alice
	books
}

# DESIGN 7: an unknown object is malformed input (65) and acting on another
# account's object is not authorised (77), as `gs-stake unlock` does for
# locks; exit 0 with "nothing to do" is for asking what is already done.
@test "cancel-withdraw of an unknown unbonding id exits 65 and changes nothing" {
	gs-stake deposit 50 --as alice >/dev/null
	gs-stake request-withdraw 5 --as alice >/dev/null	# unbonding 1
	refused 65 gs-stake cancel-withdraw 99 --as alice
	has "$stderr" "99"
	xrun 0 gs-stake unbondings alice
	rec "$output" id=1 state=pending
	books
}

@test "cancel-withdraw of another account's unbonding exits 77 and changes nothing" {
	gs-token transfer --to bob 100 --as alice >/dev/null
	gs-stake deposit 50 --as bob >/dev/null
	gs-stake request-withdraw 5 --as bob >/dev/null	# unbonding 1 is bob's
	gs-stake deposit 50 --as alice >/dev/null
	refused 77 gs-stake cancel-withdraw 1 --as alice
	xrun 0 gs-stake unbondings bob
	rec "$output" id=1 account=bob state=pending
	books
}

# ---- show --at -----------------------------------------------------------------------

@test "show ACCOUNT --at T returns the stake as it was at T after later deposits and withdrawals" {
	# history of alice (T0 = 2026-11-25T10:00:00Z):
	#  T0      deposit 100                 -> staked 100
	#  T0+1d   deposit 50                  -> staked 150
	#  T0+2d   request-withdraw 40         -> staked 150, unbonding 40
	#  T0+9d   withdraw (due T0+2d+7d)     -> staked 110
	#  T0+10d  deposit 25                  -> staked 135
	#  T0+11d  lock 35                     -> staked 135, locked 35
	#  T0+12d  slash 10 (admin)            -> staked 125, locked 35
	gs-stake deposit 100 --as alice >/dev/null
	gs-stake deposit 50 --as alice --now 2026-11-26T10:00:00Z >/dev/null
	gs-stake request-withdraw 40 --as alice --now 2026-11-27T10:00:00Z >/dev/null
	gs-stake withdraw --as alice --now 2026-12-04T10:00:00Z >/dev/null
	gs-stake deposit 25 --as alice --now 2026-12-05T10:00:00Z >/dev/null
	gs-stake lock 35 --as alice --now 2026-12-06T10:00:00Z >/dev/null
	gs-stake slash alice 10 --reason test --as admin --now 2026-12-07T10:00:00Z >/dev/null
	books

	# at   staked locked unbonding
	local t want
	while read -r t want; do
		xrun 0 gs-stake show alice --at "$t"
		eq "${#lines[@]}" 1 "records of show --at $t"
		rec "${lines[0]}" type=stake account=alice debt=0
		eq "$(jf staked "${lines[0]}")/$(jf locked "${lines[0]}")/$(jf unbonding "${lines[0]}")" \
			"$want" "staked/locked/unbonding at $t"
	done <<EOF
2026-11-25T09:59:59Z 0/0/0
2026-11-25T10:00:00Z $((100 * C))/0/0
2026-11-26T09:59:59Z $((100 * C))/0/0
2026-11-26T10:00:00Z $((150 * C))/0/0
2026-11-27T10:00:00Z $((150 * C))/0/$((40 * C))
2026-12-04T09:59:59Z $((150 * C))/0/$((40 * C))
2026-12-04T10:00:00Z $((110 * C))/0/0
2026-12-05T10:00:00Z $((135 * C))/0/0
2026-12-06T12:00:00Z $((135 * C))/$((35 * C))/0
2026-12-07T10:00:00Z $((125 * C))/$((35 * C))/0
2027-06-01T00:00:00Z $((125 * C))/$((35 * C))/0
EOF
	# Unix seconds work too
	eq "$(stake_of alice staked --at $((T0 + DAY)))" $((150 * C)) "staked at T0+1d (Unix seconds)"
	# the present agrees with the latest point
	eq "$(stake_of alice staked)" $((125 * C)) "staked now"
	# an account that never staked had nothing at any time
	xrun 0 gs-stake show bob --at 2026-12-01T00:00:00Z
	rec "$output" type=stake account=bob staked=0 locked=0 unbonding=0 debt=0
	books
}

@test "show: defaults to --as; unknown account 65; bad --at 65; no account 64" {
	gs-stake deposit 5 --as alice >/dev/null
	xrun 0 gs-stake show --as alice
	rec "$output" type=stake account=alice staked=$((5 * C))
	xrun 0 gs-stake show bob
	rec "$output" type=stake account=bob staked=0 locked=0 unbonding=0 debt=0
	xrun 65 gs-stake show nobody
	clean_error
	has "$stderr" "nobody"
	xrun 65 gs-stake show nobody --at 2026-11-25T10:00:00Z
	xrun 65 gs-stake show alice --at never
	has "$stderr" "--at"
	xrun 64 gs-stake show
	xrun 64 gs-stake show alice bob
	books
}

# ---- lock / unlock ----------------------------------------------------------------------

@test "lock --until: unlock before the time exits 1, after it releases; unlock twice is a no-op" {
	gs-stake deposit 100 --as alice >/dev/null
	xrun 0 gs-stake lock 30 --until 2026-12-01T00:00:00Z --as alice
	rec "${lines[0]}" type=receipt status=applied
	rec "${lines[1]}" type=stake_lock id=1 account=alice amount=$((30 * C)) state=active \
		until=1796083200 ref=null
	xrun 0 gs-stake show alice
	rec "$output" staked=$((100 * C)) locked=$((30 * C)) free=$((70 * C))
	books
	refused 1 gs-stake unlock 1 --as alice
	has "$stderr" "2026-12-01T00:00:00Z"
	refused 1 gs-stake unlock 1 --as alice --now 2026-11-30T23:59:59Z
	# locked stake cannot be withdrawn
	refused 1 gs-stake request-withdraw 70.000001 --as alice
	refused 77 gs-stake unlock 1 --as bob --now 2026-12-01T00:00:00Z
	refused 65 gs-stake unlock 9 --as alice
	refused "64|65" gs-stake unlock abc --as alice
	xrun 0 gs-stake unlock 1 --as alice --now 2026-12-01T00:00:00Z
	rec "${lines[1]}" type=stake_lock id=1 state=released taken=0
	xrun 0 gs-stake show alice
	rec "$output" staked=$((100 * C)) locked=0 free=$((100 * C))
	noop gs-stake unlock 1 --as alice
	eq "$(gs-stake locks alice)" "" "active locks"
	books
}

@test "lock without --until (purpose, ref) may be released at once; lock beyond free stake exits 1" {
	gs-stake deposit 50 --as alice >/dev/null
	xrun 0 gs-stake lock 20 --purpose bond --ref r-17 --as alice
	rec "${lines[1]}" type=stake_lock id=1 purpose=bond ref=r-17 until=null state=active
	refused 1 gs-stake lock 30.000001 --as alice
	has "$stderr" "insufficient free stake"
	refused 1 gs-stake lock 1 --as bob
	refused 65 gs-stake lock 1 --until never --as alice
	refused 65 gs-stake lock 0 --as alice
	xrun 0 gs-stake unlock 1 --as alice
	rec "${lines[1]}" id=1 state=released
	books
}

# ---- repay ------------------------------------------------------------------------------

@test "repay without debt exits 0 with a notice and changes nothing; a bad amount is refused" {
	noop gs-stake repay 1 --as alice
	has "$stderr" "no debt"
	[[ $output == *'"type":"receipt"'* ]]
	gs-stake deposit 10 --as alice >/dev/null
	noop gs-stake repay 5 --as alice
	refused 65 gs-stake repay 0 --as alice
	refused 65 gs-stake repay abc --as alice
	refused 64 gs-stake repay --as alice
	eq "$(avail alice)" $((990 * C)) "alice"
	eq "$(stake_of alice debt)" 0 "debt"
	books
}

# ---- slash ------------------------------------------------------------------------------

@test "slash by the admin: AMOUNT and --bps forms; the stake goes to treasury; --reason is required" {
	gs-stake deposit 200 --as alice >/dev/null
	refused 64 gs-stake slash alice 10 --as admin
	has "$stderr" "--reason"
	refused 64 gs-stake slash alice --bps 100 --as admin
	xrun 0 gs-stake slash alice 10 --reason "false report" --as admin
	rec "${lines[0]}" type=receipt status=applied
	rec "$(line_with '"type":"slash"')" account=alice amount=$((10 * C)) reason="false report"
	rec "$(line_with '"type":"stake"')" account=alice staked=$((190 * C))
	eq "$(avail treasury)" $((10 * C)) "treasury"
	books
	# 10% of 190 = 19
	xrun 0 gs-stake slash alice --bps 1000 --reason "second offence" --as admin
	rec "$(line_with '"type":"slash"')" account=alice amount=$((19 * C))
	rec "$(line_with '"type":"stake"')" staked=$((171 * C))
	eq "$(avail treasury)" $((29 * C)) "treasury"
	eq "$(avail vault)" $((171 * C)) "vault"
	books
	refused 65 gs-stake slash alice --bps 0 --reason x --as admin
	refused 65 gs-stake slash alice --bps 10001 --reason x --as admin
	refused 65 gs-stake slash alice --bps 1.5 --reason x --as admin
	refused 64 gs-stake slash alice 1 --bps 5 --reason x --as admin
	refused 65 gs-stake slash alice 0 --reason x --as admin
	refused 65 gs-stake slash alice 1 --reason "" --as admin
	# nothing to take
	refused 1 gs-stake slash bob 1 --reason x --as admin
	books
}

@test "slash takes free stake, then unbonding (newest first), then locks; never more than the stake" {
	gs-stake deposit 100 --as alice >/dev/null
	gs-stake request-withdraw 20 --as alice >/dev/null	# unbonding 1
	gs-stake request-withdraw 30 --as alice >/dev/null	# unbonding 2
	gs-stake lock 25 --as alice >/dev/null		# lock 1
	gs-stake lock 15 --as alice >/dev/null		# lock 2
	# free 10, unbonding 50, locked 40
	xrun 0 gs-stake slash alice 45 --reason x --as admin
	rec "$(line_with '"type":"slash"')" amount=$((45 * C))
	rec "$(line_with '"type":"stake"')" staked=$((55 * C)) unbonding=$((15 * C)) locked=$((40 * C)) free=0
	xrun 0 gs-stake unbondings alice
	eq "${#lines[@]}" 1 "pending unbondings"
	rec "${lines[0]}" id=1 amount=$((15 * C))
	books
	xrun 0 gs-stake slash alice 30 --reason y --as admin
	rec "$(line_with '"type":"stake"')" staked=$((25 * C)) unbonding=0 locked=$((15 * C)) free=$((10 * C))
	# the consumed lock cannot be unlocked any more
	refused 1 gs-stake unlock 1 --as alice
	books
	# asking for more than there is takes what there is
	xrun 0 gs-stake slash alice 1000 --reason z --as admin
	rec "$(line_with '"type":"slash"')" amount=$((25 * C))
	rec "$(line_with '"type":"stake"')" staked=0 locked=0 unbonding=0 debt=0
	eq "$(avail treasury)" $((100 * C)) "treasury"
	eq "$(avail vault)" 0 "vault"
	refused 1 gs-stake slash alice 1 --reason again --as admin
	# the unbonding that was taken is not paid out later
	refused 1 gs-stake withdraw --as alice --now 2026-12-10T00:00:00Z
	books
}

@test "slash by a non-admin exits 77; after gs admin renounce the admin is refused too (77); nothing changes" {
	gs-stake deposit 100 --as alice >/dev/null
	refused 77 gs-stake slash alice 10 --reason x --as bob
	has "$stderr" "admin"
	refused 77 gs-stake slash alice 10 --reason x --as alice
	refused 77 gs-stake slash alice --bps 100 --reason x --as bob
	gs admin renounce --as admin >/dev/null
	refused 77 gs-stake slash alice 10 --reason x --as admin
	refused 77 gs-stake slash alice --bps 5000 --reason x --as admin
	eq "$(stake_of alice staked)" $((100 * C)) "alice's stake"
	eq "$(avail treasury)" 0 "treasury"
	books
}

@test "an unknown account exits 65 (show, slash, locks, unbondings)" {
	xrun 65 gs-stake show nobody
	has "$stderr" "unknown account 'nobody'"
	refused 65 gs-stake slash nobody 1 --reason x --as admin
	xrun 65 gs-stake locks nobody
	clean_error
	xrun 65 gs-stake unbondings nobody
	clean_error
	# system accounts do not stake
	refused 1 gs-stake slash vault 1 --reason x --as admin
	books
}

# ---- listings -----------------------------------------------------------------------------

@test "list, locks and unbondings print their records with the fixed fields" {
	gs-token transfer --to bob 100 --as alice >/dev/null
	gs-stake deposit 60 --as alice >/dev/null
	gs-stake deposit 40 --as bob >/dev/null
	gs-stake lock 5 --until 2026-12-01T00:00:00Z --purpose hold --as alice >/dev/null
	gs-stake lock 7 --ref x --as bob >/dev/null
	gs-stake request-withdraw 10 --as alice >/dev/null
	gs-stake request-withdraw 3 --as bob >/dev/null

	xrun 0 gs-stake list
	eq "${#lines[@]}" 2 "stakers"
	rec "${lines[0]}" type=stake account=alice staked=$((60 * C)) locked=$((5 * C)) \
		unbonding=$((10 * C)) debt=0 free=$((45 * C))
	rec "${lines[1]}" type=stake account=bob staked=$((40 * C)) locked=$((7 * C)) \
		unbonding=$((3 * C)) debt=0 free=$((30 * C))
	xrun 64 gs-stake list alice

	xrun 0 gs-stake locks
	eq "${#lines[@]}" 2 "active locks"
	rec "${lines[0]}" type=stake_lock id=1 account=alice amount=$((5 * C)) purpose=hold \
		ref=null state=active until=1796083200
	rec "${lines[1]}" type=stake_lock id=2 account=bob amount=$((7 * C)) ref=x until=null
	xrun 0 gs-stake locks bob
	eq "${#lines[@]}" 1 "bob's locks"
	rec "${lines[0]}" id=2 account=bob

	xrun 0 gs-stake unbondings
	eq "${#lines[@]}" 2 "pending unbondings"
	rec "${lines[0]}" type=unbonding id=1 account=alice amount=$((10 * C)) requested=$T0 \
		available_at=$((T0 + UNBONDING)) state=pending
	rec "${lines[1]}" type=unbonding id=2 account=bob amount=$((3 * C))
	xrun 0 gs-stake unbondings alice
	eq "${#lines[@]}" 1 "alice's unbondings"
	xrun 0 gs-stake unbondings admin
	eq "$output" "" "admin's unbondings"
	xrun 64 gs-stake locks alice bob
	books
}

@test "token supply is conserved and the vault matches the stake after every stake operation" {
	# every command of gs-stake that moves value, each followed by the books
	gs-token transfer --to bob 300 --as alice >/dev/null
	books
	local step
	while IFS= read -r step; do
		[ -n "$step" ] || continue
		eval "xrun 0 $step" || return 1
		books || { echo "after: $step" >&2; return 1; }
	done <<'EOF'
gs-stake deposit 400 --as alice
gs-stake deposit 250.5 --as bob
gs-stake request-withdraw 100 --as alice
gs-stake request-withdraw 0.000001 --as alice
gs-stake cancel-withdraw 2 --as alice
gs-stake lock 50 --until 2026-11-30T00:00:00Z --as alice
gs-stake lock 20.25 --as bob
gs-stake request-withdraw 200 --as bob
gs-stake slash alice 75.123456 --reason r1 --as admin
gs-stake slash bob --bps 3333 --reason r2 --as admin
gs-stake unlock 2 --as bob
gs-stake withdraw --as bob --now 2026-12-02T10:00:00Z
gs-stake unlock 1 --as alice
gs-stake withdraw --as alice
gs-stake deposit 1 --as alice
gs-stake slash bob 100000 --reason all --as admin
gs-stake repay 1 --as alice
EOF
	# value only moved among alice, bob, vault and treasury: what left the
	# vault went back to its owner (withdraw) or to treasury (slash)
	local vault treasury a b
	vault=$(avail vault)
	treasury=$(avail treasury)
	a=$(avail alice)
	b=$(avail bob)
	eq "$((vault + treasury + a + b))" $((1000 * C)) "alice + bob + vault + treasury"
	eq "$vault" "$(gs-stake list | sum_of staked)" "vault vs stake"
}

@test "a malformed --now exits 65 like every other option value; a malformed GS_NOW exits 64 (gs(1)); nothing changes" {
	gs-stake deposit 10 --as alice >/dev/null
	refused 65 gs-stake deposit 1 --now someday --as alice
	has "$stderr" "--now"
	refused 65 gs-stake withdraw --now 2026-13-45T99:00:00Z --as alice
	local s0
	s0=$(snapshot)
	GS_NOW=someday xrun 64 gs-stake deposit 1 --as alice
	clean_error
	has "$stderr" "GS_NOW"
	eq "$(snapshot)" "$s0" "journal seq and state digest"
	books
}

@test "a missing state file exits 66" {
	export GS_DB="$BATS_TEST_TMPDIR/none.db"
	xrun 66 gs-stake list
	xrun 66 gs-stake show alice
	xrun 66 gs-stake deposit 1 --as alice
	[ ! -e "$GS_DB" ]
}
