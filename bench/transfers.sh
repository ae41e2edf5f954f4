#!/usr/bin/env bash
# bench/transfers.sh - time one batched token.transfer of N items against a
# raw SQLite + jansson baseline, and `gs verify --replay` of the result.
#
#   bench/transfers.sh [N]            N transfer lines (default 100000)
#   RUNS=5 bench/transfers.sh 10000   timed runs per stage (median reported)
#
# Environment:
#   RUNS         timed runs per stage (default 5)
#   VERIFY_RUNS  timed runs of `gs verify --replay` (default: RUNS)
#   BENCH_WORK   scratch directory (default bench/work); the prepared state
#                (1,000 registered recipients) is cached there and rebuilt
#                only when the gs programs (or libgridset) change
#   BENCH_APPEND =1: append to bench/results/transfers.ndjson (bench/run
#                sets it); otherwise the file is overwritten
#   GS_BIN_DIR   directory holding gs and gs-token (overrides the lookup)
#
# Binaries, first found wins (the choice is printed and recorded):
#   1. $GS_BIN_DIR/{gs,gs-token}
#   2. <tree>/bin/.libs/{gs,gs-token} and <tree>/lib/.libs/libgridset.so.0:
#      the real ELF programs of an in-tree `./configure && make`, without the
#      libtool wrapper script (whose bash start-up would add a few ms); they
#      are copied to $BENCH_WORK/bin and run with LD_LIBRARY_PATH pointing
#      there, so a rebuild during the run cannot mix versions
#   3. <tree>/bin/{gs,gs-token}: the libtool wrappers
#   4. gs and gs-token on PATH (an installed build)
# The baseline is bench/baseline, compiled here if missing or stale with
#   cc -O2 bench/baseline.c $(pkg-config --cflags --libs sqlite3 jansson) -o bench/baseline
#
# Every stage is timed as a whole process (wall clock via $EPOCHREALTIME);
# peak RSS comes from GNU time (/usr/bin/time -f %M) when it is installed,
# else it is reported as n/a. Each timed transfer starts from a fresh copy
# of the prepared state, so every run does identical work.
set -euo pipefail
export LC_ALL=C

N=${1:-100000}
RUNS=${RUNS:-5}
VERIFY_RUNS=${VERIFY_RUNS:-$RUNS}
NACCOUNTS=1000
SEED=42

case $N in ''|*[!0-9]*) echo "transfers.sh: N must be a positive integer" >&2; exit 2;; esac
case $RUNS in ''|*[!0-9]*|0) echo "transfers.sh: RUNS must be a positive integer" >&2; exit 2;; esac

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
WORK=${BENCH_WORK:-$BENCH/work}
RESULTS=$BENCH/results
mkdir -p "$WORK" "$RESULTS"

die() { echo "transfers.sh: $*" >&2; exit 1; }

# ---- binaries ----
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"
pick_programs "$WORK" gs gs-token
GS=$BIN/gs GS_TOKEN=$BIN/gs-token
# Identity of the programs in use: the prepared state is rebuilt when it changes.
BIN_ID=$( (cat "$GS" "$GS_TOKEN"; [[ -z $LIBDIR ]] || cat "$LIBDIR/libgridset.so.0") | cksum | cut -d' ' -f1)

# ---- input: N lines from one sender to NACCOUNTS recipients, fixed seed ----
# A MINSTD generator (x = 48271 x mod 2^31-1, exact in awk's doubles) rather
# than srand()/rand(), whose sequence differs between mawk and gawk: the same
# file on every machine.
LINES=$WORK/transfers-minstd$SEED-$N.ndjson
if [[ ! -s $LINES ]]; then
	awk -v n="$N" -v k="$NACCOUNTS" -v seed="$SEED" 'BEGIN {
		m = 2147483647; x = seed
		for (i = 0; i < n; i++) {
			x = (x * 48271) % m; to = int(x / m * k)
			x = (x * 48271) % m; amount = 1 + int(x / m * 1000)
			printf "{\"to\":\"a%d\",\"amount\":%d}\n", to, amount
		}
	}' >"$LINES.tmp"
	mv "$LINES.tmp" "$LINES"
fi
TOTAL=$(awk -F'"amount":' '{ s += $2 + 0 } END { printf "%d", s }' "$LINES")

# ---- prepared state (once): genesis, funded sender, 1,000 recipients ----
SETUP=$WORK/setup
SETUP_S=
if [[ ! -s $SETUP/gridset.db || $(cat "$SETUP/bin-id" 2>/dev/null) != "$BIN_ID" ]]; then
	echo "setup: genesis + sender + $NACCOUNTS registered recipients ..." >&2
	rm -rf "$SETUP"
	mkdir -p "$SETUP/keys"
	t0=$(now)
	(
		export GS_KEYDIR=$SETUP/keys GS_DB=$SETUP/gridset.db
		exec >"$SETUP/setup.log" 2>&1
		"$GS" key new bank &&
		"$GS" init --admin bank &&
		"$GS" key new sender &&
		"$GS" account register --as sender &&
		# 10^9 display units = 10^15 base units (decimals 6): plenty for 1M lines
		"$GS_TOKEN" mint --to sender 1000000000 --as bank || exit 1
		for ((i = 0; i < NACCOUNTS; i++)); do
			"$GS" key new "a$i" && "$GS" account register --as "a$i" || exit 1
		done
	) || { tail -n 5 "$SETUP/setup.log" >&2; rm -f "$SETUP/gridset.db"; die "setup failed (see $SETUP/setup.log)"; }
	t1=$(now)
	echo "$BIN_ID" >"$SETUP/bin-id"
	SETUP_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	echo "setup: done in $SETUP_S s ($((2 * NACCOUNTS + 5)) processes, not part of any timing below)" >&2
fi
BASE_SEED=$WORK/baseline-seed.db
if [[ ! -s $BASE_SEED || $BASELINE -nt $BASE_SEED ]]; then
	rm -f "$BASE_SEED" "$BASE_SEED-wal" "$BASE_SEED-shm"
	"$BASELINE" "$BASE_SEED" --seed "$NACCOUNTS" || die "baseline seed failed"
fi

SENDER_BEFORE=$(GS_DB=$SETUP/gridset.db "$GS_TOKEN" balance sender --json |
	sed -n 's/.*"available":\([0-9]*\).*/\1/p')

# ---- timed runs ----
RUN=$WORK/run
mkdir -p "$RUN"
export GS_KEYDIR=$SETUP/keys
declare -a gs_t=() gs_rss=() base_t=() base_rss=() ver_t=() ver_rss=()

echo "transfers: N=$N RUNS=$RUNS binaries: $BIN_KIND" >&2
for ((r = 1; r <= RUNS; r++)); do
	# gs-token: one signed tx with N items, applied to a fresh copy
	DB=$(state_copy "$SETUP/gridset.db" run_transfers)
	GS_DB=$DB run_timed "$LINES" "$RUN/gs.out" \
		"$GS_TOKEN" transfer --as sender --json
	gs_t+=("$T") gs_rss+=("$RSS")
	grep -q '"status":"applied"' "$RUN/gs.out" || die "gs-token transfer did not apply: $(head -c 300 "$RUN/gs.out")"
	if ((r == 1)); then
		after=$(GS_DB=$DB "$GS_TOKEN" balance sender --json |
			sed -n 's/.*"available":\([0-9]*\).*/\1/p')
		[[ $((SENDER_BEFORE - after)) == "$TOTAL" ]] ||
			die "sender debited $((SENDER_BEFORE - after)), expected $TOTAL"
	fi

	# baseline: same lines, same storage work, fresh copy of its seed
	copy_state "$BASE_SEED" "$RUN/baseline.db"
	run_timed "$LINES" "$RUN/base.out" "$BASELINE" "$RUN/baseline.db"
	base_t+=("$T") base_rss+=("$RSS")
	grep -q "\"total\":$TOTAL}" "$RUN/base.out" || die "baseline total mismatch: $(cat "$RUN/base.out")"
	printf '  run %d: gs-token %ss  baseline %ss\n' "$r" "${gs_t[-1]}" "${base_t[-1]}" >&2
done

# verify --replay of the state the last run left (it only reads the file),
# and of the prepared state alone, so that the replay cost of the transfer
# tx itself is the difference of the two.
SETUP_DB=$(state_copy "$SETUP/gridset.db" run_setup_copy)
declare -a vset_t=()
for ((r = 1; r <= VERIFY_RUNS; r++)); do
	GS_DB=$DB run_timed /dev/null "$RUN/verify.out" "$GS" verify --replay --json
	ver_t+=("$T") ver_rss+=("$RSS")
	grep -q '"ok":true' "$RUN/verify.out" || die "verify --replay failed: $(cat "$RUN/verify.out")"
	GS_DB=$SETUP_DB run_timed /dev/null "$RUN/verify-setup.out" "$GS" verify --replay --json
	vset_t+=("$T")
	grep -q '"ok":true' "$RUN/verify-setup.out" || die "verify --replay (setup) failed: $(cat "$RUN/verify-setup.out")"
	printf '  verify --replay run %d: %ss (setup state alone: %ss)\n' "$r" "${ver_t[-1]}" "$T" >&2
done

GS_MED=$(median "${gs_t[@]}")
BASE_MED=$(median "${base_t[@]}")
VER_MED=$(median "${ver_t[@]}")
VSET_MED=$(median "${vset_t[@]}")
VTX_MED=$(awk -v a="$VER_MED" -v b="$VSET_MED" 'BEGIN { d = a - b; if (d < 0) d = 0; printf "%.4f", d }')
GS_RSS=$(maxrss "${gs_rss[@]}")
BASE_RSS=$(maxrss "${base_rss[@]}")
VER_RSS=$(maxrss "${ver_rss[@]}")

# ---- report ----
OUT=$RESULTS/transfers.ndjson
[[ ${BENCH_APPEND:-0} == 1 ]] || : >"$OUT"
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo true || echo false)
DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
CORES=$(nproc 2>/dev/null || echo 0)

# row STAGE ITEMS MED BASE_MED RSS BASE_RSS VS RUNS
row() {
	local ratio us rss=$5 brss=$6
	ratio=$(awk -v a="$3" -v b="$4" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "null" }')
	us=$(awk -v a="$3" -v n="$2" 'BEGIN { printf "%.3f", a / n * 1e6 }')
	[[ $rss == n/a ]] && rss=null
	[[ $brss == n/a ]] && brss=null
	printf '{"bench":"transfers","stage":"%s","items":%d,"runs":%d,"median_s":%s,"baseline":"%s","baseline_median_s":%s,"ratio":%s,"us_per_item":%s,"peak_rss_kib":%s,"baseline_peak_rss_kib":%s,"binaries":"%s","commit":"%s","dirty":%s,"cores":%d,"date":"%s"}\n' \
		"$1" "$2" "$8" "$3" "$7" "$4" "$ratio" "$us" "$rss" "$brss" "$BIN_KIND" "$COMMIT" "$DIRTY" "$CORES" "$DATE" >>"$OUT"
	printf '%-42s %9d %9.4f %10.4f %7s %9.2f %10s %10s\n' "$1" "$2" "$3" "$4" "$ratio" "$us" "$5" "$6"
}

echo
echo "token.transfer on $BACKEND, N=$N, median of $RUNS (verify: $VERIFY_RUNS); binaries: $BIN_KIND; $CORES cores"
printf '%-42s %9s %9s %10s %7s %9s %10s %10s\n' stage items median_s baseline_s ratio us/item rss_KiB base_KiB
[[ $BACKEND == SQLite ]] || ON=" on $BACKEND"
row "gs-token transfer (1 tx)${ON:-}" "$N" "$GS_MED" "$BASE_MED" "$GS_RSS" "$BASE_RSS" "bench/baseline" "$RUNS"
row "gs verify --replay${ON:-}" "$N" "$VER_MED" "$GS_MED" "$VER_RSS" "$GS_RSS" "gs-token transfer" "$VERIFY_RUNS"
row "replay: transfer tx only${ON:-}" "$N" "$VTX_MED" "$GS_MED" n/a n/a "gs-token transfer" "$VERIFY_RUNS"
echo "(verify rows: baseline_s is the gs-token transfer median, ratio is replay / build: DESIGN 12 wants <= 1.5."
echo " 'gs verify --replay' re-checks and re-applies the whole journal: the $((NACCOUNTS + 4)) setup txs"
echo " (median $VSET_MED s alone) plus the transfer tx; 'replay: transfer tx only' is the difference.)"
echo "(targets: gs-token transfer <= 1 s at N=100000; peak RSS < 262144 KiB)"
if [[ -n $SETUP_S ]]; then
	printf '{"bench":"transfers","stage":"setup","items":%d,"runs":1,"median_s":%s,"processes":%d,"binaries":"%s","commit":"%s","dirty":%s,"cores":%d,"date":"%s"}\n' \
		"$NACCOUNTS" "$SETUP_S" "$((2 * NACCOUNTS + 5))" "$BIN_KIND" "$COMMIT" "$DIRTY" "$CORES" "$DATE" >>"$OUT"
	echo "setup (once, cached in $SETUP): $SETUP_S s for $NACCOUNTS recipients"
fi
