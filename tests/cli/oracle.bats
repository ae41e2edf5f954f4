#!/usr/bin/env bats
# oracle.bats - gs-oracle, the energy oracle: report (options and NDJSON
# batches), finalize SLOT | --due, show, history (also gs-panel history),
# reports, slots, list; quorum medians (lower median for an even count),
# unverified panels, misreport flags and their penalties, the verification
# period, refusals (DESIGN sections 7, 8 "Oracle", 10, 11, 14).
#
# Own set-up (no `load helper`; shared assertions in assert.bash): every test gets a fresh state with keys
# and accounts admin (all roles, no stake), alice (owns panels 1 and 2, 5 kW
# each: 1250 Wh per slot), o1, o2, o3 (role oracle, 200 credits staked
# each). The clock is GS_NOW; setup runs at 10:00Z, the start of slot
# S0 = #1995112 (ends 10:15, due for finalization at 10:30 with the default
# verification_period_s of 900). Run by hand with
#     PATH=/work/main/bin:$PATH bats tests/cli/oracle.bats
# Records are read with shell pattern matching only (no jq). Amounts in
# records are base units (decimals 6: 1 credit = 1000000).

bats_require_minimum_version 1.5.0	# run --separate-stderr
load assert
PROG=gs-oracle			# clean_error without arguments

C=1000000			# one credit in base units
T0=1795600800			# 2026-11-25T10:00:00Z
S0=1995112			# the slot starting at T0

setup() {
	local k
	component_setup gs-oracle 2026-11-25T10:00:00Z alice o1 o2 o3 || return 1
	for k in o1 o2 o3; do
		gs admin grant oracle "$k" --as admin >/dev/null || return 1
		gs-token mint --to "$k" 1000 --as admin >/dev/null || return 1
		gs-stake deposit 200 --as "$k" >/dev/null || return 1
	done
	gs-panel register --owner alice --capacity 5kW --as admin >/dev/null || return 1
	gs-panel register --owner alice --capacity 5kW --as admin >/dev/null || return 1
}

# ---- small helpers (local to this file) -----------------------------------------

# stake_of ACCOUNT: staked base units; avail ACCOUNT: available balance.
stake_of() {
	gs-stake show "$1" | jf staked
}
# books: `gs verify --replay` passes, supply = sum of all balances, the vault
# holds exactly the stake (DESIGN 11).
books() {
	local out sup list vault
	out=$(gs verify --replay 2>&1) || {
		printf 'gs verify --replay failed:\n%s\n' "$out" >&2
		return 1
	}
	has "$out" '"ok":true' '"replayed":true' || return 1
	sup=$(gs-token supply) && list=$(gs-token list) || return 1
	eq "$(($(sum_of available <<<"$list") + $(sum_of locked <<<"$list")))" \
		"$(jf supply "$sup")" "sum of all balances vs supply" || return 1
	vault=$(grep '"account":"vault"' <<<"$list") || return 1
	eq "$(($(jf available "$vault") + $(jf locked "$vault")))" \
		"$(gs-stake list | sum_of staked)" "vault balance vs sum of staked"
}

# ---- help --------------------------------------------------------------------------

@test "gs-oracle --help lists every subcommand; every subcommand's --help prints its usage line" {
	local c
	xrun 0 gs-oracle --help
	for c in report finalize show history reports slots list; do
		has "$output" "gs-oracle $c"
	done
	for c in report finalize show history reports slots list; do
		xrun 0 gs-oracle "$c" --help </dev/null
		[[ ${lines[0]} == "usage: gs-oracle $c"* ]] || {
			echo "first line of 'gs-oracle $c --help' is not a usage line: ${lines[0]}" >&2
			return 1
		}
	done
	xrun 0 gs-panel history --help
	[[ ${lines[0]} == "usage: gs-panel history PANEL"* ]]
	xrun 0 gs-panel --help
	has "$output" "gs-panel history"
	xrun 0 gs-oracle --version
	[[ $output == "gs-oracle (gridset) "* ]]
	xrun 64 gs-oracle nonsense
	xrun 64 gs-oracle report --panel 1 --as o1 </dev/null
	xrun 64 gs-oracle finalize --as admin
	xrun 64 gs-oracle finalize "#$S0" --due --as admin
	xrun 64 gs-oracle show
	xrun 64 gs-oracle history
}

# ---- (1) quorum 2: median, flag, penalty, unverified ------------------------------

@test "three oracles, quorum 2: 100, 104, 900 Wh finalize at 104, the 900 reporter is flagged and loses 10 credits to treasury; one report is unverified" {
	xrun 0 gs params set oracle_quorum 2 --as admin
	export GS_NOW=2026-11-25T10:15:00Z		# S0 has ended
	local tre s3
	tre=$(avail treasury)
	s3=$(stake_of o3)
	eq "$s3" $((200 * C)) "o3 before"

	xrun 0 gs-oracle report --panel 1 --slot "#$S0" --wh 100 --as o1
	rec "${lines[0]}" type=receipt status=applied
	rec "${lines[1]}" type=reported oracle=o1 readings=1
	xrun 0 gs-oracle report --panel 1 --slot 2026-11-25T10:00:00Z --wh 104 --as o2
	xrun 0 gs-oracle report --panel 1 --slot "#$S0" --wh 900 --as o3
	xrun 0 gs-oracle report --panel 2 --slot "#$S0" --wh 0.5kWh --as o1

	# before finalization: pending, no value yet
	xrun 0 gs-oracle show "#$S0"
	eq "${#lines[@]}" 2 "production records"
	rec "${lines[0]}" type=production panel=1 slot=$S0 wh=null reports=3 status=pending
	rec "${lines[1]}" type=production panel=2 slot=$S0 wh=null reports=1 status=pending
	xrun 0 gs-oracle slots
	rec "${lines[0]}" type=oracle_slot slot=$S0 start=$T0 state=reporting reports=4 panels=2

	xrun 0 gs-oracle finalize "#$S0" --as admin --now 2026-11-25T10:30:00Z
	rec "${lines[0]}" type=receipt status=applied
	rec "$(line_with '"type":"penalty"')" account=o3 slot=$S0 flags=1 amount=$((10 * C)) debt=0
	rec "$(line_with '"type":"finalized"')" slot=$S0 panels=2 final=1 unverified=1 flags=1
	eq "$(count_with '"type":"penalty"')" 1 "penalty records"

	xrun 0 gs-oracle show 2026-11-25T10:00:00Z
	rec "${lines[0]}" type=production panel=1 slot=$S0 wh=104 reports=3 status=final
	rec "${lines[1]}" type=production panel=2 slot=$S0 wh=null reports=1 status=unverified

	xrun 0 gs-oracle reports "#$S0"
	eq "${#lines[@]}" 4 "reports"
	rec "$(line_with '"panel":1' '"oracle":"o1"')" type=report wh=100 flagged=false
	rec "$(line_with '"panel":1' '"oracle":"o2"')" type=report wh=104 flagged=false
	rec "$(line_with '"panel":1' '"oracle":"o3"')" type=report wh=900 flagged=true
	rec "$(line_with '"panel":2' '"oracle":"o1"')" type=report wh=500 flagged=false
	xrun 0 gs-oracle reports --oracle o3
	eq "${#lines[@]}" 1 "reports of o3"
	xrun 0 gs-oracle reports --panel 2
	eq "${#lines[@]}" 1 "reports of panel 2"

	eq "$(stake_of o3)" $((190 * C)) "o3's stake after the penalty"
	eq "$(stake_of o1)" $((200 * C)) "o1's stake"
	eq "$(stake_of o2)" $((200 * C)) "o2's stake"
	eq "$(avail treasury)" $((tre + 10 * C)) "treasury"
	eq "$(avail o3)" $((800 * C)) "o3's balance is untouched"

	xrun 0 gs-oracle list
	rec "$(line_with '"account":"o3"')" type=oracle staked=$((190 * C)) reports=1 flags=1 accuracy_bps=0
	rec "$(line_with '"account":"o1"')" type=oracle staked=$((200 * C)) reports=2 flags=0 accuracy_bps=10000
	rec "$(line_with '"account":"admin"')" type=oracle staked=0 reports=0 accuracy_bps=null

	xrun 0 gs-oracle slots
	rec "${lines[0]}" slot=$S0 state=finalized finalized_at=$((T0 + 1800))

	# history: the same finalized records from both programs
	xrun 0 gs-oracle history 1
	eq "${#lines[@]}" 1 "history of panel 1"
	rec "${lines[0]}" type=production panel=1 slot=$S0 wh=104 status=final
	local h1=$output
	xrun 0 gs-panel history 1
	eq "$output" "$h1" "gs-panel history vs gs-oracle history"
	xrun 0 gs-panel history 2
	rec "${lines[0]}" panel=2 wh=null status=unverified
	books
}

@test "a penalty beyond the stake takes all of it to treasury and leaves the rest as debt; supply is conserved" {
	gs params set oracle_penalty 150 --as admin >/dev/null
	export GS_NOW=2026-11-25T10:15:00Z
	local tre sup
	tre=$(avail treasury)
	sup=$(gs-token supply | jf supply)
	gs-oracle report --as o1 >/dev/null <<<$'{"panel":1,"slot":1995112,"wh":100}\n{"panel":2,"slot":1995112,"wh":200}'
	gs-oracle report --as o2 >/dev/null <<<$'{"panel":1,"slot":1995112,"wh":100}\n{"panel":2,"slot":1995112,"wh":200}'
	gs-oracle report --as o3 >/dev/null <<<$'{"panel":1,"slot":1995112,"wh":1000}\n{"panel":2,"slot":1995112,"wh":1}'
	xrun 0 gs-oracle finalize --due --as admin --now 2026-11-25T10:30:00Z
	rec "$(line_with '"type":"penalty"')" account=o3 flags=2 amount=$((200 * C)) debt=$((100 * C))
	xrun 0 gs-stake show o3
	rec "$output" staked=0 debt=$((100 * C))
	eq "$(avail treasury)" $((tre + 200 * C)) "treasury"
	eq "$(gs-token supply | jf supply)" "$sup" "supply"
	xrun 0 gs-oracle list
	rec "$(line_with '"account":"o3"')" staked=0 reports=2 flags=2 accuracy_bps=0
	# without stake o3 may not report any more
	refused 1 gs-oracle report --panel 1 --slot "#$((S0 + 1))" --wh 1 --as o3 --now 2026-11-25T10:30:00Z
	books
}

# ---- (2) refusals ---------------------------------------------------------------

@test "a report without the oracle role exits 77, with too little stake 1, above capacity x slot length 1 naming the panel and the limit; nothing changes" {
	export GS_NOW=2026-11-25T10:15:00Z
	gs-token mint --to alice 1000 --as admin >/dev/null
	gs-stake deposit 500 --as alice >/dev/null
	# alice: well staked but no role
	refused 77 gs-oracle report --panel 1 --slot "#$S0" --wh 100 --as alice
	has "$stderr" "oracle"
	refused 77 gs-oracle report --as alice <<<'{"panel":1,"slot":1995112,"wh":100}'
	# the role but too little stake: admin (none), alice with 99.999999
	refused 1 gs-oracle report --panel 1 --slot "#$S0" --wh 100 --as admin
	has "$stderr" "oracle_min_stake"
	gs admin grant oracle alice --as admin >/dev/null
	gs params set oracle_min_stake 500.000001 --as admin >/dev/null
	refused 1 gs-oracle report --panel 1 --slot "#$S0" --wh 100 --as alice
	has "$stderr" "oracle_min_stake"
	gs params set oracle_min_stake 500 --as admin >/dev/null
	xrun 0 gs-oracle report --panel 1 --slot "#$S0" --wh 100 --as alice
	gs params set oracle_min_stake 100 --as admin >/dev/null

	# capacity x slot length: 5 kW x 900 s = 1250 Wh
	refused 1 gs-oracle report --panel 2 --slot "#$S0" --wh 1251 --as o1
	has "$stderr" "panel 2" "1250"
	refused 1 gs-oracle report --panel 1 --slot "#$S0" --wh 1.3kWh --as o1
	has "$stderr" "panel 1" "1250"
	# in a batch: the line, the panel and the limit; nothing of the batch applied
	refused 1 gs-oracle report --as o1 <<EOF
{"panel":1,"slot":$S0,"wh":1250}
{"panel":2,"slot":$S0,"wh":1250}
{"panel":2,"slot":$((S0 - 1)),"wh":1251}
EOF
	has "$stderr" "line 3" "panel 2" "1250"
	xrun 0 gs-oracle report --panel 2 --slot "#$S0" --wh 1250 --as o1	# at the limit
	books
}

@test "reports for slots not yet ended, unknown or retired panels, or finalized slots are refused; bad values 65/64" {
	refused 1 gs-oracle report --panel 1 --slot "#$S0" --wh 1 --as o1
	has "$stderr" "not ended"
	refused 1 gs-oracle report --panel 1 --slot "#$S0" --wh 1 --as o1 --now 2026-11-25T10:14:59Z
	xrun 0 gs-oracle report --panel 1 --slot "#$S0" --wh 1 --as o1 --now 2026-11-25T10:15:00Z
	export GS_NOW=2026-11-25T10:15:00Z
	refused 1 gs-oracle report --panel 1 --slot 2026-11-25T10:15:00Z --wh 1 --as o1
	# unknown panel: malformed input (DESIGN 7)
	refused 65 gs-oracle report --panel 3 --slot "#$S0" --wh 1 --as o1
	has "$stderr" "panel"
	refused "64|65" gs-oracle report --panel abc --slot "#$S0" --wh 1 --as o1
	refused 65 gs-oracle report --panel 1 --slot 2026-11-25T10:05:00Z --wh 1 --as o1
	refused 65 gs-oracle report --panel 1 --slot "#$S0" --wh -5 --as o1
	refused 65 gs-oracle report --panel 1 --slot "#$S0" --wh lots --as o1
	refused 65 gs-oracle report --as o1 <<<'{"panel":1,"slot":1995112,"wh":1,"extra":1}'
	refused 65 gs-oracle report --as o1 <<<'{"panel":1,"slot":1995112}'
	refused 64 gs-oracle report --panel 1 --slot "#$S0" --wh 1 extra --as o1
	# retired panel: retired as S0 ended, it still gets S0's value; a slot
	# that ended after the retirement is refused
	gs-panel retire 2 --as alice >/dev/null
	refused 1 gs-oracle report --panel 2 --slot "#$((S0 + 1))" --wh 1 --as o1 \
		--now 2026-11-25T10:30:00Z
	has "$stderr" "retired"
	# finalized slot: refused, whoever reports
	xrun 0 gs-oracle finalize "#$S0" --as admin --now 2026-11-25T10:30:00Z
	export GS_NOW=2026-11-25T10:30:00Z
	refused 1 gs-oracle report --panel 1 --slot "#$S0" --wh 2 --as o1
	has "$stderr" "finalized"
	refused 1 gs-oracle report --panel 1 --slot "#$S0" --wh 1 --as o2
	xrun 0 gs-oracle show "#$S0"
	rec "${lines[0]}" panel=1 wh=1 reports=1 status=final
	books
}

@test "an oracle corrects its own report until finalization: the last one counts, nothing is double counted" {
	export GS_NOW=2026-11-25T10:15:00Z
	xrun 0 gs-oracle report --panel 1 --slot "#$S0" --wh 900 --as o1
	xrun 0 gs-oracle report --panel 1 --slot "#$S0" --wh 100 --as o2
	xrun 0 gs-oracle report --panel 1 --slot "#$S0" --wh 102 --as o3
	xrun 0 gs-oracle report --panel 1 --slot "#$S0" --wh 101 --as o1 --now 2026-11-25T10:20:00Z
	xrun 0 gs-oracle reports "#$S0" --oracle o1
	eq "${#lines[@]}" 1 "reports of o1"
	rec "${lines[0]}" wh=101 time=$((T0 + 1200))
	xrun 0 gs-oracle show "#$S0"
	rec "${lines[0]}" reports=3 status=pending
	xrun 0 gs-oracle finalize "#$S0" --as admin --now 2026-11-25T10:30:00Z
	rec "$(line_with '"type":"finalized"')" flags=0
	xrun 0 gs-oracle show "#$S0"
	rec "${lines[0]}" wh=101 reports=3 status=final
	eq "$(stake_of o1)" $((200 * C)) "o1 (its 900 was corrected)"
	books
}

# ---- (3) the verification period and --due ---------------------------------------

@test "finalize before the verification period ends exits 1; by a non-operator 77; again exits 0 and changes nothing" {
	export GS_NOW=2026-11-25T10:15:00Z
	gs-oracle report --panel 1 --slot "#$S0" --wh 100 --as o1 >/dev/null
	refused 1 gs-oracle finalize "#$S0" --as admin
	has "$stderr" "verification_period_s" "2026-11-25T10:30"
	refused 1 gs-oracle finalize "#$S0" --as admin --now 2026-11-25T10:29:59Z
	refused 77 gs-oracle finalize "#$S0" --as o1 --now 2026-11-25T10:30:00Z
	refused 77 gs-oracle finalize --due --as o1 --now 2026-11-25T10:30:00Z
	xrun 0 gs-oracle finalize "#$S0" --as admin --now 2026-11-25T10:30:00Z
	rec "${lines[0]}" type=receipt status=applied
	noop gs-oracle finalize "#$S0" --as admin --now 2026-11-25T10:31:00Z
	has "$stderr" "already finalized"
	noop gs-oracle finalize --due --as admin --now 2026-11-25T11:00:00Z
	xrun 0 gs-oracle show "#$S0"
	rec "${lines[0]}" wh=100 status=final
	books
}

@test "finalize --due finalizes exactly the slots that are due and is a no-op when run again" {
	export GS_NOW=2026-11-25T10:15:00Z
	# nothing reported yet: nothing due
	noop gs-oracle finalize --due --as admin
	# S0-2 (due since 10:00), S0-1 (due from 10:15), S0 (due from 10:30)
	gs-oracle report --as o1 >/dev/null <<EOF
{"panel":1,"slot":"#$((S0 - 2))","wh":10}
{"panel":1,"slot":"#$((S0 - 1))","wh":20}
{"panel":2,"slot":"2026-11-25T09:45:00Z","wh":25}
{"panel":1,"slot":"#$S0","wh":30}
EOF
	xrun 0 gs-oracle finalize --due --as admin
	rec "${lines[0]}" type=receipt status=applied
	eq "$(count_with '"type":"finalized"')" 2 "finalized slots"
	rec "$(line_with '"type":"finalized"' "\"slot\":$((S0 - 2)),")" panels=1 final=1
	rec "$(line_with '"type":"finalized"' "\"slot\":$((S0 - 1)),")" panels=2 final=2
	xrun 0 gs-oracle slots
	eq "${#lines[@]}" 3 "slots"
	rec "${lines[0]}" slot=$((S0 - 2)) state=finalized
	rec "${lines[1]}" slot=$((S0 - 1)) state=finalized
	rec "${lines[2]}" slot=$S0 state=reporting finalized_at=null
	xrun 0 gs-oracle show "#$S0"
	rec "${lines[0]}" wh=null status=pending

	# again, also a second before S0 is due: nothing to do, no journal row
	noop gs-oracle finalize --due --as admin
	noop gs-oracle finalize --due --as admin --now 2026-11-25T10:29:59Z
	# S0 is due at 10:30; gs tick does the same
	xrun 0 gs tick --as admin --now 2026-11-25T10:30:00Z
	xrun 0 gs-oracle show "#$S0"
	rec "${lines[0]}" wh=30 status=final
	noop gs-oracle finalize --due --as admin --now 2026-11-25T10:30:00Z
	xrun 0 gs-oracle history 1
	eq "${#lines[@]}" 3 "history of panel 1"
	rec "${lines[0]}" slot=$((S0 - 2)) wh=10
	rec "${lines[2]}" slot=$S0 wh=30
	books
}

# ---- (4) batches ------------------------------------------------------------------

# gen_batch FILE: 100,000 readings of panels 1 and 2 over 50,000 ended slots.
gen_batch() {
	awk -v s0=$S0 'BEGIN { for (i = 0; i < 100000; i++)
		printf "{\"panel\":%d,\"slot\":%d,\"wh\":%d}\n", 1 + i % 2, s0 - 1 - int(i / 2), i % 1000 }' >"$1"
}

@test "a malformed line in a 100,000-reading batch exits 65 naming the line; nothing is applied; the valid batch applies whole" {
	gen_batch good.ndjson
	# broken JSON on line 54321
	awk 'NR == 54321 { print "{\"panel\":1,\"slot\":"; next } { print }' good.ndjson >bad1.ndjson
	refused 65 gs-oracle report --as o1 <bad1.ndjson
	has "$stderr" "line 54321"
	# a bad field on line 99999, a bad slot string on line 2
	awk 'NR == 99999 { print "{\"panel\":1,\"slot\":5,\"wh\":-1}"; next } { print }' good.ndjson >bad2.ndjson
	refused 65 gs-oracle report --as o1 <bad2.ndjson
	has "$stderr" "line 99999" '"wh"'
	awk 'NR == 2 { print "{\"panel\":1,\"slot\":\"#x\",\"wh\":1}"; next } { print }' good.ndjson >bad3.ndjson
	refused 65 gs-oracle report --as o1 <bad3.ndjson
	has "$stderr" "line 2" '"slot"'
	# a refused reading (above capacity) on the last line: exit 1, nothing applied
	awk 'NR == 100000 { print "{\"panel\":2,\"slot\":100,\"wh\":1251}"; next } { print }' good.ndjson >bad4.ndjson
	refused 1 gs-oracle report --as o1 <bad4.ndjson
	has "$stderr" "line 100000" "panel 2"
	eq "$(gs-oracle reports | wc -l)" 0 "reports after the refused batches"

	local seq0
	seq0=$(gs verify | jf seq)
	xrun 0 gs-oracle report --as o1 <good.ndjson
	rec "${lines[0]}" type=receipt status=applied seq=$((seq0 + 1))
	rec "${lines[1]}" type=reported oracle=o1 readings=100000
	eq "$(gs verify | jf seq)" $((seq0 + 1)) "one journal row"
	eq "$(gs-oracle reports | wc -l)" 100000 "reports"
	eq "$(gs-oracle reports | sum_of wh)" $((100 * 499500)) "sum of wh"
	eq "$(gs-oracle reports --panel 2 | wc -l)" 50000 "reports of panel 2"
	books
}

@test "report via stdin: slot as a number, an ISO start time or #n; one tx for the batch" {
	export GS_NOW=2026-11-25T10:15:00Z
	xrun 0 gs-oracle report --as o2 <<EOF
{"panel":1,"slot":"2026-11-25T10:00:00Z","wh":10}
{"panel":2,"slot":"#$((S0 - 1))","wh":20}
{"panel":1,"slot":$((S0 - 4)),"wh":30}
{"panel":2,"slot":"2026-11-25T09:00Z","wh":40}
EOF
	eq "${#lines[@]}" 2 "receipt and reported record"
	rec "${lines[1]}" type=reported oracle=o2 readings=4
	xrun 0 gs-oracle reports
	eq "${#lines[@]}" 4 "reports"
	rec "${lines[0]}" slot=$((S0 - 4)) panel=1 oracle=o2 wh=30
	rec "${lines[1]}" slot=$((S0 - 4)) panel=2 wh=40
	rec "${lines[2]}" slot=$((S0 - 1)) panel=2 wh=20
	rec "${lines[3]}" slot=$S0 panel=1 wh=10
	# '-' reads stdin too
	xrun 0 gs-oracle report - --as o1 <<<"{\"panel\":1,\"slot\":\"#$S0\",\"wh\":11}"
	rec "${lines[1]}" readings=1
	refused 65 gs-oracle report --as o1 </dev/null
	books
}

# ---- listings ---------------------------------------------------------------------

@test "show, history, reports and list of unknown things; a missing state file exits 66" {
	xrun 0 gs-oracle show "#$S0"
	eq "$output" "" "show of a slot without reports"
	xrun 0 gs-oracle slots
	eq "$output" "" "slots"
	xrun 0 gs-oracle history 1
	eq "$output" "" "history without reports"
	xrun 65 gs-oracle history 9
	clean_error
	xrun 65 gs-panel history 9
	xrun 65 gs-oracle reports --oracle nobody
	clean_error
	xrun 0 gs-oracle list
	eq "${#lines[@]}" 4 "oracles (admin, o1, o2, o3)"
	rec "${lines[1]}" type=oracle account=o1 staked=$((200 * C)) reports=0 flags=0 accuracy_bps=null
	export GS_DB="$BATS_TEST_TMPDIR/none.db"
	xrun 66 gs-oracle list
	xrun 66 gs-oracle report --panel 1 --slot "#$S0" --wh 1 --as o1
	[ ! -e "$GS_DB" ]
}
