#!/usr/bin/env bats
# dao.bats - gs-dao, governance: propose (proposal_threshold; every action
# dry-run at propose time), vote (the stake held at the proposal's
# snapshot), quorum and majority, queue, execute after timelock_s, cancel
# (proposer, guardian), expiry after grace_period_s; the actions params.set,
# role.grant, stake.slash, treasury.transfer, oracle.amend and
# dispute.resolve applied as the `dao` account; `gs admin renounce`; gs tick
# running dao.queue --due and dao.execute --due (DESIGN sections 5, 8
# "Governance", 10, 14).
#
# Own set-up (no `load helper`; shared assertions in assert.bash): every test
# gets a fresh state with keys and accounts
#     admin  all roles (guardian included); 100 credits, all staked
#            (= oracle_min_stake: it is the one oracle reporting production)
#     alice  3000 credits, 2000 staked; owns panel 1 of 10 kW (2500 Wh per
#            slot); the usual proposer and the seller
#     bob    3000 credits, 1000 staked
#     carol  3000 credits, nothing staked; the buyer
#     dave   3000 credits, 1000 staked
# 12100 credits minted, 4100 staked. With the default parameters alice alone
# carries a vote (2000 is over the quorum, quorum_bps 400 of 4100 = 164
# credits, and over any other side); admin's 100 is below the quorum; alice,
# bob and dave may propose (proposal_threshold 1000), admin and carol not.
#
# The clock is GS_NOW (or --now); setup runs at 2026-11-25T08:00Z, when most
# proposals are made. The life of such a proposal, with the default
# parameters (voting_delay_s 0: the snapshot is the proposal's own tx):
#     2026-11-25T08:00:00Z  proposed, snapshot; active                PROPOSE
#     2026-11-28T07:59:59Z  the last second of the vote               LAST_VOTE
#     2026-11-28T08:00:00Z  vote_end = + voting_period_s (259200):    VOTE_END
#                           succeeded or defeated; queue (eta = + timelock_s)
#     2026-11-30T07:59:59Z  still timelocked                          EARLY
#     2026-11-30T08:00:00Z  eta = VOTE_END + 172800: execute          ETA
#     2026-12-14T08:00:00Z  eta + grace_period_s (1209600): the last  LAST_EXEC
#                           second it can be executed
#     2026-12-14T08:00:01Z  expired                                   EXPIRED
# The journal time never goes backwards, so every test walks forward. The
# slots settled here follow the settle.bats timeline: gate closure 5 min
# before the start, oracle report at +20 min, oracle data final at +30,
# compute at +31, finalize at +91 (dispute_window_s 3600):
#     S0 = #1995112, 2026-11-25T10:00Z: settled while a proposal runs
#     S1 = #1995592, 2026-11-30T10:00Z: settled after ETA
# In both alice sells 2000 Wh from panel 1 and carol buys 2000 Wh at 0.11
# credits/kWh: P = 110000; the oracle says 1600 Wh: shortfall 400 Wh.
# Run by hand with
#     PATH=/work/main/bin:$PATH bats tests/cli/dao.bats
# Records are read with shell pattern matching only (no jq). Amounts in
# records and in action JSON are base units (1 credit = 1000000).

bats_require_minimum_version 1.5.0	# run --separate-stderr
load assert
PROG=gs-dao			# clean_error without arguments

C=1000000			# one credit in base units
SUPPLY=$((12100 * C))		# minted in setup; governance never changes it
STAKED=$((4100 * C))		# total stake at setup
QUORUM=$((164 * C))		# ceil(4100 x 400 / 10000) credits
T=1795593600			# 2026-11-25T08:00:00Z, setup
PROPOSE=2026-11-25T08:00:00Z
LAST_VOTE=2026-11-28T07:59:59Z
VOTE_END=2026-11-28T08:00:00Z	# T + 259200
EARLY=2026-11-30T07:59:59Z
ETA=2026-11-30T08:00:00Z	# T + 432000
LAST_EXEC=2026-12-14T08:00:00Z	# T + 1641600
EXPIRED=2026-12-14T08:00:01Z
T0=1795600800			# 2026-11-25T10:00:00Z
S0=1995112
T1=1796032800			# 2026-11-30T10:00:00Z
S1=1995592

setup() {
	local k
	component_setup gs-dao $PROPOSE alice bob carol dave || return 1
	gs-token mint --to admin 100 --as admin >/dev/null || return 1
	gs-stake deposit 100 --as admin >/dev/null || return 1
	for k in alice bob carol dave; do
		gs-token mint --to "$k" 3000 --as admin >/dev/null || return 1
	done
	gs-stake deposit 2000 --as alice >/dev/null || return 1
	gs-stake deposit 1000 --as bob >/dev/null || return 1
	gs-stake deposit 1000 --as dave >/dev/null || return 1
	gs-panel register --owner alice --capacity 10kW --as admin >/dev/null || return 1
}

# ---- small helpers (local to this file) -----------------------------------------

# at N: Unix time N as ISO-8601 UTC.
at() {
	date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ
}

# Actions, as `--action` takes them (amounts in base units):
# a_param NAME VALUE, a_grant ROLE ACCOUNT, a_revoke ROLE ACCOUNT,
# a_slash ACCOUNT amount|bps N, a_pay TO AMOUNT, a_amend PANEL SLOT WH,
# a_resolve DISPUTE true|false.
a_param() {
	printf '{"cmd":"params.set","args":{"name":"%s","value":%s}}' "$1" "$2"
}
a_grant() {
	printf '{"cmd":"role.grant","args":{"role":"%s","account":"%s"}}' "$1" "$2"
}
a_revoke() {
	printf '{"cmd":"role.revoke","args":{"role":"%s","account":"%s"}}' "$1" "$2"
}
a_slash() {
	printf '{"cmd":"stake.slash","args":{"account":"%s","%s":%s,"reason":"misconduct"}}' \
		"$1" "$2" "$3"
}
a_pay() {
	printf '{"cmd":"treasury.transfer","args":{"to":"%s","amount":%s}}' "$1" "$2"
}
a_amend() {
	printf '{"cmd":"oracle.amend","args":{"panel":%s,"slot":%s,"wh":%s}}' "$1" "$2" "$3"
}
a_resolve() {
	printf '{"cmd":"dispute.resolve","args":{"dispute":%s,"uphold":%s}}' "$1" "$2"
}

# propose ID WHO TITLE ACTION...: WHO proposes the ACTIONs (at GS_NOW), which
# becomes proposal ID.
propose() {
	local id=$1 who=$2 title=$3 a
	local -a acts=()
	shift 3
	for a; do acts+=(--action "$a"); done
	xrun 0 gs-dao propose --title "$title" "${acts[@]}" --as "$who" || return 1
	rec "${lines[0]}" type=receipt status=applied &&
		rec "${lines[1]}" type=proposal id="$id" proposer="$who"
}

# proposal ID TIME FIELD=VALUE...: `gs-dao show ID` at TIME has these members.
proposal() {
	local id=$1 now=$2 r
	shift 2
	r=$(gs-dao show "$id" --now "$now") || return 1
	rec "$r" type=proposal id="$id" "$@"
}

# tally ID FOR AGAINST ABSTAIN: the votes counted on proposal ID.
tally() {
	local r
	r=$(gs-dao show "$1") || return 1
	rec "$r" for="$2" against="$3" abstain="$4"
}

# vote WHO SUPPORT ID WEIGHT [TIME]: WHO votes SUPPORT on proposal ID (at
# TIME, else GS_NOW) and the vote weighs WEIGHT.
vote() {
	xrun 0 gs-dao vote "$3" "$2" --as "$1" ${5:+--now "$5"} || return 1
	rec "${lines[0]}" type=receipt status=applied &&
		rec "${lines[1]}" type=vote proposal="$3" voter="$1" support="$2" weight="$4"
}

# pass ID: alice votes for proposal ID (her 2000 make quorum and majority)
# and bob queues it at its vote_end.
pass() {
	local end
	gs-dao vote "$1" for --as alice >/dev/null || return 1
	end=$(gs-dao show "$1" | jf vote_end) || return 1
	gs-dao queue "$1" --as bob --now "$(at "$end")" >/dev/null
}

# enact ID: pass, then bob executes proposal ID at its eta; the records
# printed (receipt, those of the actions, the proposal) are left in $lines.
enact() {
	local eta
	pass "$1" || return 1
	eta=$(gs-dao show "$1" | jf eta) || return 1
	xrun 0 gs-dao execute "$1" --as bob --now "$(at "$eta")" || return 1
	rec "${lines[0]}" type=receipt status=applied &&
		rec "${lines[${#lines[@]} - 1]}" type=proposal id="$1" state=executed \
			executed_at="$eta" error=null
}

# param NAME VALUE: parameter NAME has VALUE.
param() {
	local p
	p=$(gs params show "$1") || return 1
	rec "$p" type=param name="$1" value="$2"
}

# trade START WH: on the slot starting at Unix time START alice offers 2000
# Wh from panel 1 and carol bids for 2000 Wh, both at 0.11; the slot clears
# at its gate (START - 300) at P = 110000, the oracle reports WH at START +
# 1200 and its data is final at START + 1800.
trade() {
	local s
	s=$(at "$1")
	gs-auction order --slot "$s" --sell 2000Wh --price 0.11 --panel 1 --as alice >/dev/null &&
		gs-auction order --slot "$s" --buy 2000Wh --price 0.11 --as carol >/dev/null &&
		gs-auction clear "$s" --as admin --now "$(at $(($1 - 300)))" >/dev/null &&
		gs-oracle report --panel 1 --slot "$s" --wh "$2" --as admin \
			--now "$(at $(($1 + 1200)))" >/dev/null &&
		gs-oracle finalize "$s" --as admin --now "$(at $(($1 + 1800)))" >/dev/null
}

# compute SLOT TIME / finalize SLOT TIME: settle slot #SLOT at TIME; the
# settlement record is left in ${lines[1]}.
compute() {
	xrun 0 gs-settle compute "#$1" --as admin --now "$2" || return 1
	rec "${lines[0]}" type=receipt status=applied &&
		rec "${lines[1]}" type=settlement slot="$1" state=computed
}
finalize() {
	xrun 0 gs-settle finalize "#$1" --as admin --now "$2" || return 1
	rec "${lines[0]}" type=receipt status=applied &&
		rec "${lines[1]}" type=settlement slot="$1" state=final
}

# position SLOT A FIELD=VALUE...: A's position record in slot #SLOT.
position() {
	local slot=$1 a=$2 l
	shift 2
	l=$(gs-settle positions "#$slot" --account "$a") || return 1
	eq "$(wc -l <<<"$l")" 1 "position records of $a" || return 1
	rec "$l" type=position slot="$slot" account="$a" "$@"
}

# balance A AVAILABLE LOCKED: A's token balance.
balance() {
	local b
	b=$(gs-token balance "$1") || return 1
	rec "$b" available="$2" locked="$3"
}

# stake A STAKED LOCKED UNBONDING: A's stake record.
stake() {
	local s
	s=$(gs-stake show "$1") || return 1
	rec "$s" staked="$2" locked="$3" unbonding="$4"
}

# roles A LIST: A's roles, as `gs account show` prints them (["x","y"]).
roles() {
	local r
	r=$(gs account show "$1") || return 1
	has "$r" "\"roles\":$2"
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

# ---- the life of a proposal ---------------------------------------------------------

@test "full cycle: propose penalty_bps 20000, vote, queue after vote_end (not while active), execute after the timelock (not before); the next settlement's penalty uses 20000" {
	xrun 0 gs-dao propose --title "raise the shortfall penalty" --description "15000 -> 20000" \
		--action "$(a_param penalty_bps 20000)" --as alice
	rec "${lines[0]}" type=receipt status=applied
	rec "${lines[1]}" type=proposal id=1 proposer=alice title="raise the shortfall penalty" \
		description="15000 -> 20000" state=active created=$T snapshot=$T \
		vote_end=$((T + 259200)) for=0 against=0 abstain=0 queued_at=null eta=null \
		executed_at=null canceled_at=null error=null total_stake=$STAKED quorum=$QUORUM
	has "${lines[1]}" '"actions":[{"args":{"name":"penalty_bps","value":20000},"cmd":"params.set"}]'
	param penalty_bps 15000		# proposing changes nothing

	vote alice for 1 $((2000 * C))
	vote bob against 1 $((1000 * C))
	vote dave abstain 1 $((1000 * C)) "$LAST_VOTE"
	tally 1 $((2000 * C)) $((1000 * C)) $((1000 * C))
	xrun 0 gs-dao votes 1
	eq "${#lines[@]}" 3 "vote records"
	rec "${lines[0]}" type=vote proposal=1 voter=alice support=for weight=$((2000 * C)) time=$T
	rec "${lines[2]}" type=vote voter=dave support=abstain time=$((T + 259199))
	refused 1 gs-dao queue 1 --as carol --now "$LAST_VOTE"
	has "$stderr" "proposal 1 is active: only a succeeded proposal is queued"
	# the vote is over at vote_end: for 2000 > against 1000, 3000 >= 164
	refused 1 gs-dao vote 1 for --as admin --now "$VOTE_END"
	has "$stderr" "proposal 1 is succeeded, not open for votes"
	proposal 1 "$VOTE_END" state=succeeded

	# anyone queues, even carol without stake; eta = VOTE_END + timelock_s
	xrun 0 gs-dao queue 1 --as carol --now "$VOTE_END"
	rec "${lines[1]}" type=proposal id=1 state=queued queued_at=$((T + 259200)) \
		eta=$((T + 432000)) executed_at=null
	noop gs-dao queue 1 --as carol --now "$VOTE_END"
	has "$stderr" "proposal 1 is already queued"
	refused 1 gs-dao execute 1 --as carol --now "$EARLY"
	has "$stderr" "proposal 1 is timelocked until 2026-11-30T08:00:00Z"
	proposal 1 "$EARLY" state=queued executed_at=null
	param penalty_bps 15000

	xrun 0 gs-dao execute 1 --as carol --now "$ETA"
	eq "${#lines[@]}" 3 "records printed by execute"
	rec "${lines[0]}" type=receipt status=applied
	rec "${lines[1]}" type=param name=penalty_bps value=20000
	rec "${lines[2]}" type=proposal id=1 state=executed executed_at=$((T + 432000)) error=null
	noop gs-dao execute 1 --as carol --now "$ETA"
	has "$stderr" "proposal 1 is already executed"
	param penalty_bps 20000
	# the change came from the executed proposal, not from an admin params.set
	eq "$(journal_rows params.set)" 0 "journal rows of params.set"
	eq "$(journal_rows dao.execute)" 1 "journal rows of dao.execute"

	# S1, after ETA: the sell's collateral is already at 20000 bps,
	# ceil(2000 x 110000 x 20000 / 10^7) = 440000
	gs-auction order --slot "#$S1" --sell 2000Wh --price 0.11 --panel 1 --as alice --now "$ETA" >/dev/null
	gs-auction order --slot "#$S1" --buy 2000Wh --price 0.11 --as carol --now "$ETA" >/dev/null
	stake alice $((2000 * C)) 440000 0
	gs-auction clear "#$S1" --as admin --now 2026-11-30T09:55:00Z >/dev/null
	gs-oracle report --panel 1 --slot "#$S1" --wh 1600 --as admin --now 2026-11-30T10:20:00Z >/dev/null
	gs-oracle finalize "#$S1" --as admin --now 2026-11-30T10:30:00Z >/dev/null
	compute $S1 2026-11-30T10:31:00Z
	# shortfall 400 Wh at P = 110000: penalty ceil(400 x 110000 x 20000 /
	# 10^7) = 88000 (it was 66000 at 15000), all to carol, who missed 400 Wh;
	# carol pays 1600 x 110 = 176000, alice receives it
	rec "${lines[1]}" price=110000 volume_wh=2000 delivered_wh=1600 shortfall_wh=400 \
		penalties=88000 dust=0
	position $S1 alice sold_wh=2000 delivered_wh=1600 shortfall_wh=400 received=176000 \
		penalty=88000 debt=0 net=88000
	position $S1 carol bought_wh=2000 delivered_wh=1600 missed_wh=400 paid=176000 \
		compensation=88000 net=-88000
	finalize $S1 2026-11-30T11:31:00Z
	balance alice $((1000 * C + 176000)) 0
	balance carol $((3000 * C - 88000)) 0
	stake alice $((2000 * C - 88000)) 0 0
	books
}

@test "votes weigh the stake at the snapshot: with voting_delay_s 0 it is the proposal's own tx, so stake deposited in the same second gives no votes; with a delay stake until the snapshot counts, later stake not, and a pending proposal takes no votes" {
	propose 1 alice "no delay" "$(a_param dispute_bond 20000000)"
	rec "${lines[1]}" state=active created=$T snapshot=$T total_stake=$STAKED
	# in the same second, after the proposal
	gs-stake deposit 500 --as carol >/dev/null
	gs-stake deposit 500 --as bob >/dev/null
	refused 1 gs-dao vote 1 for --as carol
	has "$stderr" "'carol' had no stake at the snapshot of proposal 1"
	vote bob for 1 $((1000 * C))		# 1500 staked now, 1000 at the snapshot
	proposal 1 "$PROPOSE" total_stake=$STAKED quorum=$QUORUM for=$((1000 * C))

	# the admin sets a voting delay of one hour, then hands over
	xrun 0 gs params set voting_delay_s 3600 --as admin --now 2026-11-25T08:10:00Z
	rec "${lines[1]}" type=param name=voting_delay_s value=3600
	gs admin renounce --as admin --now 2026-11-25T08:10:00Z >/dev/null
	propose 2 alice "one hour delay" "$(a_param dispute_bond 20000000)"
	rec "${lines[1]}" state=pending created=$((T + 600)) snapshot=$((T + 4200)) \
		vote_end=$((T + 4200 + 259200))
	gs-stake deposit 200 --as dave --now 2026-11-25T08:30:00Z >/dev/null
	refused 1 gs-dao vote 2 for --as dave --now 2026-11-25T09:09:59Z
	has "$stderr" "proposal 2 is pending, not open for votes"
	proposal 2 2026-11-25T09:09:59Z state=pending
	# the snapshot is the end of its second: stake deposited in it counts,
	# and the vote opens only after it
	gs-stake deposit 300 --as bob --now 2026-11-25T09:10:00Z >/dev/null
	refused 1 gs-dao vote 2 for --as dave --now 2026-11-25T09:10:00Z
	has "$stderr" "proposal 2 is pending, not open for votes"
	gs-stake deposit 100 --as alice --now 2026-11-25T09:10:01Z >/dev/null	# after it
	proposal 2 2026-11-25T09:10:01Z state=active

	vote dave for 2 $((1200 * C)) 2026-11-25T09:10:01Z	# 1000 + 200
	vote alice for 2 $((2000 * C))			# not 2100
	vote bob against 2 $((1800 * C))		# 1000 + 500 + 300
	vote carol abstain 2 $((500 * C))		# deposited after proposal 1, before this one's snapshot
	vote admin against 2 $((100 * C))
	tally 2 $((3200 * C)) $((1900 * C)) $((500 * C))
	# total at the snapshot: 4100 + 500 + 500 + 200 + 300 = 5600 credits; the
	# quorum ceil(5600 x 400 / 10000) = 224 credits
	proposal 2 2026-11-28T09:09:59Z state=active total_stake=$((5600 * C)) quorum=$((224 * C))
	proposal 2 2026-11-28T09:10:00Z state=succeeded
	# proposal 1 kept its snapshot: later stake changed neither its weights nor its total
	proposal 1 "$VOTE_END" state=succeeded for=$((1000 * C)) total_stake=$STAKED
	books
}

@test "quorum and majority: for + abstain below quorum_bps of the stake is defeated; abstain counts toward the quorum, not toward passing; a tie is defeated; a changed vote moves its weight" {
	local a k
	a=$(a_param dispute_bond 20000000)
	propose 1 alice "admin alone" "$a"
	propose 2 alice "admin, and bob abstains" "$a"
	propose 3 alice "abstention does not pass" "$a"
	propose 4 alice "tie" "$a"
	propose 5 alice "changed vote" "$a"
	rec "${lines[1]}" total_stake=$STAKED quorum=$QUORUM

	vote admin for 1 $((100 * C))		# 100 < 164
	vote admin for 2 $((100 * C))
	vote bob abstain 2 $((1000 * C))	# 1100 >= 164, for 100 > against 0
	vote admin for 3 $((100 * C))
	vote bob abstain 3 $((1000 * C))
	vote dave against 3 $((1000 * C))	# for 100 < against 1000, with or without bob
	vote bob for 4 $((1000 * C))
	vote dave against 4 $((1000 * C))	# 1000 = 1000
	vote bob for 5 $((1000 * C))
	vote dave against 5 $((1000 * C))
	tally 5 $((1000 * C)) $((1000 * C)) 0
	vote dave for 5 $((1000 * C)) "$LAST_VOTE"	# changes its vote
	tally 5 $((2000 * C)) 0 0
	noop gs-dao vote 5 for --as dave --now "$LAST_VOTE"
	has "$stderr" "'dave' already votes for on proposal 5"
	xrun 0 gs-dao votes 5
	eq "${#lines[@]}" 2 "vote records of proposal 5 (one per account)"
	rec "${lines[1]}" voter=dave support=for weight=$((1000 * C)) time=$((T + 259199))

	proposal 1 "$VOTE_END" state=defeated for=$((100 * C)) against=0 abstain=0
	proposal 2 "$VOTE_END" state=succeeded for=$((100 * C)) against=0 abstain=$((1000 * C))
	proposal 3 "$VOTE_END" state=defeated for=$((100 * C)) against=$((1000 * C)) \
		abstain=$((1000 * C))
	proposal 4 "$VOTE_END" state=defeated for=$((1000 * C)) against=$((1000 * C))
	proposal 5 "$VOTE_END" state=succeeded
	xrun 0 gs-dao list --state defeated --now "$VOTE_END"
	eq "${#lines[@]}" 3 "defeated proposals"
	rec "${lines[0]}" id=1 && rec "${lines[1]}" id=3 && rec "${lines[2]}" id=4
	# (not $i: bats' run clobbers it)
	for k in 1 3 4; do
		refused 1 gs-dao queue $k --as bob --now "$VOTE_END"
		has "$stderr" "proposal $k is defeated: only a succeeded proposal is queued"
	done
	xrun 0 gs-dao queue 2 --as bob --now "$VOTE_END"
	rec "${lines[1]}" id=2 state=queued
	xrun 0 gs-dao queue 5 --as bob --now "$VOTE_END"
	rec "${lines[1]}" id=5 state=queued
	quiet_tick "$VOTE_END"			# the defeated ones are never queued
}

@test "cancel: the proposer while active (another account 77), a guardian granted by the admin while queued, nobody once executed; a canceled proposal takes no votes and is never queued or executed (1)" {
	local a
	a=$(a_param dispute_bond 20000000)
	xrun 0 gs admin grant guardian dave --as admin
	rec "${lines[1]}" type=role account=dave role=guardian granted=true
	propose 1 alice "withdrawn" "$a"
	propose 2 alice "stopped by the guardian" "$a"
	propose 3 alice "executed" "$a"

	refused 77 gs-dao cancel 1 --as bob
	has "$stderr" "only the proposer 'alice' or a guardian may cancel proposal 1"
	xrun 0 gs-dao cancel 1 --as alice --now 2026-11-25T09:00:00Z
	rec "${lines[0]}" type=receipt status=applied
	rec "${lines[1]}" type=proposal id=1 state=canceled canceled_at=$((T + 3600))
	noop gs-dao cancel 1 --as alice
	has "$stderr" "proposal 1 is already canceled"
	refused 1 gs-dao vote 1 for --as bob
	has "$stderr" "proposal 1 is canceled, not open for votes"
	vote alice for 2 $((2000 * C))
	vote alice for 3 $((2000 * C))
	refused 1 gs-dao queue 1 --as bob --now "$VOTE_END"
	has "$stderr" "proposal 1 is canceled: only a succeeded proposal is queued"
	gs-dao queue 2 --as bob --now "$VOTE_END" >/dev/null
	gs-dao queue 3 --as bob --now "$VOTE_END" >/dev/null

	# queued: the proposer may no longer cancel, a guardian still may
	refused 1 gs-dao cancel 2 --as alice --now "$VOTE_END"
	has "$stderr" "proposal 2 is queued and can no longer be canceled by its proposer"
	refused 77 gs-dao cancel 2 --as bob --now "$VOTE_END"
	xrun 0 gs-dao cancel 2 --as dave --now 2026-11-29T08:00:00Z
	rec "${lines[1]}" type=proposal id=2 state=canceled queued_at=$((T + 259200)) \
		eta=$((T + 432000)) canceled_at=$((T + 345600)) executed_at=null
	refused 1 gs-dao execute 2 --as bob --now "$ETA"
	has "$stderr" "proposal 2 is canceled: only a queued proposal is executed"
	refused 1 gs-dao execute 1 --as bob --now "$ETA"

	# gs tick executes the one left, and only that one
	xrun 0 gs tick --as admin --now "$ETA"
	eq "$(count_with '"type":"proposal"')" 1 "proposal records printed by the tick"
	rec "$(line_with '"type":"proposal"')" id=3 state=executed
	refused 1 gs-dao cancel 3 --as dave --now "$ETA"
	has "$stderr" "proposal 3 is executed and can no longer be canceled"
	xrun 0 gs-dao list --state canceled
	eq "${#lines[@]}" 2 "canceled proposals"
	param dispute_bond $((20 * C))
}

# ---- the hand-over and the actions ------------------------------------------------

@test "after gs admin renounce, gs admin grant|revoke and gs params set exit 77; a DAO role.grant of operator executes and the grantee then clears an auction" {
	xrun 0 gs admin renounce --as admin
	rec "${lines[1]}" type=admin account=admin renounced=true
	roles admin '["guardian","minter","operator","oracle","registrar"]'
	refused 77 gs admin grant operator bob --as admin
	has "$stderr" "the admin has renounced: only governance may do admin.grant"
	refused 77 gs admin revoke operator admin --as admin
	refused 77 gs params set penalty_bps 20000 --as admin
	has "$stderr" "the admin has renounced: only governance may do params.set"
	noop gs admin renounce --as admin
	param penalty_bps 15000

	propose 1 alice "bob operates" "$(a_grant operator bob)"
	roles bob '[]'
	refused 77 gs-auction clear "#$S1" --as bob --now "$EARLY"
	has "$stderr" "'bob' lacks role 'operator' for auction.clear"
	enact 1
	rec "${lines[1]}" type=role account=bob role=operator granted=true
	roles bob '["operator"]'
	eq "$(journal_rows admin.grant)" 0 "journal rows of admin.grant"

	gs-auction order --slot "#$S1" --sell 2000Wh --price 0.11 --panel 1 --as alice --now "$ETA" >/dev/null
	gs-auction order --slot "#$S1" --buy 2000Wh --price 0.11 --as carol --now "$ETA" >/dev/null
	xrun 0 gs-auction clear "#$S1" --as bob --now 2026-11-30T09:55:00Z
	rec "${lines[0]}" type=receipt status=applied
	rec "${lines[1]}" type=clearing slot=$S1 price=110000 volume_wh=2000
	books
}

@test "a stake.slash proposal takes stake to the treasury: an amount (free stake, then unbonding) and bps of the stake; supply conserved, gs verify --replay passes" {
	# bob: 50 free, 950 unbonding
	gs-stake request-withdraw 950 --as bob >/dev/null
	stake bob $((1000 * C)) 0 $((950 * C))
	propose 1 alice "slash bob and dave" "$(a_slash bob amount $((100 * C)))" \
		"$(a_slash dave bps 2500)"
	balance treasury 0 0		# the dry run at propose time took nothing
	stake bob $((1000 * C)) 0 $((950 * C))
	enact 1
	eq "${#lines[@]}" 6 "records printed by execute"
	# bob: 100 credits = his 50 free, then 50 of the 950 unbonding
	rec "${lines[1]}" type=slash account=bob amount=$((100 * C)) reason=misconduct
	rec "${lines[2]}" type=stake account=bob staked=$((900 * C)) unbonding=$((900 * C)) free=0
	# dave: 2500 bps of his 1000 credits = 250
	rec "${lines[3]}" type=slash account=dave amount=$((250 * C))
	rec "${lines[4]}" type=stake account=dave staked=$((750 * C)) free=$((750 * C))
	stake bob $((900 * C)) 0 $((900 * C))
	stake dave $((750 * C)) 0 0
	stake alice $((2000 * C)) 0 0
	balance treasury $((350 * C)) 0
	balance vault $((3750 * C)) 0		# 4100 - 350
	balance bob $((2000 * C)) 0		# tokens outside the vault are untouched
	eq "$(gs-stake list | sum_of staked)" $((3750 * C)) "total stake"
	books
}

@test "a treasury.transfer proposal pays out of the treasury: short when proposed (accepted), it pays once a stake.slash action before it in the same proposal has filled the treasury; in the other order it exits 1" {
	propose 1 alice "slash bob, pay carol and dave" "$(a_slash bob amount $((100 * C)))" \
		"$(a_pay carol $((60 * C)))" "$(a_pay dave $((40 * C)))"
	balance treasury 0 0
	enact 1
	eq "${#lines[@]}" 6 "records printed by execute"
	rec "${lines[1]}" type=slash account=bob amount=$((100 * C))
	rec "${lines[2]}" type=stake account=bob staked=$((900 * C))
	rec "${lines[3]}" type=balance account=carol available=$((3060 * C)) locked=0
	rec "${lines[4]}" type=balance account=dave available=$((2040 * C)) locked=0
	balance treasury 0 0
	stake bob $((900 * C)) 0 0
	books

	# paying first: the treasury is still empty when the transfer runs
	propose 2 alice "pay, then slash" "$(a_pay carol "$C")" "$(a_slash dave amount "$C")"
	pass 2
	refused 1 gs-dao execute 2 --as bob --now "$(at "$(gs-dao show 2 | jf eta)")"
	has "$stderr" "proposal 2: action 1 (treasury.transfer): insufficient balance: 'treasury' has 0 available, needs 1"
	stake dave $((1000 * C)) 0 0		# the slash was rolled back with it
	books
}

@test "an oracle.amend proposal replaces a finalized value of a computed, disputed slot: the dispute is upheld, the settlement reopened, and compute gives the new figures" {
	local eta=$((T0 + 2700 + 432000))	# proposed at 10:45
	trade $T0 1600
	compute $S0 2026-11-25T10:31:00Z
	rec "${lines[1]}" delivered_wh=1600 shortfall_wh=400 penalties=66000
	xrun 0 gs-settle dispute "#$S0" --reason "my meter says 2000 Wh" --as carol \
		--now 2026-11-25T10:40:00Z
	rec "${lines[1]}" type=dispute id=1 state=open bond=$((10 * C))
	# carol: 220000 escrow (2000 Wh at 0.11) and her bond locked
	balance carol $((3000 * C - 220000 - 10 * C)) $((220000 + 10 * C))

	export GS_NOW=2026-11-25T10:45:00Z
	propose 1 alice "panel 1 made 2000 Wh in S0" "$(a_amend 1 $S0 2000)"
	xrun 0 gs-oracle show "#$S0"
	rec "${lines[0]}" type=production panel=1 wh=1600 status=final
	enact 1
	rec "${lines[1]}" type=production panel=1 slot=$S0 wh=2000 status=final
	eq "$eta" "$(gs-dao show 1 | jf executed_at)" "executed_at"

	xrun 0 gs-settle show "#$S0"
	rec "${lines[0]}" type=settlement state=reopened
	rec "${lines[1]}" type=dispute id=1 state=upheld resolved_at=$eta
	balance carol $((3000 * C - 220000)) 220000	# the bond is back
	xrun 1 gs-settle positions "#$S0"
	has "$stderr" "slot $S0 is not computed"

	compute $S0 "$(at $((eta + 60)))"
	# all 2000 Wh delivered: no shortfall, no penalty; 2000 x 110 = 220000
	rec "${lines[1]}" price=110000 delivered_wh=2000 shortfall_wh=0 penalties=0 dust=0
	position $S0 alice delivered_wh=2000 shortfall_wh=0 received=220000 penalty=0 net=220000
	position $S0 carol delivered_wh=2000 missed_wh=0 paid=220000 compensation=0 net=-220000
	finalize $S0 "$(at $((eta + 3660)))"
	balance alice $((1000 * C + 220000)) 0
	balance carol $((3000 * C - 220000)) 0
	stake alice $((2000 * C)) 0 0
	books
}

@test "a dispute.resolve proposal upholds a dispute: the bond goes back, the slot is reopened and computed again" {
	local eta=$((T0 + 2700 + 432000))	# proposed at 10:45
	trade $T0 1600
	compute $S0 2026-11-25T10:31:00Z
	gs-settle dispute "#$S0" --reason "meter" --as carol --now 2026-11-25T10:40:00Z >/dev/null
	export GS_NOW=2026-11-25T10:45:00Z
	propose 1 alice "uphold carol's dispute" "$(a_resolve 1 true)"
	# the open dispute holds the slot while the proposal runs
	refused 1 gs-settle finalize "#$S0" --as admin --now 2026-11-25T11:31:00Z
	has "$stderr" "slot $S0 has an open dispute (1)"

	enact 1
	rec "${lines[1]}" type=dispute id=1 slot=$S0 account=carol state=upheld resolved_at=$eta
	xrun 0 gs-settle show "#$S0"
	rec "${lines[0]}" type=settlement state=reopened
	balance carol $((3000 * C - 220000)) 220000
	balance treasury 0 0
	compute $S0 "$(at $((eta + 60)))"
	rec "${lines[1]}" delivered_wh=1600 shortfall_wh=400 penalties=66000 computed_at=$((eta + 60))
	finalize $S0 "$(at $((eta + 3660)))"
	# carol pays 176000 and gets alice's penalty ceil(400 x 110000 x 15000 / 10^7) = 66000
	balance carol $((3000 * C - 110000)) 0
	balance alice $((1000 * C + 176000)) 0
	stake alice $((2000 * C - 66000)) 0 0
	books
}

# ---- refusals -----------------------------------------------------------------------

@test "propose refuses a malformed action (65) or a forbidden one (77) naming it, a proposer below proposal_threshold (1), journaling nothing; state-dependent refusals are accepted" {
	local seq0 spec
	seq0=$(seq_now)
	while IFS='|' read -r code act msg; do
		refused "$code" gs-dao propose --title t --action "$act" --as alice
		has "$stderr" "$msg"
	done <<'EOF'
65|{"cmd":"token.mint","args":{"to":"bob","amount":1}}|action 1: unknown command 'token.mint'
65|{"cmd":"dao.propose","args":{}}|action 1: unknown command 'dao.propose'
65|{"cmd":"params.set","args":{"name":"nope","value":1}}|action 1 (params.set): unknown parameter 'nope'
65|{"cmd":"params.set","args":{"name":"penalty_bps","value":-1}}|action 1 (params.set): parameter 'penalty_bps' must be between 0 and 100000
65|{"cmd":"params.set","args":{"name":"penalty_bps"}}|action 1 (params.set): field "value"
65|{"cmd":"role.grant","args":{"role":"operator","account":"zed"}}|action 1 (role.grant): unknown account 'zed'
65|{"cmd":"role.grant","args":{"role":"king","account":"bob"}}|action 1 (role.grant): field "role": unknown role 'king'
65|{"cmd":"role.revoke","args":{"role":"king","account":"bob"}}|action 1 (role.revoke): field "role": unknown role 'king'
65|{"cmd":"stake.slash","args":{"account":"zed","amount":1,"reason":"x"}}|action 1 (stake.slash): unknown account 'zed'
65|{"cmd":"stake.slash","args":{"account":"bob","amount":1,"bps":5,"reason":"x"}}|action 1 (stake.slash): give exactly one of "amount" and "bps"
65|{"cmd":"stake.slash","args":{"account":"bob","bps":10001,"reason":"x"}}|action 1 (stake.slash): field "bps": must be between 1 and 10000
65|{"cmd":"treasury.transfer","args":{"to":"carol","amount":0}}|action 1 (treasury.transfer): field "amount": must be a positive integer
65|{"cmd":"treasury.transfer","args":{"to":"zed","amount":1}}|action 1 (treasury.transfer): unknown account 'zed'
65|{"cmd":"treasury.transfer","args":{"to":"vault","amount":1}}|action 1 (treasury.transfer): field "to": the treasury pays no system account ('vault')
65|{"cmd":"treasury.transfer","args":{"to":"treasury","amount":1}}|action 1 (treasury.transfer): field "to": the treasury pays no system account ('treasury')
65|{"cmd":"oracle.amend","args":{"panel":9,"slot":1,"wh":1}}|action 1 (oracle.amend): unknown panel 9
65|{"cmd":"dispute.resolve","args":{"dispute":9,"uphold":true}}|action 1 (dispute.resolve): unknown dispute 9
65|{"cmd":"params.set"}|action 1: must be {"cmd": NAME, "args": {...}}
65|{"cmd":"params.set","args":{"name":"penalty_bps","value":1},"at":1}|action 1: must be {"cmd": NAME, "args": {...}}
77|{"cmd":"role.grant","args":{"role":"admin","account":"bob"}}|action 1 (role.grant): the admin role cannot be granted
77|{"cmd":"role.revoke","args":{"role":"admin","account":"admin"}}|action 1 (role.revoke): the admin role is given up with 'gs admin renounce'
EOF
	# the second action is named
	refused 65 gs-dao propose --title t --action "$(a_param penalty_bps 1)" \
		--action "$(a_param bogus 1)" --as alice
	has "$stderr" "action 2 (params.set): unknown parameter 'bogus'"
	refused 65 gs-dao propose --title "" --action "$(a_param penalty_bps 1)" --as alice
	has "$stderr" 'field "title": must not be empty'
	# proposal_threshold is 1000 credits staked
	refused 1 gs-dao propose --title t --action "$(a_param penalty_bps 1)" --as admin
	has "$stderr" "'admin' has 100 staked, a proposal needs 1000 (proposal_threshold)"
	refused 1 gs-dao propose --title t --action "$(a_param penalty_bps 1)" --as carol
	has "$stderr" "'carol' has 0 staked, a proposal needs 1000 (proposal_threshold)"
	eq "$(seq_now)" "$seq0" "journal seq (nothing applied)"
	eq "$(gs-dao list)" "" "proposals"

	# exactly the threshold will do; refusals the state may lift by the time
	# of execution (carol has no stake yet, the treasury is empty, S0 has no
	# final oracle data) are accepted
	propose 1 bob "exactly 1000" "$(a_param penalty_bps 1)"
	propose 2 alice "may work later" "$(a_slash carol amount 1)" "$(a_pay carol 1)" \
		"$(a_amend 1 $S0 1)"
	rec "${lines[1]}" state=active
	eq "$(journal_rows dao.propose)" 2 "journal rows of dao.propose"
	param penalty_bps 15000
	books
}

@test "an action failing at execution: gs-dao execute exits 1 naming it, nothing applied, the proposal stays queued; gs tick keeps the error, reports it and goes on; executable until eta + grace_period_s, then expired" {
	gs-token transfer --to treasury 50 --as carol >/dev/null
	propose 1 alice "bond 20, pay carol 60" "$(a_param dispute_bond $((20 * C)))" \
		"$(a_pay carol $((60 * C)))"
	propose 2 alice "oracle penalty 20" "$(a_param oracle_penalty $((20 * C)))"
	propose 3 alice "pay dave 1000" "$(a_pay dave $((1000 * C)))"
	gs-dao vote 1 for --as alice >/dev/null
	gs-dao vote 2 for --as alice >/dev/null
	gs-dao vote 3 for --as alice >/dev/null
	xrun 0 gs tick --as admin --now "$VOTE_END"
	eq "$(count_with '"state":"queued"')" 3 "proposals queued by the tick"
	eq "$(count_with '"type":"receipt"')" 1 "txs of the tick (dao.queue)"

	refused 1 gs-dao execute 1 --as bob --now "$ETA"
	has "$stderr" "proposal 1: action 2 (treasury.transfer): insufficient balance: 'treasury' has 50 available, needs 60"
	proposal 1 "$ETA" state=queued executed_at=null error=null
	param dispute_bond $((10 * C))		# action 1 went with action 2

	# the tick executes proposal 2 and keeps the errors of 1 and 3; the
	# records of proposal 1's undone action 1 are not printed
	xrun 0 gs tick --as admin --now "$ETA"
	eq "$(count_with '"type":"receipt"')" 1 "txs of the tick (dao.execute)"
	rec "$(line_with '"type":"param"')" name=oracle_penalty value=$((20 * C))
	eq "$(count_with dispute_bond)" 0 "records of proposal 1's undone params.set"
	eq "$(count_with '"type":"proposal"')" 1 "proposal records printed by the tick"
	rec "$(line_with '"type":"proposal"')" id=2 state=executed
	rec "$(line_with '"type":"proposal_error"' '"proposal":1')" \
		error="proposal 1: action 2 (treasury.transfer): insufficient balance: 'treasury' has 50 available, needs 60"
	rec "$(line_with '"type":"proposal_error"' '"proposal":3')" \
		error="proposal 3: action 1 (treasury.transfer): insufficient balance: 'treasury' has 50 available, needs 1000"
	proposal 1 "$ETA" state=queued executed_at=null \
		error="proposal 1: action 2 (treasury.transfer): insufficient balance: 'treasury' has 50 available, needs 60"
	proposal 3 "$ETA" state=queued \
		error="proposal 3: action 1 (treasury.transfer): insufficient balance: 'treasury' has 50 available, needs 1000"
	param dispute_bond $((10 * C))
	param oracle_penalty $((20 * C))
	balance treasury $((50 * C)) 0
	books

	# still queued, proposal 1 runs once the treasury can pay; the error is cleared
	gs-token transfer --to treasury 10 --as carol --now 2026-12-01T08:00:00Z >/dev/null
	xrun 0 gs-dao execute 1 --as bob --now 2026-12-01T08:00:00Z
	rec "${lines[1]}" type=param name=dispute_bond value=$((20 * C))
	rec "${lines[2]}" type=balance account=carol available=$((3000 * C))
	rec "${lines[3]}" type=proposal id=1 state=executed error=null
	balance treasury 0 0

	# proposal 3 can be executed until eta + grace_period_s, then it is expired
	proposal 3 "$LAST_EXEC" state=queued
	proposal 3 "$EXPIRED" state=expired eta=$((T + 432000))
	gs-token transfer --to treasury 1000 --as carol --now "$EXPIRED" >/dev/null
	refused 1 gs-dao execute 3 --as bob --now "$EXPIRED"
	has "$stderr" "proposal 3 is expired: only a queued proposal is executed"
	xrun 0 gs-dao list --state expired --now "$EXPIRED"
	eq "${#lines[@]}" 1 "expired proposals"
	rec "${lines[0]}" id=3
	refused 1 gs-dao cancel 3 --as alice --now "$EXPIRED"
	balance treasury $((1000 * C)) 0
	books
}

@test "a lone failing execution run by gs tick: its error is kept on the proposal, the tick exits 0" {
	propose 1 alice "pay carol 5" "$(a_pay carol $((5 * C)))"
	pass 1
	xrun 0 gs tick --as admin --now "$ETA"
	rec "$(line_with '"type":"proposal_error"')" proposal=1 \
		error="proposal 1: action 1 (treasury.transfer): insufficient balance: 'treasury' has 0 available, needs 5"
	proposal 1 "$ETA" state=queued executed_at=null \
		error="proposal 1: action 1 (treasury.transfer): insufficient balance: 'treasury' has 0 available, needs 5"
	balance carol $((3000 * C)) 0
	books
}

# ---- gs tick, help and usage ------------------------------------------------------

@test "gs tick queues a succeeded proposal after vote_end and executes it after eta, one tx each; run again it prints nothing and journals nothing" {
	propose 1 alice "through the tick" "$(a_param dispute_bond $((20 * C)))"
	propose 2 alice "defeated" "$(a_param dispute_bond $((30 * C)))"
	vote alice for 1 $((2000 * C))
	vote alice against 2 $((2000 * C))
	quiet_tick "$LAST_VOTE"
	xrun 0 gs tick --as admin --now "$VOTE_END"
	eq "${#lines[@]}" 2 "records printed by the tick"
	rec "${lines[0]}" type=receipt status=applied
	rec "${lines[1]}" type=proposal id=1 state=queued eta=$((T + 432000))
	quiet_tick "$VOTE_END"
	quiet_tick "$EARLY"
	xrun 0 gs tick --as admin --now "$ETA"
	eq "${#lines[@]}" 3 "records printed by the tick"
	rec "${lines[1]}" type=param name=dispute_bond value=$((20 * C))
	rec "${lines[2]}" type=proposal id=1 state=executed executed_at=$((T + 432000))
	quiet_tick "$ETA"
	proposal 2 "$ETA" state=defeated queued_at=null
	eq "$(journal_rows dao.queue)" 1 "journal rows of dao.queue"
	eq "$(journal_rows dao.execute)" 1 "journal rows of dao.execute"
	books
}

@test "gs-dao --help lists every subcommand, each --help prints its usage line; usage errors exit 64, a malformed PROPOSAL or --action 65, an unknown proposal 65" {
	local c a seq0
	propose 1 alice "something to show" "$(a_param dispute_bond $((20 * C)))"
	seq0=$(seq_now)
	xrun 0 gs-dao --help
	for c in propose vote queue execute cancel show list votes; do
		has "$output" "gs-dao $c"
	done
	for c in propose vote queue execute cancel show list votes; do
		xrun 0 gs-dao "$c" --help
		[[ ${lines[0]} == "usage: gs-dao $c"* ]] || {
			echo "first line of 'gs-dao $c --help' is not a usage line: ${lines[0]}" >&2
			return 1
		}
	done
	xrun 0 gs-dao vote --help
	eq "${lines[0]}" "usage: gs-dao vote PROPOSAL for|against|abstain --as A"
	xrun 0 gs-dao execute --help
	eq "${lines[0]}" "usage: gs-dao execute PROPOSAL|--due --as A"
	xrun 0 gs-dao --version
	[[ $output == "gs-dao (gridset) "* ]]
	xrun 0 gs dao --help
	has "$output" "gs-dao votes"

	# a wrong command line: 64, nothing on stdout, the usage on stderr
	for a in "" nonsense "propose --as alice" "propose --title t --as alice" \
		"propose --action {} --as alice" "propose --title t --action {} extra --as alice" \
		"vote 1 --as alice" "vote 1 maybe --as alice" "vote 1 for extra --as alice" \
		"queue --as bob" "queue 1 --due --as bob" "execute --as bob" "execute 1 2 --as bob" \
		"cancel --as alice" "cancel --due --as alice" "show" "show 1 2" "list extra" \
		"list --bogus" "votes" "votes 1 2"; do
		# shellcheck disable=SC2086 # $a is a command line: split it
		xrun 64 gs-dao $a
		eq "$output" "" "stdout of 'gs-dao $a'"
		has "$stderr" "usage: gs-dao"
	done
	# a malformed value: 65
	for a in "vote x for --as alice" "vote 0 for --as alice" "vote 1.5 for --as alice" \
		"queue abc --as bob" "execute #1 --as bob" "cancel 1e3 --as alice" "show x" \
		"votes 0" "list --state bogus"; do
		# shellcheck disable=SC2086
		refused 65 gs-dao $a
	done
	refused 65 gs-dao propose --title t --action '[1]' --as alice
	has "$stderr" "--action 1: not a JSON object"
	refused 65 gs-dao propose --title t --action '{bad' --as alice
	has "$stderr" "--action 1: not a JSON object: string or '}' expected near 'bad'"
	# an unknown proposal: 65
	for a in "show 2" "votes 2" "vote 2 for --as alice" "queue 2 --as bob" \
		"execute 2 --as bob" "cancel 2 --as alice"; do
		# shellcheck disable=SC2086
		refused 65 gs-dao $a
		has "$stderr" "unknown proposal 2"
	done
	eq "$(seq_now)" "$seq0" "journal seq (nothing applied)"
}

# ---- regressions: bugs found while writing these tests, now fixed -------------

@test "a treasury.transfer proposed while the treasury can pay is accepted and pays out" {
	gs-token transfer --to treasury 50 --as carol >/dev/null
	propose 1 alice "grants" "$(a_pay bob $((30 * C)))" "$(a_pay dave $((20 * C)))"
	enact 1
	rec "${lines[1]}" type=balance account=bob available=$((2030 * C))
	rec "${lines[2]}" type=balance account=dave available=$((2020 * C))
	balance treasury 0 0
	books
}

@test "gs tick run again while a queued proposal keeps failing, or once it expired, prints and journals nothing" {
	propose 1 alice "pay carol 5" "$(a_pay carol $((5 * C)))"
	pass 1
	xrun 0 gs tick --as admin --now "$ETA"
	quiet_tick "$ETA"
	quiet_tick 2026-11-30T08:01:00Z
	quiet_tick "$EXPIRED"
	quiet_tick 2026-12-14T08:01:00Z
	proposal 1 "$EXPIRED" state=expired \
		error="proposal 1: action 1 (treasury.transfer): insufficient balance: 'treasury' has 0 available, needs 5"
}

@test "the treasury pays no system account, dao included (65 at propose time)" {
	refused 65 gs-dao propose --title t --action "$(a_pay dao 1)" --as alice
	has "$stderr" "action 1 (treasury.transfer): field \"to\": the treasury pays no system account ('dao')"
}

@test "a malformed second --action is named --action 2" {
	refused 65 gs-dao propose --title t --action "$(a_param penalty_bps 1)" --action '[2]' --as alice
	has "$stderr" "--action 2: not a JSON object"
}

@test "a proposal keeps the quorum_bps in force when it was proposed; oracle.amend beyond the panel's capacity is refused at propose time" {
	propose 1 alice "penalty" "$(a_param penalty_bps 16000)"
	q=$(gs-dao show 1 | jf quorum)
	# alice alone (2000 of 4100) is far below a 99.99% quorum: were the new
	# value used, the proposal would be defeated
	xrun 0 gs params set quorum_bps 9999 --as admin
	pass 1
	eq "$(gs-dao show 1 | jf state)" queued "state after the vote"
	eq "$(gs-dao show 1 | jf quorum)" "$q" "the proposal's quorum"
	# panel 1: 10 kW x 900 s = 2500 Wh a slot at most
	refused 65 gs-dao propose --title t --action "$(a_amend 1 1995112 2501)" --as alice
	has "$stderr" "action 1 (oracle.amend): field \"wh\": 2501 Wh is more than panel 1 can make"
}
