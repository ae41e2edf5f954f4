#!/usr/bin/env bash
# bench/auction.sh - ingest N auction orders for one slot as signed txs of
# 1,000 orders, and clear the slot, against a raw SQLite + jansson baseline
# (DESIGN.md 12: "ingest 1,000,000 orders sent as 1,000 signed txs of 1,000:
# <= 2.5x the raw baseline"; "clear a slot holding 1,000,000 orders (read
# book, clear, write fills): <= 2 s").
#
#   bench/auction.sh [N]              N orders (default 1000000)
#   RUNS=3 bench/auction.sh 100000    timed runs per stage (median reported)
#
# N must be a multiple of CHUNK, and N/CHUNK at most TRADERS: every signed
# tx has one actor, so tx k holds the orders of trader t(k mod TRADERS), and
# no trader signs two txs (each one's sells fit its panel's slot limit).
#
# Environment:
#   RUNS         timed runs per stage (default 3)
#   INGEST_RUNS  timed runs of the ingest (default RUNS). 0 reuses the
#                cached ingested state (building it untimed if missing), for
#                timing the clear alone; before commit 335e0f1 the ingest
#                grew quadratically and one run at 1M took hours (see
#                bench/README.md)
#   BUILD_BIN_DIR with INGEST_RUNS=0: a directory holding another build's gs
#                and libgridset.so.0 (e.g. one with a fix of the ingest) that
#                builds the ingested state, untimed, from the same signed txs;
#                the timed stages still use the programs below. Only sound
#                when that build applies txs to the same state (check with
#                `sqlite3 DB .dump` at a small N); the choice is printed and
#                recorded ("book_built_by")
#   SIMULATE     =0: skip `gs-auction simulate`; default 1
#   CHUNK        orders per signed tx (default 1000)
#   TRADERS      trader accounts in the prepared state (default 1000)
#   BENCH_WORK   scratch directory (default bench/work); everything of this
#                stage lives in BENCH_WORK/auction. The prepared state, the
#                pre-signed txs and the state after the first ingest are
#                cached there and rebuilt only when the programs (or
#                libgridset) change
#   BENCH_APPEND =1: append to bench/results/auction.ndjson (bench/run sets
#                it); otherwise the file is overwritten
#   GS_BIN_DIR   directory holding gs, gs-auction, gs-panel, gs-token and
#                gs-stake (overrides the lookup)
#
# Binaries, first found wins (the choice is printed and recorded), as in
# bench/oracle.sh:
#   1. $GS_BIN_DIR/gs*
#   2. <tree>/bin/.libs/gs* and <tree>/lib/.libs/libgridset.so.0, copied to
#      BENCH_WORK/auction/bin and run with LD_LIBRARY_PATH pointing there
#   3. <tree>/bin/gs*: the libtool wrappers
#   4. gs, gs-auction, ... on PATH
# The baseline is bench/baseline (`baseline auction DB ...`), compiled here
# if missing or stale with
#   cc -O2 bench/baseline.c $(pkg-config --cflags --libs sqlite3 jansson) -o bench/baseline
#
# Prepared state (once, GS_NOW 2026-11-24T00:00Z): genesis (admin, who holds
# every role), operator (role operator), traders t0..t{TRADERS-1}, each
# registered, minted 10^6 credits (one mint tx from NDJSON), with 100,000
# credits of stake (one deposit each) and one 8 MW panel (all panels in ONE
# `gs-panel register --as admin` tx; panel k+1 belongs to tk; 8 MW x 900 s =
# 2,000,000 Wh, the most 1,000 sells of up to 2,000 Wh can offer).
# Input: N orders for the slot of 2026-11-25T12:00Z (slot 1995120), drawn by
# a MINSTD generator seeded with 42 (as bench/transfers.sh): per order the
# side (buy or sell, even odds), the price on a grid of 1,000 base units
# (0.001 credits/kWh): buys in [0, 250000], sells in [-50000, 200000] (the
# curves cross near 100000, i.e. 0.10 credits/kWh; price_min / price_max are
# -500000 / 4000000), and the quantity in 1..2000 Wh. Line k (from 0)
# belongs to tx k/CHUNK, whose actor is trader (k/CHUNK) mod TRADERS; sells
# name that trader's panel. Split into files of CHUNK lines. Then, untimed
# and cached, each chunk is signed with `gs-auction order --as tK --sign-only
# --id auction-bench-N-K` into one file of N/CHUNK signed txs. GS_NOW is
# 2026-11-25T00:00Z while signing and ingesting (the gate is open) and the
# slot's start while clearing (the gate closed gate_closure_s before).
#
# Timed stages:
#   ingest    `gs submit --json < signed.ndjson` into a fresh copy of the
#             prepared state: applies the N/CHUNK pre-signed txs in one
#             process (per tx: signature, then per order the checks, the
#             order row, escrow lock of buys, stake collateral of sells;
#             journal row; commit). The state after the first run is kept
#             (cached) as the book the clear runs start from
#   clear     `gs-auction clear SLOT --as operator --json` on a fresh copy of
#             that state: one tx that reads the book, clears it (DESIGN 9),
#             settles every order's locks at the price and writes its fill
#   simulate  `gs-auction simulate --json < book.ndjson`: the same clearing
#             code on the same book ({"id","side","price","qty_wh"} per line,
#             ids as in the state) without any state: parse, clear, print
#             one fill per order
# Baseline (same run, same orders): `baseline auction DB --chunk CHUNK
# --traders TRADERS < orders` (one transaction per CHUNK lines) and
# `baseline auction DB --clear SLOT` (one transaction), see bench/baseline.c.
# The clear of gs, the baseline and simulate must give the same price,
# volume and fills (compared as the sum of order id x fill).
#
# Wall time via $EPOCHREALTIME around each process; peak RSS from GNU time
# (/usr/bin/time -f %M) when installed, else n/a.
set -euo pipefail
export LC_ALL=C

N=${1:-1000000}
RUNS=${RUNS:-3}
INGEST_RUNS=${INGEST_RUNS:-$RUNS}
SIMULATE=${SIMULATE:-1}
CHUNK=${CHUNK:-1000}
TRADERS=${TRADERS:-1000}
SEED=42
PANEL_W=8000000			# 8 MW: 2,000,000 Wh per 900 s slot
MINT=1000000000000		# 10^6 credits per trader (base units)
STAKE=100000			# credits of stake per trader
SETUP_NOW=1795478400		# 2026-11-24T00:00:00Z
ORDER_NOW=1795564800		# 2026-11-25T00:00:00Z: orders placed (gate open)
SLOT_START=1795608000		# 2026-11-25T12:00:00Z: the slot traded
BUY_LO=0 SELL_LO=-50000 LEVELS=251 STEP=1000 QMAX=2000

isint() { case $1 in ''|*[!0-9]*) return 1;; esac; (($1 > 0)); }
isint "$N" || { echo "auction.sh: N must be a positive integer" >&2; exit 2; }
isint "$RUNS" || { echo "auction.sh: RUNS must be a positive integer" >&2; exit 2; }
case $INGEST_RUNS in ''|*[!0-9]*) echo "auction.sh: INGEST_RUNS must be an integer >= 0" >&2; exit 2;; esac
isint "$CHUNK" || { echo "auction.sh: CHUNK must be a positive integer" >&2; exit 2; }
isint "$TRADERS" || { echo "auction.sh: TRADERS must be a positive integer" >&2; exit 2; }
if ((N % CHUNK)); then
	echo "auction.sh: N ($N) must be a multiple of CHUNK ($CHUNK)" >&2
	exit 2
fi
NTX=$((N / CHUNK))
if ((NTX > TRADERS)); then
	echo "auction.sh: N/CHUNK ($NTX txs) must not exceed TRADERS ($TRADERS): one tx per trader" >&2
	exit 2
fi
if ((CHUNK * QMAX > PANEL_W * 900 / 3600)); then
	echo "auction.sh: CHUNK ($CHUNK) sells of up to $QMAX Wh could exceed a panel's slot limit" >&2
	exit 2
fi

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
WORK=${BENCH_WORK:-$BENCH/work}/auction
RESULTS=$BENCH/results
mkdir -p "$WORK" "$RESULTS"

die() { echo "auction.sh: $*" >&2; exit 1; }

# ---- binaries ----
PROGS="gs gs-auction gs-panel gs-token gs-stake"
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"
# shellcheck disable=SC2086
pick_programs "$WORK" $PROGS
GS=$BIN/gs GS_AUCTION=$BIN/gs-auction GS_PANEL=$BIN/gs-panel
GS_TOKEN=$BIN/gs-token GS_STAKE=$BIN/gs-stake
# Identity of the programs in use: the cached states are rebuilt when it changes.
# shellcheck disable=SC2086
BIN_ID=$( (cd "$BIN" && cat $PROGS; [[ -z $LIBDIR ]] || cat "$LIBDIR/libgridset.so.0") | cksum | cut -d' ' -f1)
# The tree's commit and state now, when the programs are chosen (a run at 1M
# lasts long enough for the tree to move on).
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo true || echo false)
BUILD_BIN_DIR=${BUILD_BIN_DIR:-}
if [[ -n $BUILD_BIN_DIR ]]; then
	((INGEST_RUNS == 0)) || die "BUILD_BIN_DIR needs INGEST_RUNS=0"
	[[ -x $BUILD_BIN_DIR/gs && -e $BUILD_BIN_DIR/libgridset.so.0 ]] ||
		die "BUILD_BIN_DIR must hold gs and libgridset.so.0"
	BUILD_ID=$(cat "$BUILD_BIN_DIR/gs" "$BUILD_BIN_DIR/libgridset.so.0" | cksum | cut -d' ' -f1)
	BOOK_BY="BUILD_BIN_DIR=$BUILD_BIN_DIR (cksum $BUILD_ID)"
else
	BUILD_ID=$BIN_ID BOOK_BY="the benchmarked programs"
fi


# ---- prepared state (once per trader count and program build) ----
SETUP=$WORK/setup-T$TRADERS
SETUP_S=
if [[ ! -s $SETUP/gridset.db || $(cat "$SETUP/bin-id" 2>/dev/null) != "$BIN_ID" ]]; then
	echo "auction setup: genesis, operator, $TRADERS traders (minted, staked, one panel each) ..." >&2
	rm -rf "$SETUP"
	mkdir -p "$SETUP/keys"
	awk -v n="$TRADERS" -v a="$MINT" 'BEGIN {
		for (i = 0; i < n; i++) printf "{\"to\":\"t%d\",\"amount\":%s}\n", i, a
	}' >"$SETUP/mint.ndjson"
	awk -v n="$TRADERS" -v w="$PANEL_W" 'BEGIN {
		for (i = 0; i < n; i++) printf "{\"owner\":\"t%d\",\"capacity_w\":%d}\n", i, w
	}' >"$SETUP/panels.ndjson"
	t0=$(now)
	# shellcheck disable=SC2030 # the setup's environment stays in its subshell
	(
		export GS_KEYDIR=$SETUP/keys GS_DB=$SETUP/gridset.db GS_NOW=$SETUP_NOW
		exec >"$SETUP/setup.log" 2>&1
		"$GS" key new admin &&
		"$GS" init --admin admin &&
		"$GS" key new operator && "$GS" account register --as operator &&
		"$GS" admin grant operator operator --as admin || exit 1
		for ((i = 0; i < TRADERS; i++)); do
			"$GS" key new "t$i" && "$GS" account register --as "t$i" || exit 1
		done
		"$GS_TOKEN" mint --as admin --json <"$SETUP/mint.ndjson" || exit 1
		for ((i = 0; i < TRADERS; i++)); do
			"$GS_STAKE" deposit "$STAKE" --as "t$i" --json || exit 1
		done
		"$GS_PANEL" register --as admin --json <"$SETUP/panels.ndjson"
	) || { tail -n 5 "$SETUP/setup.log" >&2; rm -f "$SETUP/gridset.db"; die "setup failed (see $SETUP/setup.log)"; }
	t1=$(now)
	grep -q "\"id\":$TRADERS,\"owner\":\"t$((TRADERS - 1))\"" "$SETUP/setup.log" ||
		die "setup: panel $TRADERS missing (see $SETUP/setup.log)"
	echo "$BIN_ID" >"$SETUP/bin-id"
	SETUP_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	echo "auction setup: done in $SETUP_S s (not part of any timing below)" >&2
fi
# shellcheck disable=SC2031 # set here for the timed runs
export GS_KEYDIR=$SETUP/keys

# The slot and the times, from the state's parameters.
PARAMS=$(GS_DB=$SETUP/gridset.db "$GS" params --json)
param() { sed -n "s/.*\"name\":\"$1\",\"value\":\(-*[0-9]*\).*/\1/p" <<<"$PARAMS"; }
SLOT_S=$(param slot_seconds)
GATE_S=$(param gate_closure_s)
PRICE_MIN=$(param price_min)
PRICE_MAX=$(param price_max)
[[ -n $SLOT_S && -n $GATE_S && -n $PRICE_MIN && -n $PRICE_MAX ]] ||
	die "cannot read slot_seconds / gate_closure_s / price_min / price_max"
((SLOT_START % SLOT_S == 0)) || die "slot_seconds $SLOT_S does not divide the slot start"
SLOT=$((SLOT_START / SLOT_S))
CLEAR_NOW=$SLOT_START	# the gate closed GATE_S seconds ago
((ORDER_NOW < SLOT_START - GATE_S)) || die "the gate of slot $SLOT is closed at order time"
((PRICE_MIN <= SELL_LO && BUY_LO + (LEVELS - 1) * STEP <= PRICE_MAX)) ||
	die "the generated prices leave [price_min, price_max]"
((PANEL_W * SLOT_S / 3600 >= CHUNK * QMAX)) || die "a panel's slot limit is below $CHUNK x $QMAX Wh"

# ---- input: N orders, fixed seed; the book for simulate; N/CHUNK files ----
# MINSTD (x = 48271 x mod 2^31-1, exact in awk's doubles), not srand()/rand(),
# whose sequence differs between mawk and gawk: the same file everywhere.
ORDERS=$WORK/orders-minstd$SEED-T$TRADERS-c$CHUNK-$N.ndjson
BOOK=$WORK/book-minstd$SEED-T$TRADERS-c$CHUNK-$N.ndjson
CHUNKS=$WORK/chunks-T$TRADERS-c$CHUNK-$N
if [[ ! -s $ORDERS || ! -s $BOOK ]]; then
	awk -v n="$N" -v chunk="$CHUNK" -v traders="$TRADERS" -v slot="$SLOT" -v seed="$SEED" \
		-v blo="$BUY_LO" -v slo="$SELL_LO" -v levels="$LEVELS" -v step="$STEP" -v qmax="$QMAX" \
		-v book="$BOOK.tmp" 'BEGIN {
		m = 2147483647; x = seed
		for (i = 0; i < n; i++) {
			t = int(i / chunk) % traders
			x = (x * 48271) % m; sell = x / m >= 0.5
			x = (x * 48271) % m; p = (sell ? slo : blo) + int(x / m * levels) * step
			x = (x * 48271) % m; q = 1 + int(x / m * qmax)
			if (sell)
				printf "{\"slot\":%d,\"side\":\"sell\",\"price\":%d,\"qty_wh\":%d,\"panel\":%d}\n", slot, p, q, t + 1
			else
				printf "{\"slot\":%d,\"side\":\"buy\",\"price\":%d,\"qty_wh\":%d}\n", slot, p, q
			printf "{\"id\":%d,\"side\":\"%s\",\"price\":%d,\"qty_wh\":%d}\n", i + 1, sell ? "sell" : "buy", p, q >book
		}
	}' >"$ORDERS.tmp"
	mv "$BOOK.tmp" "$BOOK"
	mv "$ORDERS.tmp" "$ORDERS"
	rm -rf "$CHUNKS"
fi
if [[ ! -e $CHUNKS/done ]]; then
	rm -rf "$CHUNKS"
	mkdir -p "$CHUNKS"
	split -l "$CHUNK" -a 6 -d "$ORDERS" "$CHUNKS/c"
	touch "$CHUNKS/done"
fi
# buys, sells, Wh on each side (checked against the baseline's ingest)
read -r NBUY NSELL BUY_WH SELL_WH < <(awk -F'"qty_wh":' '
	/"side":"buy"/ { b++; bw += $2 + 0 } /"side":"sell"/ { s++; sw += $2 + 0 }
	END { printf "%.0f %.0f %.0f %.0f\n", b, s, bw, sw }' "$ORDERS")
chunk_files=("$CHUNKS"/c*)
((${#chunk_files[@]} == NTX)) || die "expected $NTX chunk files in $CHUNKS, found ${#chunk_files[@]}"

# ---- pre-signed txs (untimed, cached with the prepared state) ----
SIGNED=$SETUP/signed-$N-c$CHUNK.ndjson
SIGN_S=
if [[ ! -s $SIGNED || ! -e $SIGNED.ok || $ORDERS -nt $SIGNED ]]; then
	echo "auction: signing $NTX txs of $CHUNK orders (--sign-only, untimed) ..." >&2
	rm -f "$SIGNED.ok"
	t0=$(now)
	k=0
	for f in "${chunk_files[@]}"; do
		GS_DB=$SETUP/gridset.db GS_NOW=$ORDER_NOW "$GS_AUCTION" order \
			--as "t$((k % TRADERS))" --sign-only --id "auction-bench-$N-$k" <"$f" ||
			die "signing $f failed"
		k=$((k + 1))
	done >"$SIGNED.tmp"
	mv "$SIGNED.tmp" "$SIGNED"
	touch "$SIGNED.ok"
	t1=$(now)
	SIGN_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	echo "auction: signed in $SIGN_S s" >&2
fi
(($(wc -l <"$SIGNED") == NTX)) || die "$SIGNED does not hold $NTX txs"
SIGNED_ID=$(cksum <"$SIGNED" | cut -d' ' -f1)

BASE_SEED=$WORK/baseline-seed-T$TRADERS.db
if [[ ! -s $BASE_SEED || $BASELINE -nt $BASE_SEED ]]; then
	rm -f "$BASE_SEED" "$BASE_SEED-wal" "$BASE_SEED-shm"
	"$BASELINE" auction "$BASE_SEED" --seed "$TRADERS" || die "baseline seed failed"
fi

# ---- timed runs ----
RUN=$WORK/run
mkdir -p "$RUN"
# The state after an ingest: the book every clear run starts from (cached).
INGESTED=$WORK/ingested-T$TRADERS-c$CHUNK-$N.db
INGESTED_ID="$BIN_ID $SIGNED_ID $BUILD_ID"
declare -a sub_t=() sub_rss=() clr_t=() clr_rss=() sim_t=() sim_rss=()
declare -a bin_t=() bin_rss=() bclr_t=() bclr_rss=() sc_t=() bsc_t=()

# ingest_check OUT: every tx applied.
ingest_check() {
	local n
	n=$(count '"status":"applied"' "$1")
	((n == NTX)) || die "gs submit applied $n of $NTX txs: $(grep -v '"applied"' "$1" | head -c 400)"
}

if [[ $(cat "$INGESTED.id" 2>/dev/null) != "$INGESTED_ID" ]]; then
	rm -f "$INGESTED" "$INGESTED.id" "$INGESTED-wal" "$INGESTED-shm"
fi
if ((INGEST_RUNS == 0)) && [[ ! -s $INGESTED ]]; then
	echo "auction: building the ingested state (INGEST_RUNS=0: untimed, by $BOOK_BY) ..." >&2
	copy_state "$SETUP/gridset.db" "$RUN/ingest.db"
	t0=$(now)
	if [[ -n $BUILD_BIN_DIR ]]; then
		GS_DB=$RUN/ingest.db GS_NOW=$ORDER_NOW LD_LIBRARY_PATH=$BUILD_BIN_DIR \
			"$BUILD_BIN_DIR/gs" submit --json <"$SIGNED" >"$RUN/submit.out" || die "gs submit failed"
	else
		GS_DB=$RUN/ingest.db GS_NOW=$ORDER_NOW "$GS" submit --json <"$SIGNED" >"$RUN/submit.out" ||
			die "gs submit failed"
	fi
	t1=$(now)
	echo "auction: built in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s" >&2
	ingest_check "$RUN/submit.out"
	copy_state "$RUN/ingest.db" "$INGESTED"
	echo "$INGESTED_ID" >"$INGESTED.id"
fi

echo "auction: N=$N (slot $SLOT, $NBUY buys, $NSELL sells, $NTX txs of $CHUNK) RUNS=$RUNS INGEST_RUNS=$INGEST_RUNS binaries: $BIN_KIND" >&2
GS_PRICE='' GS_VOLUME='' GS_CHECK=''
for ((r = 1; r <= RUNS || r <= INGEST_RUNS; r++)); do
	st="  run $r:"
	if ((r <= INGEST_RUNS)); then
		# ingest: gs submit of the pre-signed txs, into a fresh copy
		copy_state "$SETUP/gridset.db" "$RUN/ingest.db"
		GS_DB=$RUN/ingest.db GS_NOW=$ORDER_NOW run_timed "$SIGNED" "$RUN/submit.out" \
			"$GS" submit --json
		sub_t+=("$T") sub_rss+=("$RSS")
		ingest_check "$RUN/submit.out"
		if [[ ! -s $INGESTED ]]; then
			copy_state "$RUN/ingest.db" "$INGESTED"
			echo "$INGESTED_ID" >"$INGESTED.id"
		fi
		st+=" submit ${sub_t[-1]}s"
	fi

	if ((r <= RUNS)); then
		# clear the slot, on a fresh copy of the ingested book
		copy_state "$INGESTED" "$RUN/clear.db"
		GS_DB=$RUN/clear.db GS_NOW=$CLEAR_NOW run_timed /dev/null "$RUN/clear.out" \
			"$GS_AUCTION" clear "#$SLOT" --as operator --json
		clr_t+=("$T") clr_rss+=("$RSS")
		grep -q '"status":"applied"' "$RUN/clear.out" || die "clear did not apply: $(head -c 300 "$RUN/clear.out")"
		grep -q '"type":"clearing"' "$RUN/clear.out" || die "clear printed no clearing record"
		p=$(field price "$RUN/clear.out") v=$(field volume_wh "$RUN/clear.out")
		o=$(field orders "$RUN/clear.out")
		((o == N)) || die "clear saw $o orders, expected $N"
		if [[ -z $GS_PRICE ]]; then
			GS_PRICE=$p GS_VOLUME=$v
			if command -v sqlite3 >/dev/null; then
				# every order cleared; fills add up to the volume on each side
				got=$(sqlite3 "$RUN/clear.db" "SELECT count(*), sum(CASE WHEN side = 'buy' THEN f.qty_wh END), sum(CASE WHEN side = 'sell' THEN f.qty_wh END), sum(id * f.qty_wh) FROM orders o JOIN fills f ON f.order_id = o.id WHERE slot = $SLOT" | tr '|' ' ')
				read -r cn cb cs GS_CHECK <<<"$got"
				((cn == N && cb == v && cs == v)) ||
					die "gs clear: $cn cleared orders, buy fills $cb, sell fills $cs; expected $N and $v"
			fi
		elif [[ $p != "$GS_PRICE" || $v != "$GS_VOLUME" ]]; then
			die "clear run $r: price $p volume $v, first run $GS_PRICE $GS_VOLUME"
		fi
		st+=" clear ${clr_t[-1]}s"
		if ((r <= INGEST_RUNS)); then
			sc_t+=("$(add "${sub_t[-1]}" "$T")")
		fi

		if ((SIMULATE)); then
			run_timed "$BOOK" "$RUN/simulate.out" "$GS_AUCTION" simulate --json
			sim_t+=("$T") sim_rss+=("$RSS")
			sp=$(field price "$RUN/simulate.out") sv=$(field volume_wh "$RUN/simulate.out")
			[[ $sp == "$GS_PRICE" && $sv == "$GS_VOLUME" ]] ||
				die "simulate: price $sp volume $sv, gs clear $GS_PRICE $GS_VOLUME"
			if ((r == 1)); then
				nfill=$(count '"type":"fill"' "$RUN/simulate.out")
				scheck=$(awk -F'"order":' '/"type":"fill"/ { o = $2 + 0; q = $0;
					sub(/.*"qty_wh":/, "", q); s += o * (q + 0) } END { printf "%.0f", s }' "$RUN/simulate.out")
				((nfill == N)) || die "simulate printed $nfill fills, expected $N"
				[[ -z $GS_CHECK || $scheck == "$GS_CHECK" ]] ||
					die "simulate fills (sum id x fill $scheck) differ from gs clear's ($GS_CHECK)"
				GS_CHECK=${GS_CHECK:-$scheck}
			fi
			st+=" simulate ${sim_t[-1]}s"
		fi
	fi

	# baseline: same orders, one transaction per CHUNK lines; then clear
	copy_state "$BASE_SEED" "$RUN/baseline.db"
	run_timed "$ORDERS" "$RUN/base.out" "$BASELINE" auction "$RUN/baseline.db" \
		--chunk "$CHUNK" --traders "$TRADERS" --time "$ORDER_NOW"
	bin_t+=("$T") bin_rss+=("$RSS")
	grep -q "{\"items\":$N,\"txs\":$NTX,\"buys\":$NBUY,\"sells\":$NSELL,\"buy_wh\":$BUY_WH,\"sell_wh\":$SELL_WH}" "$RUN/base.out" ||
		die "baseline ingest: $(cat "$RUN/base.out")"
	run_timed /dev/null "$RUN/base-clear.out" "$BASELINE" auction "$RUN/baseline.db" \
		--clear "$SLOT" --time "$CLEAR_NOW"
	bclr_t+=("$T") bclr_rss+=("$RSS")
	bp=$(field price "$RUN/base-clear.out") bv=$(field volume_wh "$RUN/base-clear.out")
	bc=$(field fill_check "$RUN/base-clear.out") bs=$(field fill_sum "$RUN/base-clear.out")
	if [[ -n $GS_PRICE ]]; then
		[[ $bp == "$GS_PRICE" && $bv == "$GS_VOLUME" && $bs == $((2 * bv)) ]] ||
			die "baseline clear: $(cat "$RUN/base-clear.out"); gs: price $GS_PRICE volume $GS_VOLUME"
		[[ -z $GS_CHECK || $bc == "$GS_CHECK" ]] ||
			die "baseline fills (sum id x fill $bc) differ from gs clear's ($GS_CHECK)"
	fi
	bsc_t+=("$(add "${bin_t[-1]}" "$T")")
	st+=" | baseline ingest ${bin_t[-1]}s clear ${bclr_t[-1]}s"
	echo "$st" >&2
done

# ---- report ----
OUT=$RESULTS/auction.ndjson
[[ ${BENCH_APPEND:-0} == 1 ]] || : >"$OUT"
DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
CORES=$(nproc 2>/dev/null || echo 0)

# row STAGE ITEMS MED BASE_MED RSS BASE_RSS BASELINE_NAME RUNS
row() {
	local ratio us rss=$5 brss=$6
	ratio=$(awk -v a="$3" -v b="$4" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "null" }')
	us=$(awk -v a="$3" -v n="$2" 'BEGIN { printf "%.3f", a / n * 1e6 }')
	[[ $rss == n/a ]] && rss=null
	[[ $brss == n/a ]] && brss=null
	printf '{"bench":"auction","stage":"%s","items":%d,"slot":%d,"price":%s,"volume_wh":%s,"txs":%d,"runs":%d,"median_s":%s,"baseline":"%s","baseline_median_s":%s,"ratio":%s,"us_per_item":%s,"peak_rss_kib":%s,"baseline_peak_rss_kib":%s,"binaries":"%s","book_built_by":"%s","commit":"%s","dirty":%s,"cores":%d,"date":"%s"}\n' \
		"$1" "$2" "$SLOT" "${GS_PRICE:-null}" "${GS_VOLUME:-null}" "$NTX" "$8" "$3" "$7" "$4" "$ratio" "$us" "$rss" "$brss" "$BIN_KIND" "$BOOK_BY" "$COMMIT" "$DIRTY" "$CORES" "$DATE" >>"$OUT"
	printf '%-36s %9d %9.4f %10.4f %7s %9.2f %10s %10s\n' "$1" "$2" "$3" "$4" "$ratio" "$us" "$5" "$6"
}

BIN_MED=$(median "${bin_t[@]}") BCLR_MED=$(median "${bclr_t[@]}") BSC_MED=$(median "${bsc_t[@]}")
BIN_RSS=$(maxrss "${bin_rss[@]}") BCLR_RSS=$(maxrss "${bclr_rss[@]}")
CLR_MED=$(median "${clr_t[@]}") CLR_RSS=$(maxrss "${clr_rss[@]}")
echo
echo "auction orders, N=$N (one slot, $NBUY buys, $NSELL sells, $NTX txs of $CHUNK; price $GS_PRICE, volume $GS_VOLUME Wh), median of $RUNS (ingest: $INGEST_RUNS); binaries: $BIN_KIND (commit $COMMIT, dirty $DIRTY); book built by $BOOK_BY; $CORES cores"
printf '%-36s %9s %9s %10s %7s %9s %10s %10s\n' stage items median_s baseline_s ratio us/item rss_KiB base_KiB
if ((INGEST_RUNS > 0)); then
	SUB_MED=$(median "${sub_t[@]}") SUB_RSS=$(maxrss "${sub_rss[@]}")
	row "ingest: gs submit ($NTX signed txs)" "$N" "$SUB_MED" "$BIN_MED" "$SUB_RSS" "$BIN_RSS" "baseline auction (ingest)" "$INGEST_RUNS"
fi
row "clear: gs-auction clear" "$N" "$CLR_MED" "$BCLR_MED" "$CLR_RSS" "$BCLR_RSS" "baseline auction --clear" "$RUNS"
if ((SIMULATE)); then
	row "clear: gs-auction simulate (no state)" "$N" "$(median "${sim_t[@]}")" "$BCLR_MED" "$(maxrss "${sim_rss[@]}")" "$BCLR_RSS" "baseline auction --clear" "$RUNS"
fi
if ((INGEST_RUNS > 0)); then
	row "ingest (submit) + clear" "$N" "$(median "${sc_t[@]}")" "$BSC_MED" "$(maxrss "$SUB_RSS" "$CLR_RSS")" "$(maxrss "$BIN_RSS" "$BCLR_RSS")" "baseline ingest + clear" "${#sc_t[@]}"
fi
echo "(targets, DESIGN 12, at N=1000000: ingest <= 2.5x baseline; clear <= 2 s; peak RSS < 262144 KiB."
echo " The simulate row clears the same book from NDJSON without a state; its ratio is against the"
echo " baseline clear, which reads the book from SQLite and writes the fills.)"
if [[ -n $SETUP_S ]]; then
	printf '{"bench":"auction","stage":"setup","items":%d,"runs":1,"median_s":%s,"binaries":"%s","commit":"%s","dirty":%s,"cores":%d,"date":"%s"}\n' \
		"$TRADERS" "$SETUP_S" "$BIN_KIND" "$COMMIT" "$DIRTY" "$CORES" "$DATE" >>"$OUT"
	echo "setup (once, cached in $SETUP): $SETUP_S s for $TRADERS traders"
fi
if [[ -n $SIGN_S ]]; then
	printf '{"bench":"auction","stage":"sign-only (untimed prep)","items":%d,"txs":%d,"runs":1,"median_s":%s,"binaries":"%s","commit":"%s","dirty":%s,"cores":%d,"date":"%s"}\n' \
		"$N" "$NTX" "$SIGN_S" "$BIN_KIND" "$COMMIT" "$DIRTY" "$CORES" "$DATE" >>"$OUT"
	echo "signing (once, cached): $SIGN_S s for $NTX x gs-auction order --sign-only"
fi
