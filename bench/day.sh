#!/usr/bin/env bash
# bench/day.sh - a full settlement day as whole processes (issue 9): N
# participants each owning one panel, M slots, every slot traded, reported,
# cleared, settled and finalized by `gs tick`, then `gs verify --replay`.
#
#   bench/day.sh [N] [M]             default 10000 participants, 96 slots
#   RUNS=3 bench/day.sh 1000 8       the whole day RUNS times, medians
#
# Environment:
#   RUNS        how many times the whole day runs (default 1; the median of
#               each figure is reported)
#   SEED        generator seed (default 42)
#   BENCH_WORK  scratch directory (default bench/work); this stage lives in
#               BENCH_WORK/day (input cached per N, M and seed)
#   BENCH_APPEND =1: append to bench/results/day.ndjson (bench/run sets it)
#   GS_BIN_DIR  directory holding the programs (see pick_programs in
#               bench/lib.sh for the lookup)
#   BENCH_DB    a PostgreSQL URI or conninfo: the day runs in its schema
#               bench_day (made afresh) instead of a state file
#
# The day (bench/gen.c, `gen day`): participants p0..p{N-1}, panel k+1 of
# 8 kW each; in slot j participant k sells from its panel when k + j is
# even and buys otherwise, so each slot has N orders, half of them sells,
# drawn to clear partly. One oracle reports each slot's panels (2%
# unreported) 30 s after the slot ends; 15% of the sold slots of a panel
# fall short (penalties, compensation). Day D = 2026-12-01T00:00Z.
#
# Timeline, each step one process, all timed:
#   D-2h   gs init; the operator; `gs submit` of N+1 signed account.register
#          txs; one `gs-token mint` and one `gs-panel register` of N items;
#          `gs submit` of N+1 signed stake.deposit txs
#   D-1h   `gs submit` of the orders: one signed auction.order tx per
#          participant holding its M orders (N x M orders)
#   for each slot j: at its end + 30 s `gs submit` of the oracle's report
#          of slot j (one tx); at its end + 60 s `gs tick --as operator`,
#          which clears slot j+1 (gate closed), finalizes the oracle data of
#          slot j-1, computes its settlement and finalizes the settlement
#          of slot j-5 (dispute window 3600 s)
#   then   `gs tick` every slot length until nothing is due (the last
#          slots' verification period and dispute window)
#   last   `gs verify --replay`
# Checks (untimed): every receipt applied, every slot's settlement final,
# gs verify --replay ok.
#
# Output: a table on stdout (step, wall time, per item, peak RSS) and the
# same rows in bench/results/day.ndjson.
set -euo pipefail
export LC_ALL=C

N=${1:-10000}
M=${2:-96}
RUNS=${RUNS:-1}
SEED=${SEED:-42}
isint() { case $1 in ''|*[!0-9]*) return 1;; esac; (($1 > 0)); }
isint "$N" && ((N >= 2)) || { echo "day.sh: N must be an integer >= 2" >&2; exit 2; }
isint "$M" || { echo "day.sh: M must be a positive integer" >&2; exit 2; }
isint "$RUNS" || { echo "day.sh: RUNS must be a positive integer" >&2; exit 2; }

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
WORK=${BENCH_WORK:-$BENCH/work}/day
RESULTS=$BENCH/results
mkdir -p "$WORK" "$RESULTS"

die() { echo "day.sh: $*" >&2; exit 1; }

# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"
PROGS="gs gs-panel gs-settle gs-token"
# shellcheck disable=SC2086
pick_programs "$WORK" $PROGS
[[ -n $LIBDIR ]] || die "the generator needs libgridset.so.0: build the tree or put it in GS_BIN_DIR"
GS=$BIN/gs
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo true || echo false)

DAY=1796083200			# 2026-12-01T00:00:00Z
SS=900				# the default slot length
FIRST=$((DAY / SS))
SETUP_NOW=$((DAY - 7200))
ORDER_NOW=$((DAY - 3600))
UNIT=1000000			# base units per credit (decimals 6)

# ---- input (cached per N, M, seed and generator) ----
IN=$WORK/input-N$N-M$M-S$SEED
GEN_ID=$( (cat "$BENCH/gen.c" "$LIBDIR/libgridset.so.0") | cksum | cut -d' ' -f1)
if [[ ! -s $IN/summary.json || $(cat "$IN/gen-id" 2>/dev/null) != "$GEN_ID" ]]; then
	echo "day input: N=$N participants, M=$M slots ..." >&2
	rm -rf "$IN"
	mkdir -p "$IN"
	# shellcheck disable=SC2046
	cc -O2 -I"$ROOT/lib" "$BENCH/gen.c" "$LIBDIR/libgridset.so.0" \
		$(pkg-config --cflags --libs jansson libsodium) -Wl,-rpath,"$LIBDIR" \
		-o "$WORK/gen" || die "cannot build the generator (bench/gen.c)"
	"$WORK/gen" day "$IN" --participants "$N" --slots "$M" --first-slot "$FIRST" \
		--slot-seconds "$SS" --time "$SETUP_NOW" --mint $((1000 * UNIT)) \
		--stake $((200 * UNIT)) --seed "$SEED" >"$IN/summary.json" ||
		die "the generator failed"
	split -l 1 -a 4 -d "$IN/readings.ndjson" "$IN/report-"
	echo "$GEN_ID" >"$IN/gen-id"
fi
ORDERS=$(field orders "$IN/summary.json")
READINGS=$(field readings "$IN/summary.json")

# step NAME IN CMD...: run and time one process; its time and peak RSS
# are added to NAME's lists of this run (a name may run many times).
declare -A TIME RSSK
step() {
	local name=$1 in=$2
	shift 2
	run_timed "$in" "$RUN/out" "$@"
	TIME[$name]="${TIME[$name]:-} $T"
	RSSK[$name]="${RSSK[$name]:-} $RSS"
	cat "$RUN/out" >>"$RUN/log"
}

# sum of a list of times
total() { printf '%s\n' "$@" | awk '{ s += $1 } END { printf "%.4f", s }'; }

# Figures of every run: R_T[key] lists one value per run, R_R[key] the
# peak RSS (KiB) per run.
declare -A R_T R_R
keep() { R_T[$1]="${R_T[$1]:-} $2"; R_R[$1]="${R_R[$1]:-} ${3:-n/a}"; }

for ((r = 1; r <= RUNS; r++)); do
	RUN=$WORK/run
	rm -rf "$RUN"
	mkdir -p "$RUN/keys"
	export GS_KEYDIR=$RUN/keys GS_DB=$RUN/gridset.db
	[[ -z ${BENCH_DB:-} ]] || GS_DB=$(pg_state bench_day)
	TIME=() RSSK=()
	echo "day run $r/$RUNS: N=$N participants, M=$M slots ..." >&2
	t_day=$(now)
	export GS_NOW=$SETUP_NOW
	{ "$GS" key new admin && "$GS" init --admin admin && "$GS" key new operator &&
	  "$GS" account register --as operator &&
	  "$GS" admin grant operator operator --as admin; } >"$RUN/log" 2>&1 ||
		die "genesis failed: $(tail -n 3 "$RUN/log")"
	step register "$IN/register.ndjson" "$GS" submit --json
	applied "$RUN/out" $((N + 1)) "account.register"
	"$GS" admin grant oracle oracle --as admin >>"$RUN/log" 2>&1 || die "cannot grant oracle"
	step mint "$IN/mint.ndjson" "$BIN/gs-token" mint --as admin --json
	step panels "$IN/panels.ndjson" "$BIN/gs-panel" register --as admin --json
	step stake "$IN/deposit.ndjson" "$GS" submit --json
	applied "$RUN/out" $((N + 1)) "stake.deposit"
	export GS_NOW=$ORDER_NOW
	step orders "$IN/orders.ndjson" "$GS" submit --json
	applied "$RUN/out" "$N" "auction.order"
	for ((j = 0; j < M; j++)); do
		end=$(((FIRST + j + 1) * SS))
		GS_NOW=$((end + 30))
		step report "$IN/report-$(printf %04d "$j")" "$GS" submit --json
		applied "$RUN/out" 1 "oracle.report of slot $j"
		GS_NOW=$((end + 60))
		step tick /dev/null "$GS" tick --as operator --json
	done
	end=$(((FIRST + M) * SS))
	for ((k = 1; k <= 12; k++)); do
		GS_NOW=$((end + 60 + k * SS))
		step after /dev/null "$GS" tick --as operator --json
		grep -q '"seq"' "$RUN/out" || break
	done
	day_s=$(awk -v a="$t_day" -v b="$(now)" 'BEGIN { printf "%.4f", b - a }')
	step verify /dev/null "$GS" verify --replay --json
	grep -q '"ok":true' "$RUN/out" || die "gs verify --replay failed: $(head -c 300 "$RUN/out")"
	for ((j = 0; j < M; j++)); do
		"$BIN/gs-settle" show "#$((FIRST + j))" --json | grep -q '"state":"final"' ||
			die "slot #$((FIRST + j)) is not settled at the end of the day"
	done
	for name in register mint panels stake orders report tick after verify; do
		# shellcheck disable=SC2086
		keep "$name" "$(total ${TIME[$name]})" "$(maxrss ${RSSK[$name]})"
	done
	# shellcheck disable=SC2086
	keep tick_median "$(median ${TIME[tick]})"
	keep tick_max "$(printf '%s\n' ${TIME[tick]} | sort -g | tail -n 1)"
	keep report_median "$(median ${TIME[report]})"
	keep day "$day_s"
	keep per_slot "$(awk -v t="$day_s" -v m="$M" 'BEGIN { printf "%.4f", t / m }')"
done

# ---- report ----
OUT=$RESULTS/day.ndjson
[[ ${BENCH_APPEND:-0} == 1 ]] || : >"$OUT"
DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
printf '\nFull day on %s: %d participants and panels, %d slots of %d s: %d orders, %d readings (%s, %d run(s), medians)\n' \
	"$BACKEND" "$N" "$M" "$SS" "$ORDERS" "$READINGS" "$COMMIT" "$RUNS"
printf 'programs: %s\n\n' "$BIN_KIND"
printf '%-44s %10s %10s %10s %9s\n' step "wall s" items "us/item" "RSS MiB"
# row KEY LABEL ITEMS: one table row and one NDJSON line of R_T[KEY].
row() {
	local t rss per
	# shellcheck disable=SC2086
	t=$(median ${R_T[$1]})
	# shellcheck disable=SC2086
	rss=$(maxrss ${R_R[$1]})
	per=$(awk -v t="$t" -v n="$3" 'BEGIN { printf "%.2f", t * 1e6 / n }')
	[[ $rss == n/a ]] || rss=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
	printf '%-44s %10.3f %10d %10s %9s\n' "$2" "$t" "$3" "$per" "$rss"
	printf '{"stage":"day","backend":"%s","step":"%s","participants":%d,"slots":%d,"items":%d,"wall_s":%s,"us_per_item":%s,"rss_mib":"%s","runs":%d,"commit":"%s","dirty":%s,"cores":%d,"date":"%s"}\n' \
		"$BACKEND" "$1" "$N" "$M" "$3" "$t" "$per" "$rss" "$RUNS" "$COMMIT" "$DIRTY" "$(nproc)" "$DATE" >>"$OUT"
}
row register "register accounts (1 gs submit)" $((N + 1))
row mint "mint (1 gs-token mint)" $((N + 1))
row panels "register panels (1 gs-panel register)" "$N"
row stake "stake deposits (1 gs submit)" $((N + 1))
row orders "orders ($N txs, 1 gs submit)" "$ORDERS"
row report "oracle reports ($M gs submit, all)" "$READINGS"
row report_median "oracle report, median per slot" $((READINGS / M))
row tick "gs tick during the day ($M, all)" "$M"
row tick_median "gs tick, median per slot" "$N"
row tick_max "gs tick, slowest slot" "$N"
row after "gs tick after the day (all)" 1
row day "the whole day (all of the above)" "$M"
row per_slot "the whole day per slot" 1
row verify "gs verify --replay" "$ORDERS"
printf '\nverify --replay / building the day: %s\n' \
	"$(awk -v v="$(median ${R_T[verify]})" -v d="$(median ${R_T[day]})" 'BEGIN { printf "%.2fx", v / d }')"
