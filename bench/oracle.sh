#!/usr/bin/env bash
# bench/oracle.sh - ingest N oracle readings as signed txs of 1,000 readings
# and finalize them, against a raw SQLite + jansson baseline (DESIGN.md 12:
# "ingest 1,000,000 oracle readings and finalize them: <= 2.5x baseline").
#
#   bench/oracle.sh [N]               N readings (default 1000000)
#   RUNS=3 bench/oracle.sh 100000     timed runs per stage (median reported)
#
# N must be a multiple of CHUNK and of the panel count P = min(PANELS, N);
# the readings cover P panels x N/P slots.
#
# Environment:
#   RUNS         timed runs per stage (default 3: the 1M run is long)
#   CHUNK        readings per signed tx (default 1000)
#   PANELS       panels registered in the prepared state (default 10000)
#   PROCS        =0: skip the 1,000-process ingest (`gs-oracle report` per
#                chunk); default 1
#   BENCH_WORK   scratch directory (default bench/work); everything of this
#                stage lives in BENCH_WORK/oracle. The prepared state and the
#                pre-signed txs are cached there and rebuilt only when the
#                programs (or libgridset) change
#   BENCH_APPEND =1: append to bench/results/oracle.ndjson (bench/run sets
#                it); otherwise the file is overwritten
#   GS_BIN_DIR   directory holding gs, gs-oracle, gs-panel, gs-token and
#                gs-stake (overrides the lookup)
#
# Binaries, first found wins (the choice is printed and recorded), as in
# bench/transfers.sh:
#   1. $GS_BIN_DIR/gs*
#   2. <tree>/bin/.libs/gs* and <tree>/lib/.libs/libgridset.so.0, copied to
#      BENCH_WORK/oracle/bin and run with LD_LIBRARY_PATH pointing there
#   3. <tree>/bin/gs*: the libtool wrappers (a bash start-up per process,
#      which the 1,000-process ingest would feel)
#   4. gs, gs-oracle, ... on PATH
# The baseline is bench/baseline (`baseline oracle DB ...`), compiled here if
# missing or stale with
#   cc -O2 bench/baseline.c $(pkg-config --cflags --libs sqlite3 jansson) -o bench/baseline
#
# Prepared state (once): genesis (admin), accounts oracle1 (role oracle,
# 200 credits staked; oracle_min_stake is 100), operator (role operator) and
# owner; P panels of 5 kW owned by owner, registered in ONE tx by
# `gs-panel register --as admin` from NDJSON. Input: the readings
# {"panel","slot","wh"} of panels 1..P for slots S0..S0+N/P-1 (S0 =
# 2026-11-25T00:00Z), slot by slot, panels in order, wh drawn in 0..1250
# (5 kW x 900 s) by a MINSTD generator seeded with 42; split into files of
# CHUNK lines. Then, untimed and cached, each chunk is signed with
# `gs-oracle report --as oracle1 --sign-only --id oracle-bench-N-K` into one
# file of N/CHUNK signed txs. GS_NOW is the end of the last slot while
# reporting and verification_period_s later while finalizing.
#
# Timed stages, each from a fresh copy of the prepared state:
#   ingest, submit     `gs submit < signed.ndjson`: applies the N/CHUNK
#                      pre-signed txs in one process (verify signature, check
#                      and insert 1,000 readings, journal row, commit, each);
#                      the like-for-like figure against the baseline
#   ingest, processes  `gs-oracle report --as oracle1 < chunk` for every chunk:
#                      N/CHUNK processes that each read, sign and apply
#   finalize           `gs-oracle finalize --due --as operator` on the state the
#                      submit run left: one tx finalizing all N/P slots
# Baseline (same run, same readings): `baseline oracle DB --chunk CHUNK <
# readings` (one transaction per CHUNK lines) and `baseline oracle DB
# --finalize` (one transaction), see bench/baseline.c.
#
# Wall time via $EPOCHREALTIME around each process (around the whole loop
# for the processes stage); peak RSS from GNU time (/usr/bin/time -f %M;
# for the loop, the largest of its processes) when installed, else n/a.
set -euo pipefail
export LC_ALL=C

N=${1:-1000000}
RUNS=${RUNS:-3}
CHUNK=${CHUNK:-1000}
PANELS=${PANELS:-10000}
PROCS=${PROCS:-1}
SEED=42
CAPACITY_W=5000
SETUP_NOW=1795478400	# 2026-11-24T00:00:00Z: setup happens a day before the slots
FIRST_START=1795564800	# 2026-11-25T00:00:00Z: start of the first slot reported

isint() { case $1 in ''|*[!0-9]*) return 1;; esac; (($1 > 0)); }
isint "$N" || { echo "oracle.sh: N must be a positive integer" >&2; exit 2; }
isint "$RUNS" || { echo "oracle.sh: RUNS must be a positive integer" >&2; exit 2; }
isint "$CHUNK" || { echo "oracle.sh: CHUNK must be a positive integer" >&2; exit 2; }
isint "$PANELS" || { echo "oracle.sh: PANELS must be a positive integer" >&2; exit 2; }
P=$((PANELS < N ? PANELS : N))
if ((N % CHUNK || N % P)); then
	echo "oracle.sh: N ($N) must be a multiple of CHUNK ($CHUNK) and of the panel count ($P)" >&2
	exit 2
fi
SLOTS=$((N / P))
NTX=$((N / CHUNK))

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
WORK=${BENCH_WORK:-$BENCH/work}/oracle
RESULTS=$BENCH/results
mkdir -p "$WORK" "$RESULTS"

die() { echo "oracle.sh: $*" >&2; exit 1; }

# ---- binaries ----
PROGS="gs gs-oracle gs-panel gs-token gs-stake"
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"
# shellcheck disable=SC2086
pick_programs "$WORK" $PROGS
GS=$BIN/gs GS_ORACLE=$BIN/gs-oracle GS_PANEL=$BIN/gs-panel
GS_TOKEN=$BIN/gs-token GS_STAKE=$BIN/gs-stake
# Identity of the programs in use: the prepared state is rebuilt when it changes.
# shellcheck disable=SC2086
BIN_ID=$( (cd "$BIN" && cat $PROGS; [[ -z $LIBDIR ]] || cat "$LIBDIR/libgridset.so.0") | cksum | cut -d' ' -f1)


# sumfield NAME FILE: the sum of the integer field "NAME" over FILE's lines.
sumfield() {
	awk -v k="\"$1\":" '{ i = index($0, k); if (i) s += substr($0, i + length(k)) + 0 }
		END { printf "%d", s }' "$2"
}

# ---- prepared state (once per panel count and program build) ----
SETUP=$WORK/setup-P$P
SETUP_S=
if [[ ! -s $SETUP/gridset.db || $(cat "$SETUP/bin-id" 2>/dev/null) != "$BIN_ID" ]]; then
	echo "oracle setup: genesis, oracle1 (staked), operator, $P panels in one tx ..." >&2
	rm -rf "$SETUP"
	mkdir -p "$SETUP/keys"
	awk -v n="$P" -v w="$CAPACITY_W" 'BEGIN {
		for (i = 0; i < n; i++) printf "{\"owner\":\"owner\",\"capacity_w\":%d}\n", w
	}' >"$SETUP/panels.ndjson"
	t0=$(now)
	# shellcheck disable=SC2030 # the setup's environment stays in its subshell
	(
		export GS_KEYDIR=$SETUP/keys GS_DB=$SETUP/gridset.db GS_NOW=$SETUP_NOW
		exec >"$SETUP/setup.log" 2>&1
		"$GS" key new admin &&
		"$GS" init --admin admin &&
		for a in oracle1 operator owner; do
			"$GS" key new "$a" && "$GS" account register --as "$a" || exit 1
		done &&
		"$GS" admin grant oracle oracle1 --as admin &&
		"$GS" admin grant operator operator --as admin &&
		"$GS_TOKEN" mint --to oracle1 1000 --as admin &&
		"$GS_STAKE" deposit 200 --as oracle1 &&
		"$GS_PANEL" register --as admin --json <"$SETUP/panels.ndjson"
	) || { tail -n 5 "$SETUP/setup.log" >&2; rm -f "$SETUP/gridset.db"; die "setup failed (see $SETUP/setup.log)"; }
	t1=$(now)
	grep -q "\"id\":$P,\"owner\":\"owner\"" "$SETUP/setup.log" || die "setup: panel $P missing (see $SETUP/setup.log)"
	echo "$BIN_ID" >"$SETUP/bin-id"
	SETUP_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	echo "oracle setup: done in $SETUP_S s (not part of any timing below)" >&2
fi
# shellcheck disable=SC2031 # set here for the timed runs
export GS_KEYDIR=$SETUP/keys

# Times from the state's parameters (defaults: 900 s slots, 900 s verification).
PARAMS=$(GS_DB=$SETUP/gridset.db "$GS" params --json)
param() { sed -n "s/.*\"name\":\"$1\",\"value\":\([0-9]*\).*/\1/p" <<<"$PARAMS"; }
SLOT_S=$(param slot_seconds)
VERIF_S=$(param verification_period_s)
[[ -n $SLOT_S && -n $VERIF_S ]] || die "cannot read slot_seconds / verification_period_s"
S0=$((FIRST_START / SLOT_S))
REPORT_NOW=$(((S0 + SLOTS) * SLOT_S))	# the last slot has just ended
FINAL_NOW=$((REPORT_NOW + VERIF_S))	# ... and its verification period is over
LIMIT_WH=$((CAPACITY_W * SLOT_S / 3600))

# ---- input: N readings, fixed seed; split into N/CHUNK files ----
# MINSTD (x = 48271 x mod 2^31-1, exact in awk's doubles), not srand()/rand(),
# whose sequence differs between mawk and gawk: the same file everywhere.
READINGS=$WORK/readings-minstd$SEED-P$P-$N.ndjson
CHUNKS=$WORK/chunks-P$P-$N-c$CHUNK
if [[ ! -s $READINGS ]]; then
	awk -v p="$P" -v slots="$SLOTS" -v s0="$S0" -v lim="$LIMIT_WH" -v seed="$SEED" 'BEGIN {
		m = 2147483647; x = seed
		for (s = 0; s < slots; s++)
			for (i = 1; i <= p; i++) {
				x = (x * 48271) % m
				printf "{\"panel\":%d,\"slot\":%d,\"wh\":%d}\n", i, s0 + s, int(x / m * (lim + 1))
			}
	}' >"$READINGS.tmp"
	mv "$READINGS.tmp" "$READINGS"
	rm -rf "$CHUNKS"
fi
if [[ ! -e $CHUNKS/done ]]; then
	rm -rf "$CHUNKS"
	mkdir -p "$CHUNKS"
	split -l "$CHUNK" -a 6 -d "$READINGS" "$CHUNKS/c"
	touch "$CHUNKS/done"
fi
TOTAL_WH=$(awk -F'"wh":' '{ s += $2 + 0 } END { printf "%d", s }' "$READINGS")
SLOT0_WH=$(awk -F'"wh":' -v s="\"slot\":$S0," 'index($0, s) { t += $2 + 0 } END { printf "%d", t }' "$READINGS")
chunk_files=("$CHUNKS"/c*)
((${#chunk_files[@]} == NTX)) || die "expected $NTX chunk files in $CHUNKS, found ${#chunk_files[@]}"

# ---- pre-signed txs (untimed, cached with the prepared state) ----
SIGNED=$SETUP/signed-$N-c$CHUNK.ndjson
SIGN_S=
if [[ ! -s $SIGNED || ! -e $SIGNED.ok || $READINGS -nt $SIGNED ]]; then
	echo "oracle: signing $NTX txs of $CHUNK readings (--sign-only, untimed) ..." >&2
	t0=$(now)
	k=0
	for f in "${chunk_files[@]}"; do
		GS_DB=$SETUP/gridset.db GS_NOW=$REPORT_NOW "$GS_ORACLE" report --as oracle1 \
			--sign-only --id "oracle-bench-$N-$k" <"$f" ||
			die "signing $f failed"
		k=$((k + 1))
	done >"$SIGNED.tmp"
	mv "$SIGNED.tmp" "$SIGNED"
	touch "$SIGNED.ok"
	t1=$(now)
	SIGN_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	echo "oracle: signed in $SIGN_S s" >&2
fi
(($(wc -l <"$SIGNED") == NTX)) || die "$SIGNED does not hold $NTX txs"

BASE_SEED=$WORK/baseline-seed-P$P.db
if [[ ! -s $BASE_SEED || $BASELINE -nt $BASE_SEED ]]; then
	rm -f "$BASE_SEED" "$BASE_SEED-wal" "$BASE_SEED-shm"
	"$BASELINE" oracle "$BASE_SEED" --seed "$P" || die "baseline seed failed"
fi

# ---- timed runs ----
RUN=$WORK/run
mkdir -p "$RUN"
declare -a sub_t=() sub_rss=() fin_t=() fin_rss=() proc_t=() proc_rss=()
declare -a bin_t=() bin_rss=() bfin_t=() bfin_rss=() sf_t=() pf_t=() bsf_t=()

# The processes stage: one gs-oracle report per chunk, stopping at the first failure.
# shellcheck disable=SC2016
PROC_LOOP='prog=$1; shift; for f; do "$prog" report --as oracle1 --json <"$f" || exit 1; done'

echo "oracle: N=$N ($P panels x $SLOTS slots, $NTX txs of $CHUNK) RUNS=$RUNS binaries: $BIN_KIND" >&2
for ((r = 1; r <= RUNS; r++)); do
	# ingest: gs submit of the pre-signed txs, into a fresh copy
	copy_state "$SETUP/gridset.db" "$RUN/gridset.db"
	GS_DB=$RUN/gridset.db GS_NOW=$REPORT_NOW run_timed "$SIGNED" "$RUN/submit.out" \
		"$GS" submit --json
	sub_t+=("$T") sub_rss+=("$RSS")
	n=$(count '"status":"applied"' "$RUN/submit.out")
	((n == NTX)) || die "gs submit applied $n of $NTX txs: $(grep -v '"applied"' "$RUN/submit.out" | head -n 2)"

	# finalize every slot of what the submit run ingested
	GS_DB=$RUN/gridset.db GS_NOW=$FINAL_NOW run_timed /dev/null "$RUN/finalize.out" \
		"$GS_ORACLE" finalize --due --as operator --json
	fin_t+=("$T") fin_rss+=("$RSS")
	grep -q '"status":"applied"' "$RUN/finalize.out" || die "finalize did not apply: $(head -c 300 "$RUN/finalize.out")"
	nf=$(count '"type":"finalized"' "$RUN/finalize.out")
	nfinal=$(sumfield final "$RUN/finalize.out")
	((nf == SLOTS && nfinal == N)) || die "finalize closed $nf slots with $nfinal final values, expected $SLOTS and $N"
	sf_t+=("$(add "${sub_t[-1]}" "$T")")
	if ((r == 1)); then
		# one oracle, quorum 1: every median is the reading itself
		GS_DB=$RUN/gridset.db "$GS_ORACLE" show "#$S0" --json >"$RUN/show.out"
		w=$(awk '/"status":"final"/' "$RUN/show.out" | awk -F'"wh":' '{ s += $2 + 0 } END { printf "%d", s }')
		[[ $w == "$SLOT0_WH" && $(count '"status":"final"' "$RUN/show.out") == "$P" ]] ||
			die "slot $S0: production sums to $w Wh over $(count '"status":"final"' "$RUN/show.out") panels, expected $SLOT0_WH over $P"
		if command -v sqlite3 >/dev/null; then
			got=$(sqlite3 "$RUN/gridset.db" "SELECT count(*) || ' ' || sum(wh) FROM production WHERE status = 'final'")
			[[ $got == "$N $TOTAL_WH" ]] || die "production holds '$got', expected '$N $TOTAL_WH'"
		fi
	fi

	# ingest: one gs-oracle report process per chunk, into a fresh copy
	pt=skipped
	if ((PROCS)); then
		copy_state "$SETUP/gridset.db" "$RUN/procs.db"
		GS_DB=$RUN/procs.db GS_NOW=$REPORT_NOW run_timed /dev/null "$RUN/procs.out" \
			bash -c "$PROC_LOOP" loop "$GS_ORACLE" "${chunk_files[@]}"
		proc_t+=("$T") proc_rss+=("$RSS")
		n=$(count '"status":"applied"' "$RUN/procs.out")
		((n == NTX)) || die "gs-oracle report applied $n of $NTX txs"
		pf_t+=("$(add "$T" "${fin_t[-1]}")")
		pt=$T
	fi

	# baseline: same readings, one transaction per CHUNK lines; then finalize
	copy_state "$BASE_SEED" "$RUN/baseline.db"
	run_timed "$READINGS" "$RUN/base.out" "$BASELINE" oracle "$RUN/baseline.db" \
		--chunk "$CHUNK" --time "$REPORT_NOW"
	bin_t+=("$T") bin_rss+=("$RSS")
	grep -q "{\"items\":$N,\"txs\":$NTX,\"slots\":$SLOTS,\"wh\":$TOTAL_WH}" "$RUN/base.out" ||
		die "baseline ingest: $(cat "$RUN/base.out")"
	run_timed /dev/null "$RUN/base-fin.out" "$BASELINE" oracle "$RUN/baseline.db" \
		--finalize --time "$FINAL_NOW"
	bfin_t+=("$T") bfin_rss+=("$RSS")
	grep -q "{\"slots\":$SLOTS,\"panels\":$N,\"final\":$N,\"unverified\":0,\"flags\":0,\"wh\":$TOTAL_WH}" "$RUN/base-fin.out" ||
		die "baseline finalize: $(cat "$RUN/base-fin.out")"
	bsf_t+=("$(add "${bin_t[-1]}" "$T")")

	printf '  run %d: submit %ss  finalize %ss  processes %ss | baseline ingest %ss  finalize %ss\n' \
		"$r" "${sub_t[-1]}" "${fin_t[-1]}" "$pt" "${bin_t[-1]}" "${bfin_t[-1]}" >&2
done

SUB_MED=$(median "${sub_t[@]}")
FIN_MED=$(median "${fin_t[@]}")
SF_MED=$(median "${sf_t[@]}")
BIN_MED=$(median "${bin_t[@]}")
BFIN_MED=$(median "${bfin_t[@]}")
BSF_MED=$(median "${bsf_t[@]}")

# ---- report ----
OUT=$RESULTS/oracle.ndjson
[[ ${BENCH_APPEND:-0} == 1 ]] || : >"$OUT"
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo true || echo false)
DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
CORES=$(nproc 2>/dev/null || echo 0)

# row STAGE ITEMS MED BASE_MED RSS BASE_RSS BASELINE_NAME
row() {
	local ratio us rss=$5 brss=$6
	ratio=$(awk -v a="$3" -v b="$4" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "null" }')
	us=$(awk -v a="$3" -v n="$2" 'BEGIN { printf "%.3f", a / n * 1e6 }')
	[[ $rss == n/a ]] && rss=null
	[[ $brss == n/a ]] && brss=null
	printf '{"bench":"oracle","stage":"%s","items":%d,"panels":%d,"slots":%d,"txs":%d,"runs":%d,"median_s":%s,"baseline":"%s","baseline_median_s":%s,"ratio":%s,"us_per_item":%s,"peak_rss_kib":%s,"baseline_peak_rss_kib":%s,"binaries":"%s","commit":"%s","dirty":%s,"cores":%d,"date":"%s"}\n' \
		"$1" "$2" "$P" "$SLOTS" "$NTX" "$RUNS" "$3" "$7" "$4" "$ratio" "$us" "$rss" "$brss" "$BIN_KIND" "$COMMIT" "$DIRTY" "$CORES" "$DATE" >>"$OUT"
	printf '%-34s %9d %9.4f %10.4f %7s %9.2f %10s %10s\n' "$1" "$2" "$3" "$4" "$ratio" "$us" "$5" "$6"
}

SUB_RSS=$(maxrss "${sub_rss[@]}") FIN_RSS=$(maxrss "${fin_rss[@]}")
BIN_RSS=$(maxrss "${bin_rss[@]}") BFIN_RSS=$(maxrss "${bfin_rss[@]}")
echo
echo "oracle readings, N=$N ($P panels x $SLOTS slots, $NTX txs of $CHUNK), median of $RUNS; binaries: $BIN_KIND; $CORES cores"
printf '%-34s %9s %9s %10s %7s %9s %10s %10s\n' stage items median_s baseline_s ratio us/item rss_KiB base_KiB
row "ingest: gs submit ($NTX signed txs)" "$N" "$SUB_MED" "$BIN_MED" "$SUB_RSS" "$BIN_RSS" "baseline oracle (ingest)"
if ((PROCS)); then
	PROC_MED=$(median "${proc_t[@]}") PF_MED=$(median "${pf_t[@]}")
	row "ingest: $NTX x gs-oracle report" "$N" "$PROC_MED" "$BIN_MED" "$(maxrss "${proc_rss[@]}")" "$BIN_RSS" "baseline oracle (ingest)"
fi
row "finalize: gs-oracle finalize --due" "$N" "$FIN_MED" "$BFIN_MED" "$FIN_RSS" "$BFIN_RSS" "baseline oracle --finalize"
row "ingest (submit) + finalize" "$N" "$SF_MED" "$BSF_MED" "$(maxrss "$SUB_RSS" "$FIN_RSS")" "$(maxrss "$BIN_RSS" "$BFIN_RSS")" "baseline ingest + finalize"
if ((PROCS)); then
	row "ingest (processes) + finalize" "$N" "$PF_MED" "$BSF_MED" "$(maxrss "${proc_rss[@]}" "$FIN_RSS")" "$(maxrss "$BIN_RSS" "$BFIN_RSS")" "baseline ingest + finalize"
fi
echo "(target, DESIGN 12: 'ingest (submit) + finalize' <= 2.5x baseline at N=1000000; peak RSS < 262144 KiB."
echo " Sums are medians of the per-run sums. The submit row is ingest of signed txs, like for like with the"
echo " baseline; the processes row adds $NTX process start-ups, key loads and signatures.)"
if [[ -n $SETUP_S ]]; then
	printf '{"bench":"oracle","stage":"setup","items":%d,"runs":1,"median_s":%s,"binaries":"%s","commit":"%s","dirty":%s,"cores":%d,"date":"%s"}\n' \
		"$P" "$SETUP_S" "$BIN_KIND" "$COMMIT" "$DIRTY" "$CORES" "$DATE" >>"$OUT"
	echo "setup (once, cached in $SETUP): $SETUP_S s for $P panels"
fi
if [[ -n $SIGN_S ]]; then
	printf '{"bench":"oracle","stage":"sign-only (untimed prep)","items":%d,"txs":%d,"runs":1,"median_s":%s,"binaries":"%s","commit":"%s","dirty":%s,"cores":%d,"date":"%s"}\n' \
		"$N" "$NTX" "$SIGN_S" "$BIN_KIND" "$COMMIT" "$DIRTY" "$CORES" "$DATE" >>"$OUT"
	echo "signing (once, cached): $SIGN_S s for $NTX x gs-oracle report --sign-only"
fi
