#!/usr/bin/env bash
# crash.sh - DESIGN section 13 under SIGKILL: killed at any moment, the state
# file holds either the whole transaction or none of it.
#
# Usage: tests/stress/crash.sh [--kills N] [--seed S] [--scale K]
#                              [--max-sleep-ms MS] [--dir DIR] [--keep]
#
# Builds a state (accounts, two oracles, two sellers with stake and panels,
# two buyers, a thousand panels), then runs market cycles, one 15-minute
# slot each. Every cycle starts these five batches in a seeded random order,
# then a `gs tick`:
#   transfer  a 5,000-line gs-token transfer batch (K times as many with
#             --scale K), one tx;
#   buy       a 2,000-order gs-auction order batch (buys: escrow locked);
#   sell      a 1,000-order gs-auction order batch (sells: stake collateral);
#   report    a gs-oracle report batch (1,000 panels, the last two slots);
#   submit    gs submit of 8 transfer batches of 300 items, signed
#             beforehand (--sign-only), each its own tx;
#   tick      gs tick: oracle finalize, clear the slot whose gate closed
#             (the orders of the cycle before), compute and finalize
#             settlement; each step its own tx.
# Each is first run to its end on a copy of the state file (the dry run: what
# the batch must leave if it commits, and how long it takes), then on the
# state file, where it is SIGKILLed after a random delay from 0 to
# min(MS, 1.5 x the dry run's time) ms (MS: default 300), so that the kills
# fall all over the run and about a third after its end. Then:
#   - `gs verify --replay` passes (chain, signatures, invariants, replay);
#   - the batch is wholly absent: journal head and the digest of every state
#     table exactly as before; or wholly present: exactly as the dry run left
#     them, and its effects are the expected ones, computed here from the
#     batch (balances, escrow and collateral locks, order counts, reports);
#   - of a tick or a submit, the txs in the journal are the first ones of
#     the dry run's, each wholly present, and the slot states (tick) or
#     balances (submit) are what those txs make of them;
#   - run again as a retrying cron job would, the batch with the same --id
#     answers "duplicate" and changes nothing if it was present, or applies
#     and leaves exactly the dry run's state and effects; a cut tick is
#     finished by the next tick (exactly the dry run's remaining steps), a
#     submit is submitted again (its applied txs answer "duplicate") and
#     must leave exactly the dry run's state.
# So every batch is applied once in the end, and the market goes on.
# The random generator (MINSTD) is seeded with --seed (default: from the
# clock) and the seed is printed: the same seed gives the same batches, the
# same order of kinds and the same draws for the delays (which are scaled to
# the dry run's time: where a kill lands still depends on the machine).
# Prints a line per kill and the totals; exits 0 when every kill left a
# consistent state, else 1, keeping the state directory. The last line is
#     kills: N, mid-tx: A, after commit: P, nothing due: Z, inconsistent: 0
# (A: killed before the commit, batch absent; P: batch present, or of a tick
# or submit at least one tx; Z: ticks with nothing to do.)
#
# The programs are taken from PATH: PATH=/path/to/bin:$PATH tests/stress/crash.sh
set -euo pipefail

prog=crash.sh
KILLS=100
SEED=
SCALE=1
MAX_SLEEP_MS=300
DIR=
KEEP=0

usage() {
	if [ "${1:-64}" = 0 ]; then
		sed -n '5,6p' "$0" | sed 's/^# \{0,1\}//'
	else
		sed -n '5,6p' "$0" | sed 's/^# \{0,1\}//' >&2
	fi
	exit "${1:-64}"
}

while [ $# -gt 0 ]; do
	case $1 in
	--kills) KILLS=${2:?}; shift 2 ;;
	--seed) SEED=${2:?}; shift 2 ;;
	--scale) SCALE=${2:?}; shift 2 ;;
	--max-sleep-ms) MAX_SLEEP_MS=${2:?}; shift 2 ;;
	--dir) DIR=${2:?}; shift 2 ;;
	--keep) KEEP=1; shift ;;
	-h | --help) usage 0 ;;
	*) echo "$prog: unknown argument '$1'" >&2; usage 64 ;;
	esac
done
if ! [[ $KILLS =~ ^[0-9]+$ && $MAX_SLEEP_MS =~ ^[0-9]+$ && $SCALE =~ ^([1-9]|10)$ ]]; then
	echo "$prog: --kills and --max-sleep-ms need whole numbers, --scale 1 to 10" >&2
	exit 64
fi
if [ -z "$SEED" ]; then
	SEED=$(( (${EPOCHREALTIME/./} + $$) % 2147483646 + 1 ))
fi
if ! [[ $SEED =~ ^[0-9]+$ ]] || [ "$SEED" -lt 1 ] || [ "$SEED" -gt 2147483646 ]; then
	echo "$prog: --seed needs a number from 1 to 2147483646" >&2
	exit 64
fi
for p in gs gs-token gs-panel gs-stake gs-oracle gs-auction; do
	if ! command -v "$p" >/dev/null; then
		echo "$prog: $p is not on PATH (PATH=/path/to/bin:\$PATH $0)" >&2
		exit 66
	fi
done

TRANSFER_LINES=$((5000 * SCALE))
BUY_ORDERS=$((2000 * SCALE))
SELL_ORDERS=$((1000 * SCALE))	# 1 Wh each over 4 panels of 2500 Wh a slot
SUBMIT_TXS=8
SUBMIT_ITEMS=$((300 * SCALE))
REPORT_PANELS=$((1000 * SCALE))	# panels reported on, 2 slots each

if [ -n "$DIR" ]; then
	mkdir -p "$DIR"
	DIR=$(cd "$DIR" && pwd)
else
	DIR=$(mktemp -d "${TMPDIR:-/tmp}/gs-crash.XXXXXX")
fi
cd "$DIR"
export GS_KEYDIR="$DIR/keys" GS_DB="$DIR/state.db" GS_BUSY_TIMEOUT=10000
unset GS_KEY GS_NOW
rm -rf "$GS_KEYDIR" "$GS_DB" "$GS_DB-wal" "$GS_DB-shm" dry

BATCH=	# pid of the running batch
finish() {
	local st=$?
	if [ -n "$BATCH" ]; then
		kill -9 "$BATCH" 2>/dev/null || true
		wait "$BATCH" 2>/dev/null || true
	fi
	if [ "$st" -ne 0 ]; then
		echo "$prog: FAILED (seed $SEED); state kept in $DIR" >&2
	elif [ "$KEEP" = 0 ]; then
		rm -rf "$DIR"
	fi
}
trap finish EXIT

ATTEMPT=0
KIND=setup
fail() {
	echo "$prog: attempt $ATTEMPT ($KIND, seed $SEED): $*" >&2
	exit 1
}

# ms_since START: milliseconds since START (an EPOCHREALTIME).
ms_since() {
	local now=$EPOCHREALTIME
	echo $(( (10#${now/./} - 10#${1/./}) / 1000 ))
}

# ---- random numbers (MINSTD: the same in bash and in awk) ---------------------------

RNG=$SEED
# rand N: a number from 0 to N-1 in R.
rand() {
	RNG=$((RNG * 48271 % 2147483647))
	R=$((RNG % $1))
}

# ---- JSON (flat records, no jq needed) -----------------------------------------------

# The awk function jf(LINE, NAME): the first member NAME of a one-line record.
AWK_JF='
function jf(s, k,   r) {
	if (!match(s, "\"" k "\":")) return ""
	r = substr(s, RSTART + RLENGTH)
	if (substr(r, 1, 1) == "\"") { r = substr(r, 2); return substr(r, 1, index(r, "\"") - 1) }
	match(r, /^[^,}]*/)
	return substr(r, 1, RLENGTH)
}'

# field NAME: jf NAME of the line on stdin.
field() {
	awk -v k="$1" "$AWK_JF"' NR == 1 { print jf($0, k) }'
}

# snapshot: "seq head digest" of `gs verify` (the whole state), or of
# `gs verify --replay` with --replay.
snapshot() {
	local v
	v=$(gs verify "$@" 2>verify.err) || {
		echo "$v"
		cat verify.err
		return 1
	}
	awk "$AWK_JF"'NR == 1 { print jf($0, "seq"), jf($0, "head"), jf($0, "digest") }' <<<"$v"
}

# journal_since T: "seq hash id" of every journal row at or after T.
journal_since() {
	gs log --since "$1" | awk "$AWK_JF"'{ print jf($0, "seq"), jf($0, "hash"), jf($0, "id") }'
}

# balances: "account available locked" per account, sorted.
balances() {
	gs-token list --json | awk "$AWK_JF"'{ print jf($0, "account"), jf($0, "available"), jf($0, "locked") }' | sort
}

# ---- the state ---------------------------------------------------------------------

SLOT=900
B0=1795600800			# 2026-11-25T10:00Z, the start of cycle 0's slot
N0=$((B0 / SLOT))
SETUP_T=$((B0 - 7200))
BUYERS=(b1 b2)
SELLERS=(s1 s2)
ORACLES=(m1 m2)
RECIPIENTS=(r1 r2 r3 r4 r5 r6)
PAYERS=(b1 s1 b2 s2)

t_start=$EPOCHREALTIME
echo "$prog: seed $SEED, $KILLS kills, scale $SCALE, kill after 0..min($MAX_SLEEP_MS, 1.5 x run) ms, state in $DIR"

setup() {
	local k
	export GS_NOW=$SETUP_T
	for k in admin "${ORACLES[@]}" "${BUYERS[@]}" "${SELLERS[@]}" "${RECIPIENTS[@]}"; do
		gs key new "$k" >/dev/null
	done
	gs init --admin admin >/dev/null
	for k in "${ORACLES[@]}" "${BUYERS[@]}" "${SELLERS[@]}" "${RECIPIENTS[@]}"; do
		gs account register --as "$k" >/dev/null
	done
	for k in "${ORACLES[@]}"; do
		gs admin grant oracle "$k" --as admin >/dev/null
		gs-token mint --to "$k" 1000 --as admin >/dev/null
		gs-stake deposit 200 --as "$k" >/dev/null
	done
	for k in "${BUYERS[@]}" "${SELLERS[@]}"; do
		gs-token mint --to "$k" 1000000 --as admin >/dev/null
	done
	for k in "${SELLERS[@]}"; do
		gs-stake deposit 10000 --as "$k" >/dev/null
	done
	# final readings 30 minutes after a slot's end, settlement final 10
	# minutes after it is computed (so before the next cycle's tick)
	gs params set verification_period_s 1800 --as admin >/dev/null
	gs params set dispute_window_s 600 --as admin >/dev/null
	# panels 1-4 of s1, 5-8 of s2 (10 kW: 2500 Wh a slot), the rest of r1
	awk -v n="$REPORT_PANELS" 'BEGIN {
		for (i = 1; i <= 8; i++) printf "{\"owner\":\"%s\",\"capacity_w\":10000}\n", i <= 4 ? "s1" : "s2"
		for (i = 9; i <= n; i++) print "{\"owner\":\"r1\",\"capacity_w\":5000}"
	}' | gs-panel register --as admin >/dev/null
	unset GS_NOW
}

setup
SNAP=$(snapshot --replay) || fail "gs verify --replay after the setup: $SNAP"
echo "$prog: setup: $(cut -d' ' -f1 <<<"$SNAP") txs, $REPORT_PANELS panels, $(ms_since "$t_start") ms"

# ---- batch generators (awk, seeded from RNG) -------------------------------------------

AWK_RNG='function rnd(n) { x = (x * 48271) % 2147483647; return x % n }'

# gen_transfers SENDER SEED: TRANSFER_LINES items to the others.
gen_transfers() {
	awk -v from="$1" -v x="$2" -v n="$TRANSFER_LINES" \
		-v to="${RECIPIENTS[*]} ${BUYERS[*]} ${SELLERS[*]} admin" "$AWK_RNG"'
	BEGIN {
		m = split(to, t, " ")
		for (i = 1; i <= n; i++) {
			do a = t[1 + rnd(m)]; while (a == from)
			printf "{\"to\":\"%s\",\"amount\":%d}\n", a, 1 + rnd(1000)
		}
	}'
}

# gen_buys SLOT SEED: BUY_ORDERS buys, 1-7 Wh at 0.02-0.15 credits/kWh.
gen_buys() {
	awk -v s="$1" -v x="$2" -v n="$BUY_ORDERS" "$AWK_RNG"'
	BEGIN {
		for (i = 1; i <= n; i++)
			printf "{\"slot\":%d,\"side\":\"buy\",\"price\":%d,\"qty_wh\":%d}\n",
				s, 20000 + 10 * rnd(13001), 1 + rnd(7)
	}'
}

# gen_sells SLOT SEED FIRSTPANEL: SELL_ORDERS sells of 1 Wh at 0.03-0.10
# credits/kWh over four panels.
gen_sells() {
	awk -v s="$1" -v x="$2" -v n="$SELL_ORDERS" -v p0="$3" "$AWK_RNG"'
	BEGIN {
		for (i = 1; i <= n; i++)
			printf "{\"slot\":%d,\"side\":\"sell\",\"price\":%d,\"qty_wh\":1,\"panel\":%d}\n",
				s, 30000 + 10 * rnd(7001), p0 + i % 4
	}'
}

# gen_reports SLOT...: every panel, every slot given. The value is a function
# of panel and slot, the same from every oracle (so nobody is flagged):
# 0-2500 Wh for the sellers' panels, 0-1250 for the others.
gen_reports() {
	awk -v n="$REPORT_PANELS" -v slots="$*" '
	BEGIN {
		m = split(slots, s, " ")
		for (j = 1; j <= m; j++)
			for (p = 1; p <= n; p++)
				printf "{\"panel\":%d,\"slot\":%d,\"wh\":%d}\n", p, s[j],
					(p * 7919 + s[j] * 104729) % (p <= 8 ? 2501 : 1251)
	}'
}

# gen_submit SEED: SUBMIT_TXS transfer batches of SUBMIT_ITEMS items, each
# signed by one of the payers at the clock T, with ids ID.1, ID.2, ... (ID:
# the next attempt's).
gen_submit() {
	local k x=$1 from
	for ((k = 1; k <= SUBMIT_TXS; k++)); do
		x=$((x * 48271 % 2147483647))
		from=${PAYERS[$((x % 4))]}
		awk -v x="$x" -v n="$SUBMIT_ITEMS" -v to="${RECIPIENTS[*]}" "$AWK_RNG"'
		BEGIN {
			m = split(to, t, " ")
			for (i = 1; i <= n; i++)
				printf "{\"to\":\"%s\",\"amount\":%d}\n", t[1 + rnd(m)], 1 + rnd(1000)
		}' | GS_NOW=$T gs-token transfer --as "$from" --sign-only --id "submit-$((ATTEMPT + 1)).$k" ||
			fail "signing failed"
	done
}

# ---- the kinds: before (what the batch would change) and check (its effects) --------

# open_orders SLOT ACCOUNT: how many open orders ACCOUNT has in the slot.
open_orders() {
	gs-auction book "#$1" --json | { grep -c "\"account\":\"$2\".*\"state\":\"open\"" || true; }
}

# stake_locked ACCOUNT
stake_locked() {
	gs-stake show "$1" --json | field locked
}

# transfer ----------------------------------------------------------------------------
before_transfer() {
	balances >bal.before
	# the balances if the batch applies
	awk -v from="$ACTOR" "$AWK_JF"'
		FNR == NR { av[$1] = $2; lk[$1] = $3; next }
		{ a = jf($0, "amount"); d[jf($0, "to")] += a; d[from] -= a }
		END { for (k in av) printf "%s %.0f %s\n", k, av[k] + d[k], lk[k] }' \
		bal.before batch.ndjson | sort >bal.expected
}
check_transfer() {
	balances >bal.after
	cmp -s bal.after bal.expected ||
		fail "balances after the applied batch differ from the expected ones:
$(diff bal.expected bal.after | head -20)"
}

# buy ---------------------------------------------------------------------------------
before_buy() {
	balances >bal.before
	OPEN0=$(open_orders "$TARGET" "$ACTOR")
	# escrow: each buy at a limit above 0 locks ceil(q * limit / 1000)
	ESCROW=$(awk "$AWK_JF"'{ p = jf($0, "price"); q = jf($0, "qty_wh")
		if (p > 0) e += int((q * p + 999) / 1000) } END { printf "%.0f\n", e }' batch.ndjson)
	awk -v a="$ACTOR" -v e="$ESCROW" '
		$1 == a { printf "%s %.0f %.0f\n", $1, $2 - e, $3 + e; next } { print }' \
		bal.before >bal.expected
}
check_buy() {
	local open
	open=$(open_orders "$TARGET" "$ACTOR")
	[ "$open" -eq $((OPEN0 + BUY_ORDERS)) ] ||
		fail "$ACTOR has $open open orders in slot $TARGET, expected $OPEN0 + $BUY_ORDERS"
	balances >bal.after
	cmp -s bal.after bal.expected ||
		fail "balances after the applied buys (escrow $ESCROW) differ from the expected ones:
$(diff bal.expected bal.after | head -20)"
}

# sell --------------------------------------------------------------------------------
before_sell() {
	balances >bal.before
	OPEN0=$(open_orders "$TARGET" "$ACTOR")
	STAKE0=$(stake_locked "$ACTOR")
	# collateral: ceil(q * max(limit, 0) * penalty_bps / 10^7), penalty_bps 15000
	COLL=$(awk "$AWK_JF"'{ p = jf($0, "price"); q = jf($0, "qty_wh")
		if (p > 0) c += int((q * p * 15000 + 9999999) / 10000000) } END { printf "%.0f\n", c }' \
		batch.ndjson)
}
check_sell() {
	local open st
	open=$(open_orders "$TARGET" "$ACTOR")
	[ "$open" -eq $((OPEN0 + SELL_ORDERS)) ] ||
		fail "$ACTOR has $open open orders in slot $TARGET, expected $OPEN0 + $SELL_ORDERS"
	st=$(stake_locked "$ACTOR")
	[ "$st" -eq $((STAKE0 + COLL)) ] ||
		fail "$ACTOR's locked stake is $st, expected $STAKE0 + $COLL"
	balances >bal.after
	cmp -s bal.after bal.before || fail "sells changed token balances:
$(diff bal.before bal.after | head -20)"
}

# report ------------------------------------------------------------------------------
declare -A REPORTERS	# slot -> the oracles whose report batch on it applied
before_report() {
	:
}
check_report() {
	local s want got
	for s in $TARGET; do
		case " ${REPORTERS[$s]:-} " in
		*" $ACTOR "*) ;;
		*) REPORTERS[$s]="${REPORTERS[$s]:-} $ACTOR" ;;
		esac
		want=$(wc -w <<<"${REPORTERS[$s]}")
		got=$(gs-oracle show "#$s" --json | awk -v w="$want" "$AWK_JF"'
			jf($0, "reports") == w && jf($0, "status") == "pending" { n++ } END { print n + 0 }')
		[ "$got" -eq "$REPORT_PANELS" ] ||
			fail "slot $s: $got panels have $want pending reports, expected $REPORT_PANELS"
	done
}

# submit ------------------------------------------------------------------------------
before_submit() {
	balances >bal.before
}
# check_submit N: the balances are those after the first N transfers.
check_submit() {
	balances >bal.after
	head -n "$1" batch.ndjson | awk "$AWK_JF"'
		FNR == NR { av[$1] = $2; lk[$1] = $3; next }
		{
			from = jf($0, "actor"); r = $0
			while (match(r, /"to":"[^"]*","amount":[0-9]+/)) {
				it = substr(r, RSTART, RLENGTH); r = substr(r, RSTART + RLENGTH)
				split(it, f, "\"")
				a = substr(it, index(it, "\"amount\":") + 9)
				d[f[4]] += a; d[from] -= a
			}
		}
		END { for (k in av) printf "%s %.0f %s\n", k, av[k] + d[k], lk[k] }' \
		bal.before - | sort >bal.expected
	cmp -s bal.after bal.expected ||
		fail "balances after $1 of the submitted transfers differ from the expected ones:
$(diff bal.expected bal.after | head -20)"
}

# tick --------------------------------------------------------------------------------
# slot_states: "slot state next next_at" of every slot, by the clock of the tick.
slot_states() {
	GS_NOW=$T gs status --slots 1000 --json | awk "$AWK_JF"'
		jf($0, "type") == "slot" {
			n = jf($0, "next"); gsub(/ /, "_", n)
			s = jf($0, "state"); gsub(/ /, "_", s)
			print jf($0, "slot"), s, n, jf($0, "next_at")
		}'
}
# The tick's steps: 0 oracle finalize, 1 auction clear, 2 settlement compute,
# 3 settlement finalize (4 and 5, governance, have nothing to do here).
before_tick() {
	slot_states >slots.before
	# the steps that have something due, judged by the slot states
	DUE=$(awk -v t="$T" '
		$3 == "oracle_finalize" && $4 <= t { d[0] = 1; if ($2 == "cleared") d[2] = 1 }
		$2 == "gate_closed" { d[1] = 1 }
		$2 == "data_final" { d[2] = 1 }
		$2 == "computed" && $4 <= t { d[3] = 1 }
		END { for (i = 0; i <= 5; i++) if (i in d) printf " %d", i }' slots.before)
	DUE=${DUE# }
}
# check_tick PRESENT: the slot states are what the steps PRESENT make of them.
check_tick() {
	slot_states | awk '{ print $1, $2 }' >slots.after
	awk -v t="$T" -v present=" $1 " '
		function has(i) { return index(present, " " i " ") > 0 }
		{
			s = $2
			if ($3 == "oracle_finalize" && $4 <= t && s == "cleared" && has(0)) s = "data_final"
			if (s == "gate_closed" && has(1)) s = "cleared"
			if (s == "data_final" && has(2)) s = "computed"
			if ($2 == "computed" && $4 <= t && has(3)) s = "settled"
			print $1, s
		}' slots.before >slots.expected
	cmp -s slots.after slots.expected ||
		fail "slot states after steps [$1] of the tick differ from the expected ones:
$(diff slots.expected slots.after | head -20)"
}

# ---- one attempt ---------------------------------------------------------------------

KILLED_ABSENT=0		# killed before the commit: batch absent
KILLED_PRESENT=0	# killed after the commit: batch present
EXITED=0		# finished before the signal: batch present
NOTHING=0		# ticks with nothing due
PARTIAL=0		# ticks and submits killed between two of their txs
DRY_MS=0		# time in dry runs
declare -A K_ABSENT K_PRESENT

# dry_run COMMAND...: run the attempt to its end on a copy of the state
# file (dry/state.db): DUR (ms) and DRY_ROWS ("seq hash id" of its journal
# rows); dry_snap prints the "seq head digest" it left.
dry_run() {
	local f t0 st=0
	rm -rf dry
	mkdir dry
	for f in "$GS_DB" "$GS_DB-wal"; do
		[ ! -e "$f" ] || cp "$f" dry/
	done
	t0=$EPOCHREALTIME
	GS_DB=dry/state.db GS_NOW=$T "$@" "${IDOPT[@]}" <batch.ndjson >dry/out.ndjson 2>dry/err.txt || st=$?
	DUR=$(ms_since "$t0")
	DRY_MS=$((DRY_MS + DUR))
	[ "$st" = 0 ] || fail "the dry run exited $st: $(head -c 2000 dry/err.txt)"
	DRY_ROWS=$(GS_DB=dry/state.db journal_since "$T")
	DRY_SNAP=
}
DRY_SNAP=
dry_snap() {
	if [ -z "$DRY_SNAP" ]; then
		DRY_SNAP=$(GS_DB=dry/state.db snapshot) || fail "gs verify after the dry run failed"
	fi
	echo "$DRY_SNAP"
}

# attempt KIND ACTOR T TARGET COMMAND...: run COMMAND (stdin batch.ndjson) at
# clock T as tx ID, SIGKILL it after a random delay, check the state.
attempt() {
	KIND=$1 ACTOR=$2 T=$3 TARGET=$4
	shift 4
	ATTEMPT=$((ATTEMPT + 1))
	ID="$KIND-$ATTEMPT"
	IDOPT=(--id "$ID")
	[ "$KIND" != submit ] || IDOPT=()	# the ids are in the signed txs
	local range delay st snap rows n ndry outcome dry
	[ -e batch.ndjson ] || : >batch.ndjson
	dry_run "$@"
	"before_$KIND"
	range=$(((DUR * 3 + 1) / 2 + 1))
	[ "$range" -le "$MAX_SLEEP_MS" ] || range=$MAX_SLEEP_MS
	rand $((range + 1))
	delay=$R

	GS_NOW=$T "$@" "${IDOPT[@]}" <batch.ndjson >out.ndjson 2>err.txt &
	BATCH=$!
	sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
	kill -9 "$BATCH" 2>/dev/null || true
	st=0
	wait "$BATCH" 2>/dev/null || st=$?
	BATCH=
	case $st in
	0 | 137) ;;
	*) fail "the batch exited $st: $(head -c 2000 err.txt)" ;;
	esac

	# whatever happened, the file verifies and replays
	snap=$(snapshot --replay) || fail "gs verify --replay failed after a kill at $delay ms:
$snap"
	# the journal rows of this attempt (its clock is later than all before)
	rows=$(journal_since "$T")
	n=$(grep -c . <<<"$rows" || true)
	ndry=$(grep -c . <<<"$DRY_ROWS" || true)
	if [ "$n" -gt "$ndry" ] || [ "$rows" != "$(head -n "$n" <<<"$DRY_ROWS")" ]; then
		fail "the journal rows since the attempt's clock are not the first of the dry run's:
$rows
-- dry run:
$DRY_ROWS"
	fi
	[ "$st" != 0 ] || [ "$n" = "$ndry" ] ||
		fail "exited 0 with $n of the dry run's $ndry journal rows"
	if [ "$n" = 0 ]; then
		# wholly absent: journal head and every state table as before
		[ "$snap" = "$SNAP" ] || fail "the batch is absent from the journal, but the state changed:
before: $SNAP
after:  $snap"
	elif [ "$n" = "$ndry" ]; then
		# wholly present: exactly what the dry run left
		dry_snap >/dev/null
		dry=$DRY_SNAP
		[ "$snap" = "$dry" ] || fail "the batch is in the journal, but the state is not the dry run's:
dry run: $dry
after:   $snap"
	fi

	if [ "$KIND" = tick ]; then
		local present='' id
		while read -r _ _ id; do
			[ -z "$id" ] || present="$present ${id##*.}"
		done <<<"$rows"
		present=${present# }
		[ "$(cut -d' ' -f3 <<<"$DRY_ROWS" | sed 's/.*\.//' | xargs)" = "$DUE" ] ||
			fail "the dry run did steps [$(cut -d' ' -f3 <<<"$DRY_ROWS" | xargs)], due were [$DUE]"
		check_tick "$present"
	elif [ "$KIND" = submit ]; then
		[ "$ndry" = "$SUBMIT_TXS" ] ||
			fail "the dry run applied $ndry of the $SUBMIT_TXS submitted txs"
		check_submit "$n"
	else
		if [ "$ndry" != 1 ] || [ "$(cut -d' ' -f3 <<<"$DRY_ROWS")" != "$ID" ]; then
			fail "the dry run left $ndry journal rows since its clock: $DRY_ROWS"
		fi
		[ "$n" = 0 ] || "check_$KIND"
	fi

	[ "$n" = 0 ] || [ "$n" = "$ndry" ] || PARTIAL=$((PARTIAL + 1))
	if [ "$ndry" = 0 ]; then
		NOTHING=$((NOTHING + 1))
		outcome="nothing due"
	elif [ "$n" = 0 ]; then
		KILLED_ABSENT=$((KILLED_ABSENT + 1))
		K_ABSENT[$KIND]=$((${K_ABSENT[$KIND]:-0} + 1))
		outcome=absent
	else
		if [ "$st" = 0 ]; then
			EXITED=$((EXITED + 1))
			outcome="present (had exited)"
		else
			KILLED_PRESENT=$((KILLED_PRESENT + 1))
			outcome=present
		fi
		[ "$n" = "$ndry" ] || outcome="$outcome: $n of $ndry txs"
		K_PRESENT[$KIND]=$((${K_PRESENT[$KIND]:-0} + 1))
	fi
	SNAP=$snap
	case $KIND in
	tick)
		if [ "$n" -lt "$ndry" ]; then
			recover "$n"
			outcome="$outcome; the rest done by the next tick"
		fi
		;;
	submit)
		recover "$n"
		outcome="$outcome; submitted again: $n duplicate"
		;;
	*)
		retry "$n" "$@"
		outcome="$outcome; run again: $([ "$n" = 1 ] && echo duplicate || echo applied)"
		;;
	esac
	printf '%s: #%-3d %-8s %-5s run %3d ms, killed at %3d ms: %s\n' "$prog" "$ATTEMPT" "$KIND" \
		"$ACTOR" "$DUR" "$delay" "$outcome"
	rm -f batch.ndjson
}

# retry N COMMAND...: run a batch whose tx is in the journal (N 1) or not
# (N 0) again with the same id, as a retrying cron job would: it must answer
# "duplicate" and change nothing, or apply, and leave exactly the dry run's
# state, with the expected effects.
retry() {
	local n=$1 st=0 want=applied
	shift
	[ "$n" = 0 ] || want=duplicate
	GS_NOW=$T "$@" --id "$ID" <batch.ndjson >out.ndjson 2>err.txt || st=$?
	[ "$st" = 0 ] || fail "run again, the batch exited $st: $(head -c 2000 err.txt)"
	grep -q "\"type\":\"receipt\",\"id\":\"$ID\",\"status\":\"$want\"" out.ndjson ||
		fail "run again, the batch did not answer $want: $(head -c 500 out.ndjson)"
	SNAP=$(snapshot) || fail "gs verify failed after the batch was run again: $SNAP"
	dry_snap >/dev/null
	[ "$SNAP" = "$DRY_SNAP" ] || fail "run again, the batch did not leave the dry run's state"
	[ "$n" = 1 ] || "check_$KIND"
}

# recover N: a tick or submit was cut after N of its txs; run it again to its
# end, as cron's next run or a retry would (a tick under another id, the
# submit with the same signed txs). It must do exactly the rest of the dry
# run's txs and leave the slot states of the dry run (tick), or exactly the
# dry run's state (submit: the same txs, the first N answered "duplicate").
recover() {
	local st=0 rows want got dups
	if [ "$KIND" = tick ]; then
		GS_NOW=$T gs tick --as admin --id "$ID-r" </dev/null >out.ndjson 2>err.txt || st=$?
	else
		GS_NOW=$T gs submit <batch.ndjson >out.ndjson 2>err.txt || st=$?
	fi
	[ "$st" = 0 ] || fail "the second run exited $st: $(head -c 2000 err.txt)"
	SNAP=$(snapshot --replay) || fail "gs verify --replay failed after the second run: $SNAP"
	rows=$(journal_since "$T" | tail -n +$(($1 + 1)))
	got=$(cut -d' ' -f3 <<<"$rows" | sed 's/.*\.//' | xargs)
	want=$(tail -n +$(($1 + 1)) <<<"$DRY_ROWS" | cut -d' ' -f3 | sed 's/.*\.//' | xargs)
	[ "$got" = "$want" ] || fail "the second run did txs [$got], the rest of the dry run's is [$want]"
	if [ "$KIND" = tick ]; then
		slot_states >slots.after
		GS_DB=dry/state.db slot_states >slots.expected
		cmp -s slots.after slots.expected ||
			fail "slot states after the second run differ from the dry run's:
$(diff slots.expected slots.after | head -20)"
	else
		dups=$(grep -c '"status":"duplicate"' out.ndjson || true)
		[ "$dups" = "$1" ] || fail "the second submit answered $dups duplicates, expected $1"
		dry_snap >/dev/null
		[ "$SNAP" = "$DRY_SNAP" ] || fail "the state after the second submit is not the dry run's"
		check_submit "$SUBMIT_TXS"
	fi
}

# ---- the cycles --------------------------------------------------------------------

cycle=0
while [ $ATTEMPT -lt "$KILLS" ]; do
	B=$((B0 + cycle * SLOT))
	N=$((N0 + cycle))	# the cycle's slot
	# five batches in random order, one second apart, then the tick
	kinds=(transfer buy sell report submit)
	for i in 4 3 2 1; do
		rand $((i + 1))
		tmp=${kinds[$i]}
		kinds[i]=${kinds[R]}
		kinds[R]=$tmp
	done
	j=0
	for kind in "${kinds[@]}" tick; do
		[ $ATTEMPT -lt "$KILLS" ] || break
		j=$((j + 1))
		T=$((B + j))
		rand 2147483646
		gseed=$((R + 1))
		case $kind in
		transfer)
			actor=${PAYERS[$((cycle % 4))]}
			gen_transfers "$actor" "$gseed" >batch.ndjson
			attempt transfer "$actor" "$T" - gs-token transfer --as "$actor"
			;;
		buy)	# for the slot after next: its gate closes at B + 1500
			actor=${BUYERS[$((cycle % 2))]}
			gen_buys $((N + 2)) "$gseed" >batch.ndjson
			attempt buy "$actor" "$T" $((N + 2)) gs-auction order --as "$actor"
			;;
		sell)
			actor=${SELLERS[$((cycle % 2))]}
			gen_sells $((N + 2)) "$gseed" $((1 + 4 * (cycle % 2))) >batch.ndjson
			attempt sell "$actor" "$T" $((N + 2)) gs-auction order --as "$actor"
			;;
		report)	# the two slots that ended last (finalized 30 minutes after)
			actor=${ORACLES[$((cycle % 2))]}
			gen_reports $((N - 1)) $((N - 2)) >batch.ndjson
			attempt report "$actor" "$T" "$((N - 1)) $((N - 2))" gs-oracle report --as "$actor"
			;;
		submit)
			gen_submit "$gseed" >batch.ndjson
			attempt submit - "$T" - gs submit
			;;
		tick)	# after the gate of the next slot closed
			attempt tick admin $((B + SLOT - 300 + 1)) - gs tick --as admin
			;;
		esac
	done
	cycle=$((cycle + 1))
done

# the market after all that: a tick far later settles everything
KIND=end
GS_NOW=$((B0 + (cycle + 8) * SLOT)) gs tick --as admin >/dev/null 2>&1 || fail "the final tick failed"
snap=$(snapshot --replay) || fail "gs verify --replay failed after the final tick: $snap"

summary=
for kind in transfer buy sell report submit tick; do
	summary="$summary $kind ${K_ABSENT[$kind]:-0}/${K_PRESENT[$kind]:-0}"
done
echo "$prog: seed $SEED: $ATTEMPT kills in $cycle cycles survived, $(ms_since "$t_start") ms ($DRY_MS in dry runs), journal at seq $(cut -d' ' -f1 <<<"$snap")"
echo "$prog: killed mid-tx (absent): $KILLED_ABSENT; after the commit (present): $KILLED_PRESENT, and $EXITED more had exited; ticks and submits cut between two txs: $PARTIAL; ticks with nothing due: $NOTHING"
echo "$prog: absent/present by kind:$summary"
echo "kills: $ATTEMPT, mid-tx: $KILLED_ABSENT, after commit: $((KILLED_PRESENT + EXITED)), nothing due: $NOTHING, inconsistent: 0"
