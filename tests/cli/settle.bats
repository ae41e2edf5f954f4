#!/usr/bin/env bats
# settle.bats - gs-settle, settlement of cleared slots: compute SLOT|--due
# (provisional positions), positions, show, summary, dispute, resolve
# --uphold|--reject, finalize SLOT|--due (the transfers), and gs tick running
# them; delivered, shortfall, missed and void energy, rounding dust, penalties
# and debt, negative prices (DESIGN sections 6, 7, 8 "Settlement" and
# "Umbrella", 9, 11, 14).
#
# Own set-up (no `load helper`; shared assertions in assert.bash): every test
# gets a fresh state with keys and accounts admin (all roles; 100 credits
# staked = oracle_min_stake, so it is also the one oracle that reports
# production), alice (seller: 100 credits minted, 10 staked =
# seller_min_stake, owns panel 1 of 10 kW: 2500 Wh per 900 s slot), bob and
# dave (buyers, 1000 credits each): 2200 credits in all. The clock is GS_NOW
# (or --now); setup runs at 08:00Z. The slot under test is S0 = #1995112,
# 2026-11-25T10:00Z to 10:15Z. Its life, with the default parameters:
#     09:55  gate closure (gate_closure_s 300): the auction clears   GATE
#     10:20  the oracle reports the production of the ended slot     REPORT
#     10:30  the oracle data can be finalized (verification_period_s) ORACLE
#     10:31  settlement compute: provisional positions               COMPUTE
#     11:31  dispute_window_s (3600) after compute: finalize         FINAL
# Run by hand with
#     PATH=/work/main/bin:$PATH bats tests/cli/settle.bats
# Records are read with shell pattern matching only (no jq). Amounts in
# records are base units (decimals 6: 1 credit = 1000000), prices base units
# per kWh, quantities Wh. Every figure below is worked out by hand in the
# comments next to it.

bats_require_minimum_version 1.5.0	# run --separate-stderr
load assert
PROG=gs-settle			# clean_error without arguments

C=1000000			# one credit in base units
SUPPLY=$((2200 * C))		# minted in setup; settlement never changes it
T0=1795600800			# 2026-11-25T10:00:00Z
S0=1995112			# the slot starting at T0
S=2026-11-25T10:00Z		# S0 as people write it
GATE=2026-11-25T09:55:00Z
REPORT=2026-11-25T10:20:00Z
ORACLE=2026-11-25T10:30:00Z
COMPUTE=2026-11-25T10:31:00Z	# T0 + 1860
FINAL=2026-11-25T11:31:00Z	# COMPUTE + dispute_window_s = T0 + 5460

setup() {
	component_setup gs-settle 2026-11-25T08:00:00Z alice bob dave || return 1
	gs-token mint --to admin 100 --as admin >/dev/null || return 1
	gs-stake deposit 100 --as admin >/dev/null || return 1
	gs-token mint --to alice 100 --as admin >/dev/null || return 1
	gs-token mint --to bob 1000 --as admin >/dev/null || return 1
	gs-token mint --to dave 1000 --as admin >/dev/null || return 1
	gs-stake deposit 10 --as alice >/dev/null || return 1
	gs-panel register --owner alice --capacity 10kW --as admin >/dev/null || return 1
}

# ---- small helpers (local to this file) -----------------------------------------

# sell QTY PRICE [PANEL]: alice offers QTY from PANEL (1) in S0 at PRICE.
sell() {
	gs-auction order --slot "$S" --sell "$1" --price "$2" --panel "${3:-1}" --as alice >/dev/null
}

# buy WHO QTY PRICE: WHO bids for QTY in S0 at PRICE.
buy() {
	gs-auction order --slot "$S" --buy "$2" --price "$3" --as "$1" >/dev/null
}

# produce [PANEL=WH ...]: S0 clears at the gate and the oracle reports WH for
# each PANEL named (none for the others).
produce() {
	local r
	gs-auction clear "$S" --as admin --now "$GATE" >/dev/null || return 1
	for r; do
		gs-oracle report --panel "${r%%=*}" --slot "$S" --wh "${r#*=}" --as admin \
			--now "$REPORT" >/dev/null || return 1
	done
}

# deliver [PANEL=WH ...]: produce, then the oracle data of S0 becomes final.
deliver() {
	produce "$@" && gs-oracle finalize "$S" --as admin --now "$ORACLE" >/dev/null
}

# compute [TIME] / finalize [TIME]: settle S0 at TIME (COMPUTE / FINAL); the
# command prints the receipt, then the settlement record in its new state.
compute() {
	xrun 0 gs-settle compute "$S" --as admin --now "${1:-$COMPUTE}" || return 1
	rec "${lines[0]}" type=receipt status=applied &&
		rec "${lines[1]}" type=settlement slot=$S0 state=computed finalized_at=null
}
finalize() {
	xrun 0 gs-settle finalize "$S" --as admin --now "${1:-$FINAL}" || return 1
	rec "${lines[0]}" type=receipt status=applied &&
		rec "${lines[1]}" type=settlement slot=$S0 state=final
}

# example_orders: the book of the DESIGN 8 example: alice sells 2000 Wh,
# bob buys 1500 and dave 500, all at 0.11 credits/kWh (it clears at 110000).
example_orders() {
	sell 2000Wh 0.11 && buy bob 1500Wh 0.11 && buy dave 500Wh 0.11
}

# worked_example: that book, cleared, and alice's panel produced 1600 Wh.
worked_example() {
	example_orders && deliver 1=1600
}

# position A FIELD=VALUE...: A's position record in S0 has these members.
position() {
	local a=$1 l
	shift
	l=$(gs-settle positions "$S" --account "$a") || return 1
	eq "$(wc -l <<<"$l")" 1 "position records of $a" || return 1
	rec "$l" type=position slot=$S0 account="$a" "$@"
}

# example_positions STATE: the figures of DESIGN 8 at P = 110000 and
# penalty_bps 15000. D = 1600, S = 400. bob's delivered part 1600 x 1500/2000
# = 1200, dave's 400; missed 300 and 100. Paid ceil(1200 x 110000 / 1000) =
# 132000 and 44000; alice receives 1600 x 110 = 176000; her penalty
# ceil(400 x 110000 x 15000 / 10^7) = 66000, shared pro rata to the missed
# parts: 49500 and 16500. Nets +110000, -82500, -27500.
example_positions() {
	position alice bought_wh=0 sold_wh=2000 delivered_wh=1600 shortfall_wh=400 \
		missed_wh=0 void_wh=0 paid=0 received=176000 penalty=66000 compensation=0 \
		debt=0 net=110000 state="$1" &&
	position bob bought_wh=1500 sold_wh=0 delivered_wh=1200 shortfall_wh=0 \
		missed_wh=300 void_wh=0 paid=132000 received=0 penalty=0 compensation=49500 \
		debt=0 net=-82500 state="$1" &&
	position dave bought_wh=500 sold_wh=0 delivered_wh=400 shortfall_wh=0 \
		missed_wh=100 void_wh=0 paid=44000 received=0 penalty=0 compensation=16500 \
		debt=0 net=-27500 state="$1"
}

# balance A AVAILABLE LOCKED: A's token balance.
balance() {
	local b
	b=$(gs-token balance "$1") || return 1
	rec "$b" available="$2" locked="$3"
}

# stake A STAKED LOCKED DEBT: A's stake record.
stake() {
	local s
	s=$(gs-stake show "$1") || return 1
	rec "$s" staked="$2" locked="$3" debt="$4"
}

# example_settled [BOND]: the books after the example is final; bob forfeited
# BOND (0) to the treasury in a rejected dispute. alice: 90 + 0.176 credits,
# stake 10 - 0.066; bob: 1000 - 0.132 + 0.0495; dave: 1000 - 0.044 + 0.0165.
example_settled() {
	local bond=${1:-0}
	balance alice $((90 * C + 176000)) 0 &&
		balance bob $((1000 * C - 82500 - bond)) 0 &&
		balance dave $((1000 * C - 27500)) 0 &&
		balance treasury "$bond" 0 &&
		stake alice $((10 * C - 66000)) 0 0
}

# lock_amount REF: amount of the active token lock with ref REF ("none").
lock_amount() {
	local l
	l=$(gs-token locks | grep "\"ref\":\"$1\"") || { echo none; return 0; }
	eq "$(wc -l <<<"$l")" 1 "active token locks with ref $1" || return 1
	jf amount "$l"
}

# no_locks: no token or stake lock is active any more.
no_locks() {
	eq "$(gs-token locks)" "" "active token locks" &&
		eq "$(gs-stake locks)" "" "active stake locks"
}

# balanced: in every position of S0 net = received + compensation - paid -
# penalty, and the nets plus the slot's dust sum to zero (DESIGN 11).
balanced() {
	local pos l dust
	pos=$(gs-settle positions "$S") && dust=$(gs-settle show "$S" | jf dust) || return 1
	while IFS= read -r l; do
		eq "$(jf net "$l")" $(($(jf received "$l") + $(jf compensation "$l") -
			$(jf paid "$l") - $(jf penalty "$l"))) "net of $(jf account "$l")" || return 1
	done <<<"$pos"
	eq "$(($(sum_of net <<<"$pos") + dust))" 0 "sum of the nets plus the dust"
}

# books: `gs verify --replay` passes, the supply is what setup minted and is
# the sum of all balances, the vault holds exactly the stake (DESIGN 11).
books() {
	local out list vault
	out=$(gs verify --replay 2>&1) || {
		printf 'gs verify --replay failed:\n%s\n' "$out" >&2
		return 1
	}
	has "$out" '"ok":true' '"replayed":true' || return 1
	eq "$(gs-token supply | jf supply)" "$SUPPLY" "token supply" || return 1
	list=$(gs-token list) || return 1
	eq "$(($(sum_of available <<<"$list") + $(sum_of locked <<<"$list")))" \
		"$SUPPLY" "sum of all balances" || return 1
	vault=$(grep '"account":"vault"' <<<"$list") || return 1
	eq "$(($(jf available "$vault") + $(jf locked "$vault")))" \
		"$(gs-stake list | sum_of staked)" "vault balance vs sum of staked"
}

# journal_rows CMD: number of journal rows (applied txs) of command CMD.
journal_rows() {
	gs log --cmd "$1" | grep -c '"type":"tx"'
}

# quiet_tick TIME: `gs tick` at TIME finds nothing due: nothing on stdout,
# "gs: nothing is due" on stderr, no journal row, state unchanged.
quiet_tick() {
	local s0
	s0=$(snapshot) || return 1
	xrun 0 gs tick --as admin --now "$1" || return 1
	eq "$output" "" "stdout of a tick with nothing due" || return 1
	has "$stderr" "gs: nothing is due" || return 1
	eq "$(snapshot)" "$s0" "journal seq and state digest after a tick with nothing due"
}

# tick_pair TIME: two `gs tick` started at once at TIME; both exit 0, or one
# exits 75 (state file busy). Their stdout is left in tick1.out, tick2.out.
tick_pair() {
	local p1 p2 r1 r2
	gs tick --as admin --now "$1" >tick1.out 2>tick1.err &
	p1=$!
	gs tick --as admin --now "$1" >tick2.out 2>tick2.err &
	p2=$!
	wait "$p1"; r1=$?
	wait "$p2"; r2=$?
	case "$r1 $r2" in
	"0 0" | "0 75" | "75 0") return 0 ;;
	esac
	printf 'two ticks at %s exited %s and %s\n--- 1\n%s\n--- 2\n%s\n' "$1" "$r1" "$r2" \
		"$(cat tick1.err)" "$(cat tick2.err)" >&2
	return 1
}

# ---- help and usage -------------------------------------------------------------

@test "gs-settle --help lists every subcommand, each --help prints its usage line; usage errors exit 64, malformed SLOT, DISPUTE or TIME 65" {
	local c a seq0
	seq0=$(seq_now)
	xrun 0 gs-settle --help
	for c in compute finalize dispute resolve positions show disputes summary; do
		has "$output" "gs-settle $c"
	done
	for c in compute finalize dispute resolve positions show disputes summary; do
		xrun 0 gs-settle "$c" --help
		[[ ${lines[0]} == "usage: gs-settle $c"* ]] || {
			echo "first line of 'gs-settle $c --help' is not a usage line: ${lines[0]}" >&2
			return 1
		}
	done
	xrun 0 gs-settle compute --help
	eq "${lines[0]}" "usage: gs-settle compute SLOT|--due --as OPERATOR"
	xrun 0 gs-settle dispute --help
	eq "${lines[0]}" "usage: gs-settle dispute SLOT --reason TEXT --as A"
	xrun 0 gs-settle resolve --help
	eq "${lines[0]}" "usage: gs-settle resolve DISPUTE --uphold|--reject --as OPERATOR"
	xrun 0 gs-settle --version
	[[ $output == "gs-settle (gridset) "* ]]
	xrun 0 gs settle --help
	has "$output" "gs-settle summary"

	# a wrong command line: 64, nothing on stdout, the usage on stderr
	for a in "" nonsense "compute --as admin" "compute $S --due --as admin" \
		"compute $S --bogus --as admin" "finalize --as admin" "dispute $S --as bob" \
		"dispute --reason x --as bob" "resolve 1 --as admin" \
		"resolve 1 --uphold --reject --as admin" "resolve --uphold --as admin" \
		positions "positions $S $S" show "disputes $S $S" "summary extra"; do
		# shellcheck disable=SC2086 # $a is a command line: split it
		xrun 64 gs-settle $a
		eq "$output" "" "stdout of 'gs-settle $a'"
		has "$stderr" "usage: gs-settle"
	done
	# a malformed value: 65
	for a in "compute 10:00 --as admin" "compute #x --as admin" \
		"finalize 2026-13-25T10:00Z --as admin" "positions abc" "show #-1" \
		"disputes 1995112.5" "resolve x --uphold --as admin" \
		"resolve 0 --reject --as admin" "summary --from yesterday" \
		"summary --from $S --to $S"; do
		# shellcheck disable=SC2086
		refused 65 gs-settle $a
	done
	refused 65 gs-settle dispute "$S" --reason "" --as bob
	has "$stderr" "--reason"
	refused 65 gs-settle compute 2026-11-25T10:05Z --as admin
	has "$stderr" "not the start of a slot"
	refused 65 gs-settle resolve 99 --uphold --as admin
	has "$stderr" "unknown dispute 99"
	eq "$(seq_now)" "$seq0" "journal seq (nothing applied)"
}

# ---- the order of things ----------------------------------------------------------

@test "compute needs the clearing and final oracle data, positions a computed slot, finalize the end of the dispute window (each 1); operators only (77); --due" {
	example_orders
	refused 1 gs-settle compute "$S" --as admin --now "$GATE"
	has "$stderr" "slot $S0" "not final"
	produce 1=1600
	refused 1 gs-settle compute "$S" --as admin --now 2026-11-25T10:29:59Z
	has "$stderr" "the oracle data of slot $S0 is not final yet"
	noop gs-settle compute --due --as admin --now 2026-11-25T10:29:59Z
	has "$stderr" "no slot is due for settlement compute"
	xrun 1 gs-settle positions "$S"
	clean_error gs-settle
	has "$stderr" "slot $S0 is not computed"
	xrun 1 gs-settle show "$S"
	refused 1 gs-settle finalize "$S" --as admin --now "$FINAL"
	has "$stderr" "slot $S0 is not computed"

	gs-oracle finalize "$S" --as admin --now "$ORACLE" >/dev/null
	refused 77 gs-settle compute "$S" --as bob --now "$COMPUTE"
	has "$stderr" "operator"
	xrun 0 gs-settle compute --due --as admin --now "$COMPUTE"
	rec "${lines[0]}" type=receipt status=applied
	rec "${lines[1]}" type=settlement slot=$S0 state=computed computed_at=$((T0 + 1860))
	eq "${#lines[@]}" 2 "records printed by compute --due"
	noop gs-settle compute --due --as admin --now "$COMPUTE"

	# finalize from computed_at + dispute_window_s = 11:31:00
	refused 1 gs-settle finalize "$S" --as admin --now 2026-11-25T11:30:59Z
	has "$stderr" "slot $S0 can be finalized from 2026-11-25T11:31:00Z"
	noop gs-settle finalize --due --as admin --now 2026-11-25T11:30:59Z
	has "$stderr" "no slot is due for settlement finalization"
	refused 77 gs-settle finalize "$S" --as dave --now "$FINAL"
	xrun 0 gs-settle finalize --due --as admin --now "$FINAL"
	rec "${lines[1]}" type=settlement slot=$S0 state=final finalized_at=$((T0 + 5460))
	noop gs-settle finalize "$S" --as admin --now "$FINAL"
	has "$stderr" "slot $S0 is already settled"
	books
}

# ---- the settlement rule ------------------------------------------------------------

@test "DESIGN 8 example: provisional positions after compute (no money moves), the same final after finalize; balances, alice's stake, supply, nets + dust = 0" {
	local before
	worked_example
	before=$(gs-token list && gs-stake list && gs-token locks && gs-stake locks)
	# before settlement: escrow at P (bob 1500 x 0.11, dave 500 x 0.11) and
	# alice's collateral ceil(2000 x 110000 x 15000 / 10^7) = 330000
	balance bob $((1000 * C - 165000)) 165000
	balance dave $((1000 * C - 55000)) 55000
	stake alice $((10 * C)) 330000 0

	compute
	rec "${lines[1]}" price=110000 volume_wh=2000 delivered_wh=1600 shortfall_wh=400 \
		void_wh=0 penalties=66000 dust=0 participants=3 computed_at=$((T0 + 1860))
	eq "$(gs-token list && gs-stake list && gs-token locks && gs-stake locks)" "$before" \
		"balances, stakes and locks after compute"
	example_positions provisional
	xrun 0 gs-settle positions "$S"
	eq "${#lines[@]}" 3 "position records"
	[[ ${lines[0]} == *'"account":"alice"'* && ${lines[1]} == *'"account":"bob"'* &&
		${lines[2]} == *'"account":"dave"'* ]]
	balanced
	noop gs-settle compute "$S" --as admin --now "$COMPUTE"
	has "$stderr" "slot $S0 is already computed"
	xrun 0 gs-settle summary
	eq "$output" "" "summary before finalize (final positions only)"

	finalize
	rec "${lines[1]}" price=110000 delivered_wh=1600 shortfall_wh=400 penalties=66000 \
		dust=0 computed_at=$((T0 + 1860)) finalized_at=$((T0 + 5460))
	example_positions final
	example_settled
	balanced
	no_locks
	# the penalty went from alice's stake to the vault's payout: vault = 100
	# (admin) + 10 - 0.066 credits
	balance vault $((110 * C - 66000)) 0
	xrun 0 gs-settle show "$S"
	eq "${#lines[@]}" 1 "settlement record, no disputes"
	rec "${lines[0]}" type=settlement state=final
	xrun 0 gs-settle summary --account bob --from "$S"
	eq "$output" "{\"type\":\"summary\",\"account\":\"bob\",\"from\":$S0,\"to\":9223372036854775807,\"slots\":1,\"bought_wh\":1500,\"sold_wh\":0,\"delivered_wh\":1200,\"shortfall_wh\":0,\"missed_wh\":300,\"void_wh\":0,\"paid\":132000,\"received\":0,\"penalty\":0,\"compensation\":49500,\"debt\":0,\"net\":-82500}"
	xrun 0 gs-settle summary --to "$S"
	eq "$output" "" "summary of the slots before S0 (--to is exclusive)"
	books
}

@test "full delivery: no shortfall, no penalty; buyers pay ceil, the seller receives floor, the dust goes to the treasury" {
	sell 999Wh 0.123457
	buy bob 333Wh 0.123457
	buy dave 666Wh 0.123457
	deliver 1=2000			# production above what was sold
	compute
	# bob 333 x 123457 / 1000 = 41111.181 -> pays 41112; dave 666 x ... =
	# 82222.362 -> 82223; alice 999 x ... = 123333.543 -> receives 123333;
	# dust 41112 + 82223 - 123333 = 2
	rec "${lines[1]}" price=123457 volume_wh=999 delivered_wh=999 shortfall_wh=0 \
		void_wh=0 penalties=0 dust=2 participants=3
	position alice sold_wh=999 delivered_wh=999 shortfall_wh=0 void_wh=0 paid=0 \
		received=123333 penalty=0 compensation=0 debt=0 net=123333
	position bob bought_wh=333 delivered_wh=333 missed_wh=0 void_wh=0 paid=41112 \
		received=0 compensation=0 net=-41112
	position dave bought_wh=666 delivered_wh=666 missed_wh=0 void_wh=0 paid=82223 \
		received=0 compensation=0 net=-82223
	balanced
	finalize
	balance alice $((90 * C + 123333)) 0
	balance bob $((1000 * C - 41112)) 0
	balance dave $((1000 * C - 82223)) 0
	balance treasury 2 0
	stake alice $((10 * C)) 0 0	# collateral released whole
	no_locks
	books
}

@test "one Wh short: equal remainders go to the earlier order, the compensation follows the missed parts, the penalty rounds up" {
	sell 2000Wh 0.123457
	buy bob 1000Wh 0.123457		# order 2
	buy dave 1000Wh 0.123457	# order 3
	deliver 1=1999
	compute
	# D = 1999 over two equal fills: 999.5 each, the tie to bob's earlier order:
	# bob 1000, dave 999. S = 1 pro rata to what is left (0, 1): dave misses 1.
	# Penalty ceil(1 x 123457 x 15000 / 10^7) = ceil(185.1855) = 186, all of it
	# to dave. Paid ceil(123457) and ceil(123333.543) = 123334; alice receives
	# floor(1999 x 123.457) = floor(246790.543) = 246790; dust 1
	rec "${lines[1]}" delivered_wh=1999 shortfall_wh=1 penalties=186 dust=1
	position alice sold_wh=2000 delivered_wh=1999 shortfall_wh=1 received=246790 \
		penalty=186 debt=0 net=246604
	position bob bought_wh=1000 delivered_wh=1000 missed_wh=0 paid=123457 \
		compensation=0 net=-123457
	position dave bought_wh=1000 delivered_wh=999 missed_wh=1 paid=123334 \
		compensation=186 net=-123148
	balanced
	finalize
	balance alice $((90 * C + 246790)) 0
	balance bob $((1000 * C - 123457)) 0
	balance dave $((1000 * C - 123148)) 0
	balance treasury 1 0
	stake alice $((10 * C - 186)) 0 0
	no_locks
	books
}

@test "a shortfall beyond the seller's stake: the penalty takes collateral, free and unbonding stake, the rest is debt; a seller in debt places no sell order" {
	# panel 2, 40 kW: 10000 Wh per slot. alice: 10 credits free, 5 unbonding
	gs-panel register --owner alice --capacity 40kW --as admin >/dev/null
	gs-stake deposit 5 --as alice >/dev/null
	gs-stake request-withdraw 5 --as alice >/dev/null
	sell 10kWh 0.1 2
	buy bob 10kWh 2
	deliver 2=0			# P = 100000 + (2000000 - 100000) / 2 = 1050000; nothing produced
	# at clearing her collateral was raised toward the penalty at P, as far as
	# her free stake allowed: all 10 credits
	stake alice $((15 * C)) $((10 * C)) 0
	compute
	# due ceil(10000 x 1050000 x 15000 / 10^7) = 15.75 credits; taken 10
	# (collateral) + 0 (free) + 5 (unbonding) = 15; debt 0.75; bob gets the 15
	rec "${lines[1]}" price=1050000 delivered_wh=0 shortfall_wh=10000 penalties=$((15 * C)) dust=0
	position alice sold_wh=10000 delivered_wh=0 shortfall_wh=10000 received=0 \
		penalty=$((15 * C)) debt=750000 net=$((-15 * C))
	position bob bought_wh=10000 delivered_wh=0 missed_wh=10000 paid=0 \
		compensation=$((15 * C)) net=$((15 * C))
	balanced
	finalize
	position alice penalty=$((15 * C)) debt=750000 state=final
	stake alice 0 0 750000
	eq "$(gs-stake show alice | jf unbonding)" 0 "alice's unbonding stake"
	balance alice $((85 * C)) 0
	balance bob $((1015 * C)) 0
	balance treasury 0 0
	no_locks
	# fresh stake does not pay the debt; until she repays she sells nothing
	gs-stake deposit 20 --as alice --now "$FINAL" >/dev/null
	stake alice $((20 * C)) 0 750000
	refused 1 gs-auction order --slot 2026-11-25T12:00Z --sell 1kWh --price 0.1 --panel 1 \
		--as alice --now "$FINAL"
	has "$stderr" "debt"
	books
}

@test "sales of unverified panels are void: quorum not met on one, no report for the other; escrow and collateral released, nobody pays" {
	gs params set oracle_quorum 2 --as admin >/dev/null
	gs-panel register --owner alice --capacity 10kW --as admin >/dev/null
	sell 1kWh 0.1 1
	sell 0.5kWh 0.1 2
	buy bob 1kWh 0.1
	buy dave 0.5kWh 0.1
	deliver 1=1000			# one report of the two needed for panel 1, none for panel 2
	xrun 0 gs-oracle show "$S"
	rec "$(line_with '"panel":1,')" wh=null reports=1 status=unverified
	rec "$(line_with '"panel":2,')" wh=null reports=0 status=unverified
	balance bob $((1000 * C - 100000)) 100000
	balance dave $((1000 * C - 50000)) 50000
	stake alice $((10 * C)) 225000 0	# 1000 x 0.1 x 1.5 + 500 x 0.1 x 1.5
	compute
	rec "${lines[1]}" price=100000 volume_wh=1500 delivered_wh=0 shortfall_wh=0 \
		void_wh=1500 penalties=0 dust=0 participants=3
	position alice sold_wh=1500 delivered_wh=0 shortfall_wh=0 void_wh=1500 paid=0 \
		received=0 penalty=0 debt=0 net=0
	position bob bought_wh=1000 delivered_wh=0 missed_wh=0 void_wh=1000 paid=0 \
		compensation=0 net=0
	position dave bought_wh=500 delivered_wh=0 missed_wh=0 void_wh=500 paid=0 \
		compensation=0 net=0
	finalize
	position bob void_wh=1000 paid=0 net=0 state=final
	balance alice $((90 * C)) 0
	balance bob $((1000 * C)) 0
	balance dave $((1000 * C)) 0
	balance treasury 0 0
	stake alice $((10 * C)) 0 0
	no_locks
	books
}

@test "one verified and one unverified panel: buyers are not paired with sellers, each fill is delivered pro rata to D and the rest void" {
	gs-panel register --owner alice --capacity 10kW --as admin >/dev/null
	sell 1kWh 0.1 1
	sell 0.5kWh 0.1 2
	buy bob 1kWh 0.1
	buy dave 0.5kWh 0.1
	deliver 1=1000			# panel 1 delivers its 1000 Wh, panel 2 is never reported
	compute
	# D = 1000 over fills 1000 and 500: 666.67 -> bob 667 (largest remainder),
	# dave 333; the rest void. Paid 66700 and 33300, alice receives 100000
	rec "${lines[1]}" delivered_wh=1000 shortfall_wh=0 void_wh=500 penalties=0 dust=0
	position alice sold_wh=1500 delivered_wh=1000 shortfall_wh=0 void_wh=500 \
		received=100000 penalty=0 net=100000
	position bob bought_wh=1000 delivered_wh=667 missed_wh=0 void_wh=333 paid=66700 net=-66700
	position dave bought_wh=500 delivered_wh=333 missed_wh=0 void_wh=167 paid=33300 net=-33300
	balanced
	finalize
	balance alice $((90 * C + 100000)) 0
	balance bob $((1000 * C - 66700)) 0
	balance dave $((1000 * C - 33300)) 0
	stake alice $((10 * C)) 0 0
	no_locks
	books
}

@test "negative clearing price: the seller pays for what it delivered, the buyers receive; a shortfall costs no penalty" {
	sell 1kWh -0.123457
	buy bob 0.6kWh -0.123457
	buy dave 0.4kWh -0.123457
	# a sell below 0 locks tokens, ceil(1000 x 123457 / 1000), and no stake
	balance alice $((90 * C - 123457)) 123457
	stake alice $((10 * C)) 0 0
	deliver 1=600
	compute
	# D = 600: bob 360, dave 240; S = 400: bob 240, dave 160 missed. alice
	# pays ceil(600 x 123457 / 1000) = ceil(74074.2) = 74075; bob receives
	# floor(44444.52) = 44444, dave floor(29629.68) = 29629; dust 2
	rec "${lines[1]}" price=-123457 volume_wh=1000 delivered_wh=600 shortfall_wh=400 \
		penalties=0 dust=2
	position alice sold_wh=1000 delivered_wh=600 shortfall_wh=400 paid=74075 received=0 \
		penalty=0 debt=0 net=-74075
	position bob bought_wh=600 delivered_wh=360 missed_wh=240 paid=0 received=44444 \
		compensation=0 net=44444
	position dave bought_wh=400 delivered_wh=240 missed_wh=160 paid=0 received=29629 \
		compensation=0 net=29629
	balanced
	finalize
	balance alice $((90 * C - 74075)) 0
	balance bob $((1000 * C + 44444)) 0
	balance dave $((1000 * C + 29629)) 0
	balance treasury 2 0
	stake alice $((10 * C)) 0 0
	no_locks
	books
}

# ---- disputes -----------------------------------------------------------------------

@test "dispute: participants only (77), while computed and within dispute_window_s of compute (1), needs the bond (1), once per account (notice)" {
	worked_example
	refused 1 gs-settle dispute "$S" --reason "too early" --as bob --now "$ORACLE"
	has "$stderr" "slot $S0 has no provisional settlement to dispute"
	compute
	refused 77 gs-settle dispute "$S" --reason "not mine" --as admin --now "$COMPUTE"
	has "$stderr" "'admin' is not a participant of slot $S0"
	gs params set dispute_bond 100 --as admin >/dev/null
	refused 1 gs-settle dispute "$S" --reason "meter" --as alice --now "$COMPUTE"
	has "$stderr" "insufficient balance"
	gs params set dispute_bond 10 --as admin >/dev/null
	refused 1 gs-settle dispute "$S" --reason "late" --as dave --now "$FINAL"
	has "$stderr" "the dispute window of slot $S0 closed at 2026-11-25T11:31:00Z"

	xrun 0 gs-settle dispute "$S" --reason "meter" --as dave --now 2026-11-25T11:30:59Z
	rec "${lines[0]}" type=receipt status=applied
	rec "${lines[1]}" type=dispute id=1 slot=$S0 account=dave bond=$((10 * C)) state=open
	noop gs-settle dispute "$S" --reason "again" --as dave --now 2026-11-25T11:30:59Z
	has "$stderr" "'dave' already has dispute 1 open on slot $S0"
	xrun 0 gs-settle disputes
	eq "${#lines[@]}" 1 "disputes"
	refused 77 gs-settle resolve 1 --reject --as dave --now "$FINAL"
	has "$stderr" "operator"
	books
}

@test "dispute rejected: the bond goes to the treasury, the slot is back to computed and finalized after the window; finalize while a dispute is open is refused" {
	worked_example
	compute
	xrun 0 gs-settle dispute "$S" --reason "my meter says 1700 Wh" --as bob --now 2026-11-25T10:40:00Z
	eq "${lines[1]}" "{\"type\":\"dispute\",\"id\":1,\"slot\":$S0,\"account\":\"bob\",\"reason\":\"my meter says 1700 Wh\",\"bond\":$((10 * C)),\"state\":\"open\",\"time\":$((T0 + 2400)),\"resolved_at\":null}"
	balance bob $((1000 * C - 165000 - 10 * C)) $((165000 + 10 * C))
	eq "$(lock_amount dispute:1)" $((10 * C)) "bob's bond lock"
	xrun 0 gs-settle show "$S"
	rec "${lines[0]}" type=settlement state=disputed
	rec "${lines[1]}" type=dispute id=1 state=open
	example_positions provisional	# a dispute changes no position

	refused 1 gs-settle finalize "$S" --as admin --now "$FINAL"
	has "$stderr" "slot $S0 has an open dispute (1)"
	noop gs-settle finalize --due --as admin --now "$FINAL"

	xrun 0 gs-settle resolve 1 --reject --as admin --now 2026-11-25T11:00:00Z
	rec "${lines[0]}" type=receipt status=applied
	rec "${lines[1]}" type=dispute id=1 account=bob state=rejected resolved_at=$((T0 + 3600))
	balance bob $((1000 * C - 165000 - 10 * C)) 165000
	balance treasury $((10 * C)) 0
	eq "$(lock_amount dispute:1)" none "bob's bond lock"
	xrun 0 gs-settle show "$S"
	rec "${lines[0]}" type=settlement state=computed computed_at=$((T0 + 1860))
	noop gs-settle resolve 1 --uphold --as admin --now 2026-11-25T11:00:00Z
	has "$stderr" "dispute 1 is already rejected"

	finalize
	example_positions final
	example_settled $((10 * C))
	balanced
	books
}

@test "dispute upheld: bonds back, every open dispute of the slot upheld, positions gone until compute SLOT again, which opens a new dispute window" {
	worked_example
	compute
	gs-settle dispute "$S" --reason "meter" --as dave --now 2026-11-25T10:40:00Z >/dev/null
	gs-settle dispute "$S" --reason "meter too" --as bob --now 2026-11-25T10:41:00Z >/dev/null
	balance dave $((1000 * C - 55000 - 10 * C)) $((55000 + 10 * C))

	xrun 0 gs-settle resolve 1 --uphold --as admin --now 2026-11-25T10:50:00Z
	rec "${lines[1]}" type=dispute id=1 account=dave state=upheld resolved_at=$((T0 + 3000))
	rec "${lines[2]}" type=dispute id=2 account=bob state=upheld resolved_at=$((T0 + 3000))
	balance dave $((1000 * C - 55000)) 55000	# bond back, the escrow stays
	balance bob $((1000 * C - 165000)) 165000
	balance treasury 0 0
	xrun 0 gs-settle show "$S"
	rec "${lines[0]}" type=settlement state=reopened
	xrun 1 gs-settle positions "$S"
	has "$stderr" "slot $S0 is not computed (reopened by a dispute)"
	refused 1 gs-settle finalize "$S" --as admin --now "$FINAL"
	has "$stderr" "compute it again"
	refused 1 gs-settle dispute "$S" --reason "x" --as bob --now 2026-11-25T10:55:00Z
	has "$stderr" "it is reopened"
	# the operator recomputes after correcting the data: --due leaves it alone
	noop gs-settle compute --due --as admin --now 2026-11-25T11:00:00Z

	compute 2026-11-25T11:00:00Z
	rec "${lines[1]}" computed_at=$((T0 + 3600)) penalties=66000
	example_positions provisional
	refused 1 gs-settle finalize "$S" --as admin --now "$FINAL"
	has "$stderr" "can be finalized from 2026-11-25T12:00:00Z"
	finalize 2026-11-25T12:00:00Z
	example_positions final
	example_settled
	books
}

# ---- gs tick ------------------------------------------------------------------------

@test "gs tick clears, finalizes the oracle data, computes and finalizes in turn; run again it prints nothing and journals nothing" {
	example_orders
	xrun 0 gs tick --as admin --now 2026-11-25T09:56:00Z
	rec "$(line_with '"type":"clearing"')" slot=$S0 price=110000 volume_wh=2000
	quiet_tick 2026-11-25T09:56:00Z
	gs-oracle report --panel 1 --slot "$S" --wh 1600 --as admin --now "$REPORT" >/dev/null
	quiet_tick 2026-11-25T10:29:59Z

	xrun 0 gs tick --as admin --now "$COMPUTE"
	eq "$(count_with '"type":"receipt"')" 2 "txs of the tick (oracle finalize, settlement compute)"
	rec "$(line_with '"type":"finalized"')" slot=$S0 final=1
	rec "$(line_with '"type":"settlement"')" slot=$S0 state=computed computed_at=$((T0 + 1860))
	quiet_tick "$COMPUTE"
	example_positions provisional
	quiet_tick 2026-11-25T11:30:59Z

	xrun 0 gs tick --as admin --now "$FINAL"
	eq "$(count_with '"type":"receipt"')" 1 "txs of the tick (settlement finalize)"
	rec "$(line_with '"type":"settlement"')" slot=$S0 state=final
	quiet_tick "$FINAL"
	example_positions final
	example_settled
	books
}

@test "two gs tick at once settle each slot once: one journal row per step, balances exact" {
	local c
	example_orders
	tick_pair 2026-11-25T09:56:00Z
	gs-oracle report --panel 1 --slot "$S" --wh 1600 --as admin --now "$REPORT" >/dev/null
	tick_pair "$COMPUTE"
	eq "$(cat tick1.out tick2.out | grep -c '"state":"computed"')" 1 "settlement records computed"
	tick_pair "$FINAL"
	eq "$(cat tick1.out tick2.out | grep -c '"state":"final"')" 1 "settlement records final"
	for c in auction.clear oracle.finalize settle.compute settle.finalize; do
		eq "$(journal_rows $c)" 1 "journal rows of $c"
	done
	example_positions final
	example_settled
	books
}

@test "a seller cannot void a sale by retiring its panel before the slot ends: retire exits 1 until then, and the zero production costs the penalty" {
	sell 2000Wh 0.05
	buy bob 2000Wh 0.05
	gs-auction clear "$S" --as admin --now "$GATE" >/dev/null
	# the slot ends at 10:15: retiring before that would refuse the report
	refused 1 gs-panel retire 1 --as alice --now 2026-11-25T09:58:00Z
	has "$stderr" "has energy offered in slot $S0" "retire it after that"
	gs-oracle report --panel 1 --slot "$S" --wh 0 --as admin --now "$REPORT" >/dev/null
	xrun 0 gs-panel retire 1 --as alice --now "$REPORT"
	gs-oracle finalize "$S" --as admin --now "$ORACLE" >/dev/null
	compute
	# P = 50000: shortfall 2000 Wh, penalty ceil(2000 x 50000 x 15000 / 10^7) = 150000
	xrun 0 gs-settle positions "$S" --account alice
	rec "${lines[0]}" sold_wh=2000 delivered_wh=0 shortfall_wh=2000 void_wh=0 penalty=150000
	xrun 0 gs-settle positions "$S" --account bob
	rec "${lines[0]}" missed_wh=2000 void_wh=0 compensation=150000 paid=0
}

@test "a slot cleared only after its oracle data became final still marks its sold, unreported panels unverified, and their sales are void" {
	gs-panel register --owner alice --capacity 10kW --as admin >/dev/null
	sell 1000Wh 0.05 2
	buy bob 1000Wh 0.05
	# ticks stopped: panel 1 (which sold nothing) is reported, the data is
	# finalized before anyone clears the auction
	gs-oracle report --panel 1 --slot "$S" --wh 700 --as admin --now "$REPORT" >/dev/null
	gs-oracle finalize "$S" --as admin --now "$ORACLE" >/dev/null
	xrun 0 gs-oracle show "$S"
	eq "${#lines[@]}" 1 "production rows before the clearing"
	gs-auction clear "$S" --as admin --now "$ORACLE" >/dev/null
	xrun 0 gs-oracle show "$S"
	eq "${#lines[@]}" 2 "production rows after the clearing"
	rec "${lines[1]}" type=production panel=2 wh=null reports=0 status=unverified
	compute
	xrun 0 gs-settle positions "$S" --account alice
	rec "${lines[0]}" sold_wh=1000 delivered_wh=0 shortfall_wh=0 void_wh=1000 penalty=0
}
