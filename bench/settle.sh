#!/usr/bin/env bash
# bench/settle.sh - compute and finalize the settlement of one slot with N
# participants, against a raw SQLite + jansson baseline (DESIGN.md 12:
# "compute + finalize settlement of a slot with 100,000 participants:
# <= 3 s").
#
#   bench/settle.sh [N]              N participants (default 100000; even,
#                                    at least 2000 so that there is a whale)
#   RUNS=3 bench/settle.sh 10000     timed runs per stage (median reported)
#
# Environment:
#   RUNS         timed runs per stage (default 3)
#   CHECK        =0: skip the checks of the first run's end state (gs verify,
#                sum of nets + dust, the baseline's state against gs's);
#                default 1. They are never timed
#   CHUNK        lines per mint, panel-register and oracle-report process
#                while preparing (default 10000: one tx each)
#   BENCH_WORK   scratch directory (default bench/work); everything of this
#                stage lives in BENCH_WORK/settle. The prepared state of each
#                N is cached there and rebuilt only when the programs (or
#                libgridset, or bench/gen.c) change
#   BENCH_APPEND =1: append to bench/results/settle.ndjson (bench/run sets
#                it); otherwise the file is overwritten
#   GS_BIN_DIR   directory holding gs, gs-auction, gs-oracle, gs-panel,
#                gs-settle, gs-stake and gs-token (overrides the lookup). If
#                it also holds libgridset.so.0, the programs run with
#                LD_LIBRARY_PATH pointing there and the generator links
#                against it (else against the tree's lib/.libs), e.g. a
#                build of a clean checkout while the tree holds others' work
#                in progress
#
# Binaries, first found wins (the choice is printed and recorded), as in
# bench/auction.sh:
#   1. $GS_BIN_DIR/gs*
#   2. <tree>/bin/.libs/gs* and <tree>/lib/.libs/libgridset.so.0, copied to
#      BENCH_WORK/settle/bin and run with LD_LIBRARY_PATH pointing there
#   3. <tree>/bin/gs*: the libtool wrappers
#   4. gs, gs-settle, ... on PATH
# The baseline is bench/baseline (`baseline settle DB ...`), compiled here
# if missing or stale with
#   cc -O2 bench/baseline.c $(pkg-config --cflags --libs sqlite3 jansson) -o bench/baseline
# The generator bench/gen.c is compiled into BENCH_WORK/settle/gen against
# the library in use (header lib/gridset.h; jansson and libsodium via
# pkg-config, the project's own build dependencies).
#
# Scenario (see bench/gen.c): N/2 sellers s0.., each owning one panel and
# staked, with one sell order; N/2 buyers b0.., one buy order each; every
# buy is above every sell and both sides add up to the same volume, so the
# clearing fills every order in full and all N accounts are participants.
# The oracle reports every panel but 5% (void sales), 15% of the panels
# under-produce (shortfall, penalty, compensation), and every 1000th seller
# is a "whale" (200 kWh, no production, minimum stake) whose penalty
# exceeds its stake (debt).
#
# Prepared state (once per N and program build; all of it untimed), on the
# timeline of the worked example of DESIGN 8 (slot 2026-11-25T10:00Z,
# #1995112 with the default 900 s slots):
#   08:00Z  `gs key new` + `gs init --admin admin` (admin holds every role);
#           operator (role operator) and oracle1 (role oracle, minted 1000,
#           staked 200: oracle_min_stake is 100) registered by the CLI;
#           `gen settle` writes the participants' txs pre-signed;
#           `gs submit` of N account.register txs; `gs-token mint --as
#           admin` of 100 credits to every participant and `gs-panel
#           register --as admin` of the N/2 panels (CHUNK items per tx);
#           `gs submit` of N/2 stake.deposit (20 credits; whales 10, the
#           seller_min_stake) and N auction.order txs
#   10:00Z  `gs-auction clear #SLOT --as operator` (gate closed 09:55Z)
#   10:20Z  `gs-oracle report --as oracle1` of the readings (CHUNK a tx)
#   10:31Z  `gs-oracle finalize #SLOT --as operator`: the unreported panels
#           that sold become unverified
# This takes 15 s at N=10000 and 15.5 min at N=100000 on the machine of
# bench/README.md: the registrations and deposits are quadratic in the
# library (each builds a record with a query that scans every account), so
# N=1000000 would take about a day; the phases and their times are printed
# and recorded.
# The state is then kept in BENCH_WORK/settle/setup-N<N>/gridset.db. Its
# clearing must give P = 110500 (0.1105 credits/kWh), volume = the generated
# volume, every order filled; the finalize must mark the reported panels
# final and the others unverified.
#
# Timed stages (each run starts from a fresh copy of the prepared state):
#   compute   GS_NOW 10:31Z: `gs-settle compute #SLOT --as operator --json`:
#             one tx that reads the fills, locks and production, computes
#             every position and writes them (state "computed")
#   finalize  GS_NOW compute + dispute_window_s (11:31Z), on the state the
#             compute left: `gs-settle finalize #SLOT --as operator --json`:
#             one tx that recomputes from the state, closes every escrow and
#             collateral lock, moves every balance and stake, rewrites the
#             positions (state "final")
#   sum       compute + finalize of the same run (the DESIGN 12 target)
# Baseline (same run, on its own fresh copies of the same prepared state:
# the same tables, indexes and rows): `baseline settle DB --slot SLOT
# --compute` (read, compute, write the positions and the settlement row, one
# transaction) for the compute row; `baseline settle DB --slot SLOT` (the
# whole settlement in one transaction: read, compute, positions, every lock,
# balance, stake row, checkpoint, vault, treasury) for the finalize and sum
# rows; see bench/baseline.c. gs does the read and compute twice by design
# (finalize recomputes from the state), the baseline once.
#
# Checks: every gs tx applied; the settlement records give N participants,
# the price and the delivered / shortfall / void totals the generator
# predicts, state computed then final; the baseline gives the same totals,
# penalties and dust. On the first run (CHECK=1, untimed): `gs verify` of
# the final state says ok (chain, signatures, invariants, among them "a
# slot's nets plus its dust sum to zero" and "an account of a settled slot
# still holds its locks"), and, with the sqlite3 shell, the positions count
# N, sum with the dust to 0 and carry some debt, and the baseline's end
# state has the same positions, balances, stakes, stake total, checkpoints,
# locks, stake locks and supply as gs's (the baseline is given the
# finalize's seq and time for this).
#
# Wall time via $EPOCHREALTIME around each process; peak RSS from GNU time
# (/usr/bin/time -f %M) when installed, else n/a.
set -euo pipefail
export LC_ALL=C

N=${1:-100000}
RUNS=${RUNS:-3}
CHECK=${CHECK:-1}
CHUNK=${CHUNK:-10000}
SEED=42
MINT_CR=100			# credits minted to every participant
STAKE_CR=20			# credits each seller stakes (whales: seller_min_stake)
SETUP_NOW=1795593600		# 2026-11-25T08:00:00Z
SLOT_START=1795600800		# 2026-11-25T10:00:00Z: the slot traded
REPORT_AFTER=300		# the oracle reports 5 min after the slot's end

isint() { case $1 in ''|*[!0-9]*) return 1;; esac; (($1 > 0)); }
isint "$N" || { echo "settle.sh: N must be a positive integer" >&2; exit 2; }
((N % 2 == 0 && N >= 2000)) || { echo "settle.sh: N must be even and at least 2000" >&2; exit 2; }
isint "$RUNS" || { echo "settle.sh: RUNS must be a positive integer" >&2; exit 2; }
isint "$CHUNK" || { echo "settle.sh: CHUNK must be a positive integer" >&2; exit 2; }

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
WORK=${BENCH_WORK:-$BENCH/work}/settle
RESULTS=$BENCH/results
mkdir -p "$WORK" "$RESULTS"

die() { echo "settle.sh: $*" >&2; exit 1; }

# ---- binaries ----
PROGS="gs gs-auction gs-oracle gs-panel gs-settle gs-stake gs-token"
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"
# shellcheck disable=SC2086
pick_programs "$WORK" $PROGS
GS=$BIN/gs GS_AUCTION=$BIN/gs-auction GS_ORACLE=$BIN/gs-oracle
GS_PANEL=$BIN/gs-panel GS_SETTLE=$BIN/gs-settle GS_STAKE=$BIN/gs-stake
GS_TOKEN=$BIN/gs-token
# Identity of the programs in use and of the generator's source: the
# cached states are rebuilt when it changes.
# shellcheck disable=SC2086
BIN_ID=$( (cd "$BIN" && cat $PROGS; [[ -z $LIBDIR ]] || cat "$LIBDIR/libgridset.so.0"; cat "$BENCH/gen.c") | cksum | cut -d' ' -f1)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo true || echo false)

HAVE_SQLITE3=0
command -v sqlite3 >/dev/null && HAVE_SQLITE3=1

# ---- prepared state (once per N and program build) ----
SETUP=$WORK/setup-N$N
IN=$SETUP/input
SETUP_S=
if [[ ! -s $SETUP/gridset.db || ! -s $SETUP/summary.json ||
	$(cat "$SETUP/bin-id" 2>/dev/null) != "$BIN_ID" ]]; then
	[[ -n $LIBDIR ]] || die "the generator needs libgridset.so.0: build the tree or put it in GS_BIN_DIR"
	echo "settle setup: N=$N participants (generator, gs submit, mint, panels, orders, clear, oracle) ..." >&2
	rm -rf "$SETUP"
	mkdir -p "$SETUP/keys" "$IN"
	# shellcheck disable=SC2046
	cc -O2 -I"$ROOT/lib" "$BENCH/gen.c" "$LIBDIR/libgridset.so.0" \
		$(pkg-config --cflags --libs jansson libsodium) -Wl,-rpath,"$LIBDIR" \
		-o "$WORK/gen" || die "cannot build the generator (bench/gen.c)"
	# shellcheck disable=SC2030 # the setup's environment stays in its subshell
	(
		export GS_KEYDIR=$SETUP/keys GS_DB=$SETUP/gridset.db GS_NOW=$SETUP_NOW
		exec 2>"$SETUP/setup.err"
		log=$SETUP/setup.log
		step() { printf '%s %s s\n' "$1" "$(since "$2")" >>"$SETUP/phases"; }
		t=$(now)
		{
			"$GS" key new admin && "$GS" init --admin admin &&
			"$GS" key new operator && "$GS" account register --as operator &&
			"$GS" admin grant operator operator --as admin &&
			"$GS" key new oracle1 && "$GS" account register --as oracle1 &&
			"$GS" admin grant oracle oracle1 --as admin &&
			"$GS_TOKEN" mint --to oracle1 1000 --as admin &&
			"$GS_STAKE" deposit 200 --as oracle1
		} >"$log" || exit 1
		step genesis "$t"
		params=$("$GS" params --json)
		param() { sed -n "s/.*\"name\":\"$1\",\"value\":\(-*[0-9]*\).*/\1/p" <<<"$params"; }
		dec=$(param decimals) min=$(param seller_min_stake) ss=$(param slot_seconds)
		[[ -n $dec && -n $min && -n $ss ]] || exit 1
		unit=1
		for ((i = 0; i < dec; i++)); do unit=$((unit * 10)); done
		t=$(now)
		"$WORK/gen" settle "$IN" --participants "$N" --slot $((SLOT_START / ss)) \
			--time "$SETUP_NOW" --mint $((MINT_CR * unit)) --stake $((STAKE_CR * unit)) \
			--whale-stake "$min" --seed "$SEED" >"$SETUP/summary.json" || exit 1
		step generate "$t"
		t=$(now)
		"$GS" submit --json <"$IN/register.ndjson" >"$SETUP/register.out" || exit 1
		step "submit: $N account.register" "$t"
		split -l "$CHUNK" -a 4 -d "$IN/mint.ndjson" "$IN/mint-"
		split -l "$CHUNK" -a 4 -d "$IN/panels.ndjson" "$IN/panels-"
		split -l "$CHUNK" -a 4 -d "$IN/readings.ndjson" "$IN/readings-"
		t=$(now)
		for f in "$IN"/mint-*; do
			"$GS_TOKEN" mint --as admin --json <"$f" >>"$log" || exit 1
		done
		step "gs-token mint ($N items)" "$t"
		t=$(now)
		for f in "$IN"/panels-*; do
			"$GS_PANEL" register --as admin --json <"$f" >>"$log" || exit 1
		done
		step "gs-panel register ($((N / 2)) items)" "$t"
		t=$(now)
		"$GS" submit --json <"$IN/trade.ndjson" >"$SETUP/trade.out" || exit 1
		step "submit: $((N / 2)) stake.deposit + $N auction.order" "$t"
		t=$(now)
		GS_NOW=$SLOT_START "$GS_AUCTION" clear "#$((SLOT_START / ss))" --as operator \
			--json >"$SETUP/clear.out" || exit 1
		step "gs-auction clear" "$t"
		t=$(now)
		for f in "$IN"/readings-*; do
			GS_NOW=$((SLOT_START + ss + REPORT_AFTER)) "$GS_ORACLE" report --as oracle1 \
				--json <"$f" >>"$log" || exit 1
		done
		step "gs-oracle report" "$t"
	) || { tail -n 5 "$SETUP/setup.err" >&2; rm -f "$SETUP/gridset.db"; die "setup failed (see $SETUP/setup.err)"; }
	echo "$BIN_ID" >"$SETUP/bin-id.pending"
fi
# shellcheck disable=SC2031 # set here for the timed runs
export GS_KEYDIR=$SETUP/keys

# The slot and the times, from the state's parameters.
PARAMS=$(GS_DB=$SETUP/gridset.db "$GS" params --json)
param() { sed -n "s/.*\"name\":\"$1\",\"value\":\(-*[0-9]*\).*/\1/p" <<<"$PARAMS"; }
SLOT_S=$(param slot_seconds)
VERIFY_S=$(param verification_period_s)
WINDOW_S=$(param dispute_window_s)
[[ -n $SLOT_S && -n $VERIFY_S && -n $WINDOW_S ]] ||
	die "cannot read slot_seconds / verification_period_s / dispute_window_s"
((SLOT_START % SLOT_S == 0)) || die "slot_seconds $SLOT_S does not divide the slot start"
SLOT=$((SLOT_START / SLOT_S))
COMPUTE_NOW=$((SLOT_START + SLOT_S + VERIFY_S + 60))	# oracle data final (10:31Z)
FINAL_NOW=$((COMPUTE_NOW + WINDOW_S))			# dispute window over (11:31Z)

S=$SETUP/summary.json
sfield() { field "$1" "$S"; }
VOLUME=$(sfield volume_wh) REPORTED=$(sfield reported) UNREPORTED=$(sfield unreported)
DELIVERED=$(sfield delivered_wh) SHORTFALL=$(sfield shortfall_wh) VOID=$(sfield void_wh)
SELL_HI=$(sfield sell_hi) BUY_LO=$(sfield buy_lo) WHALES=$(sfield whales) SHORT=$(sfield short)
PRICE=$((SELL_HI + (BUY_LO - SELL_HI) / 2))

# Finish and check the prepared state (first time only).
if [[ -e $SETUP/bin-id.pending ]]; then
	applied "$SETUP/register.out" "$N" "account.register"
	applied "$SETUP/trade.out" $((N * 3 / 2)) "stake.deposit + auction.order"
	applied "$SETUP/clear.out" 1 "gs-auction clear"
	p=$(field price "$SETUP/clear.out") v=$(field volume_wh "$SETUP/clear.out") o=$(field orders "$SETUP/clear.out")
	[[ $p == "$PRICE" && $v == "$VOLUME" && $o == "$N" ]] ||
		die "clear: price $p volume $v orders $o; expected $PRICE, $VOLUME, $N"
	# Each side's orders add up to the volume and no fill exceeds its
	# order: N fills adding up to twice the volume are every order in full.
	read -r nfill sfill < <(awk -F'"qty_wh":' '/"type":"fill"/ { q = $2 + 0; if (q > 0) n++; s += q }
		END { printf "%d %.0f\n", n, s }' "$SETUP/clear.out")
	((nfill == N && sfill == 2 * VOLUME)) ||
		die "clear: $nfill fills adding up to $sfill Wh; expected $N and $((2 * VOLUME))"
	t=$(now)
	GS_DB=$SETUP/gridset.db GS_NOW=$COMPUTE_NOW "$GS_ORACLE" finalize "#$SLOT" --as operator \
		--json >"$SETUP/finalize.out" 2>>"$SETUP/setup.err" || die "oracle finalize failed"
	printf 'gs-oracle finalize %s s\n' "$(since "$t")" >>"$SETUP/phases"
	applied "$SETUP/finalize.out" 1 "gs-oracle finalize"
	f=$(field final "$SETUP/finalize.out") u=$(field unverified "$SETUP/finalize.out")
	[[ $f == "$REPORTED" && $u == "$UNREPORTED" ]] ||
		die "oracle finalize: final $f unverified $u; expected $REPORTED, $UNREPORTED"
	SETUP_S=$(awk '{ s += $(NF - 1) } END { printf "%.2f", s }' "$SETUP/phases")
	mv "$SETUP/bin-id.pending" "$SETUP/bin-id"
	echo "settle setup: done in $SETUP_S s (not part of any timing below):" >&2
	sed 's/^/  /' "$SETUP/phases" >&2
fi

# ---- timed runs ----
RUN=$WORK/run
mkdir -p "$RUN"
declare -a cmp_t=() cmp_rss=() fin_t=() fin_rss=() sum_t=()
declare -a bcmp_t=() bcmp_rss=() bfull_t=() bfull_rss=()
FIN_SEQ=

# settlement_check OUT STATE: the settlement record of OUT has STATE and
# the generator's totals.
settlement_check() {
	local out=$1 state=$2 got want
	grep -q '"type":"settlement"' "$out" || die "no settlement record: $(head -c 300 "$out")"
	got="$(field state "$out") $(field price "$out") $(field participants "$out") $(field delivered_wh "$out") $(field shortfall_wh "$out") $(field void_wh "$out")"
	want="$state $PRICE $N $DELIVERED $SHORTFALL $VOID"
	[[ $got == "$want" ]] || die "settlement (state price participants delivered shortfall void): $got; expected $want"
}

echo "settle: N=$N (slot $SLOT, $((N / 2)) sellers of which $WHALES whales, $SHORT short, $UNREPORTED unreported; price $PRICE) RUNS=$RUNS binaries: $BIN_KIND" >&2
GS_PEN='' GS_DUST=''
for ((r = 1; r <= RUNS; r++)); do
	st="  run $r:"
	copy_state "$SETUP/gridset.db" "$RUN/settle.db"
	GS_DB=$RUN/settle.db GS_NOW=$COMPUTE_NOW run_timed /dev/null "$RUN/compute.out" \
		"$GS_SETTLE" compute "#$SLOT" --as operator --json
	cmp_t+=("$T") cmp_rss+=("$RSS")
	applied "$RUN/compute.out" 1 "gs-settle compute"
	settlement_check "$RUN/compute.out" computed
	GS_DB=$RUN/settle.db GS_NOW=$FINAL_NOW run_timed /dev/null "$RUN/finalize.out" \
		"$GS_SETTLE" finalize "#$SLOT" --as operator --json
	fin_t+=("$T") fin_rss+=("$RSS")
	applied "$RUN/finalize.out" 1 "gs-settle finalize"
	settlement_check "$RUN/finalize.out" final
	sum_t+=("$(add "${cmp_t[-1]}" "$T")")
	pen=$(field penalties "$RUN/finalize.out") dust=$(field dust "$RUN/finalize.out")
	if [[ -z $GS_PEN ]]; then
		GS_PEN=$pen GS_DUST=$dust FIN_SEQ=$(field seq "$RUN/finalize.out")
	elif [[ $pen != "$GS_PEN" || $dust != "$GS_DUST" ]]; then
		die "run $r: penalties $pen dust $dust, first run $GS_PEN $GS_DUST"
	fi
	st+=" compute ${cmp_t[-1]}s finalize ${fin_t[-1]}s"
	if ((r == 1 && CHECK)); then
		GS_DB=$RUN/settle.db GS_NOW=$FINAL_NOW "$GS" verify --json >"$RUN/verify.out" 2>&1 ||
			die "gs verify failed: $(head -c 400 "$RUN/verify.out")"
		grep -q '"ok":true' "$RUN/verify.out" || die "gs verify: $(head -c 400 "$RUN/verify.out")"
		cp "$RUN/settle.db" "$RUN/gs-final.db"
		[[ ! -e $RUN/settle.db-wal ]] || cp "$RUN/settle.db-wal" "$RUN/gs-final.db-wal"
	fi

	# baseline: compute only, then the whole settlement, each on a fresh copy
	copy_state "$SETUP/gridset.db" "$RUN/base.db"
	run_timed /dev/null "$RUN/base-compute.out" "$BASELINE" settle "$RUN/base.db" \
		--slot "$SLOT" --time "$COMPUTE_NOW" --compute
	bcmp_t+=("$T") bcmp_rss+=("$RSS")
	copy_state "$SETUP/gridset.db" "$RUN/base.db"
	run_timed /dev/null "$RUN/base.out" "$BASELINE" settle "$RUN/base.db" \
		--slot "$SLOT" --time "$FINAL_NOW" --seq "$FIN_SEQ"
	bfull_t+=("$T") bfull_rss+=("$RSS")
	for o in "$RUN/base-compute.out" "$RUN/base.out"; do
		got="$(field participants "$o") $(field price "$o") $(field delivered_wh "$o") $(field shortfall_wh "$o") $(field void_wh "$o") $(field penalties "$o") $(field dust "$o")"
		want="$N $PRICE $DELIVERED $SHORTFALL $VOID $GS_PEN $GS_DUST"
		[[ $got == "$want" ]] || die "baseline (participants price delivered shortfall void penalties dust): $got; gs: $want"
		(($(field net_sum "$o") + GS_DUST == 0)) || die "baseline: nets + dust = $(($(field net_sum "$o") + GS_DUST))"
	done
	st+=" sum ${sum_t[-1]}s | baseline compute ${bcmp_t[-1]}s settle ${bfull_t[-1]}s"

	if ((r == 1 && CHECK)) && [[ $HAVE_SQLITE3 == 1 ]]; then
		got=$(sqlite3 "$RUN/gs-final.db" "SELECT count(*), sum(net) + (SELECT dust FROM settlements WHERE slot = $SLOT), sum(debt) FROM positions WHERE slot = $SLOT" | tr '|' ' ')
		read -r pn pz pd <<<"$got"
		((pn == N && pz == 0 && pd > 0)) || die "gs positions: $pn rows, nets + dust $pz, debt $pd"
		for q in "positions WHERE slot = $SLOT ORDER BY account" "balances ORDER BY account" \
			"stakes ORDER BY account" "stake_total" "stake_checkpoints ORDER BY account, seq" \
			"locks ORDER BY id" "stake_locks ORDER BY id" "supply"; do
			a=$(sqlite3 "$RUN/gs-final.db" "SELECT * FROM $q" | cksum)
			b=$(sqlite3 "$RUN/base.db" "SELECT * FROM $q" | cksum)
			[[ $a == "$b" ]] || die "the baseline's end state differs from gs's in: SELECT * FROM $q"
		done
		st+=" (checked: gs verify ok, nets + dust = 0, baseline state = gs state)"
	fi
	echo "$st" >&2
done

# ---- report ----
OUT=$RESULTS/settle.ndjson
[[ ${BENCH_APPEND:-0} == 1 ]] || : >"$OUT"
DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
CORES=$(nproc 2>/dev/null || echo 0)

# row STAGE ITEMS MED BASE_MED RSS BASE_RSS BASELINE_NAME
row() {
	local ratio us rss=$5 brss=$6
	ratio=$(awk -v a="$3" -v b="$4" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "null" }')
	us=$(awk -v a="$3" -v n="$2" 'BEGIN { printf "%.3f", a / n * 1e6 }')
	[[ $rss == n/a ]] && rss=null
	[[ $brss == n/a ]] && brss=null
	printf '{"bench":"settle","stage":"%s","items":%d,"slot":%d,"price":%s,"penalties":%s,"dust":%s,"runs":%d,"median_s":%s,"baseline":"%s","baseline_median_s":%s,"ratio":%s,"us_per_item":%s,"peak_rss_kib":%s,"baseline_peak_rss_kib":%s,"binaries":"%s","commit":"%s","dirty":%s,"cores":%d,"date":"%s"}\n' \
		"$1" "$2" "$SLOT" "$PRICE" "$GS_PEN" "$GS_DUST" "$RUNS" "$3" "$7" "$4" "$ratio" "$us" "$rss" "$brss" "$BIN_KIND" "$COMMIT" "$DIRTY" "$CORES" "$DATE" >>"$OUT"
	printf '%-34s %9d %9.4f %10.4f %7s %9.2f %10s %10s\n' "$1" "$2" "$3" "$4" "$ratio" "$us" "$5" "$6"
}

CMP_MED=$(median "${cmp_t[@]}") FIN_MED=$(median "${fin_t[@]}") SUM_MED=$(median "${sum_t[@]}")
CMP_RSS=$(maxrss "${cmp_rss[@]}") FIN_RSS=$(maxrss "${fin_rss[@]}")
BCMP_MED=$(median "${bcmp_t[@]}") BFULL_MED=$(median "${bfull_t[@]}")
BCMP_RSS=$(maxrss "${bcmp_rss[@]}") BFULL_RSS=$(maxrss "${bfull_rss[@]}")
echo
echo "settlement, N=$N participants (slot $SLOT, price $PRICE, volume $VOLUME Wh, delivered $DELIVERED, shortfall $SHORTFALL, void $VOID; penalties $GS_PEN, dust $GS_DUST), median of $RUNS; binaries: $BIN_KIND (commit $COMMIT, dirty $DIRTY); $CORES cores"
printf '%-34s %9s %9s %10s %7s %9s %10s %10s\n' stage items median_s baseline_s ratio us/item rss_KiB base_KiB
row "compute: gs-settle compute" "$N" "$CMP_MED" "$BCMP_MED" "$CMP_RSS" "$BCMP_RSS" "baseline settle --compute"
row "finalize: gs-settle finalize" "$N" "$FIN_MED" "$BFULL_MED" "$FIN_RSS" "$BFULL_RSS" "baseline settle"
row "compute + finalize" "$N" "$SUM_MED" "$BFULL_MED" "$(maxrss "$CMP_RSS" "$FIN_RSS")" "$BFULL_RSS" "baseline settle"
echo "(target, DESIGN 12, at N=100000: compute + finalize <= 3 s; peak RSS < 262144 KiB. The compute row's"
echo " baseline computes and writes the positions only; the other rows' does the whole settlement once.)"
if [[ -n $SETUP_S ]]; then
	printf '{"bench":"settle","stage":"setup","items":%d,"runs":1,"median_s":%s,"phases":"%s","binaries":"%s","commit":"%s","dirty":%s,"cores":%d,"date":"%s"}\n' \
		"$N" "$SETUP_S" "$(tr '\n' ';' <"$SETUP/phases" | sed 's/;$//')" "$BIN_KIND" "$COMMIT" "$DIRTY" "$CORES" "$DATE" >>"$OUT"
	echo "setup (once, cached in $SETUP): $SETUP_S s"
fi
