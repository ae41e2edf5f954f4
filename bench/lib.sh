# bench/lib.sh - what the stage scripts share: the raw baseline program
# (compiled here when missing or stale), GNU time for peak RSS, and the
# timing and state helpers. Sourced by transfers.sh, oracle.sh, auction.sh
# and settle.sh once they have set BENCH and defined die().

BASELINE=$BENCH/baseline
if [[ ! -x $BASELINE || $BENCH/baseline.c -nt $BASELINE ]]; then
	# shellcheck disable=SC2046
	cc -O2 "$BENCH/baseline.c" $(pkg-config --cflags --libs sqlite3 jansson) \
		-o "$BASELINE" || die "cannot build bench/baseline"
fi

if [[ -x /usr/bin/time ]] && /usr/bin/time -f %M -o /dev/null true 2>/dev/null; then
	GNU_TIME=/usr/bin/time
else
	GNU_TIME=
fi

now() { echo "${EPOCHREALTIME:-$(date +%s.%N)}"; }

# run_timed IN OUT CMD...: run CMD <IN >OUT 2>OUT.err; set T (seconds) and
# RSS (KiB or n/a); exit on failure.
run_timed() {
	local in=$1 out=$2 t0 t1 rc=0
	shift 2
	if [[ -n $GNU_TIME ]]; then
		t0=$(now)
		"$GNU_TIME" -f %M -o "$out.rss" "$@" <"$in" >"$out" 2>"$out.err" || rc=$?
		t1=$(now)
		RSS=$(tail -n 1 "$out.rss")
	else
		t0=$(now)
		"$@" <"$in" >"$out" 2>"$out.err" || rc=$?
		t1=$(now)
		RSS=n/a
	fi
	if ((rc != 0)); then
		tail -n 5 "$out.err" >&2
		die "failed (exit $rc): $*"
	fi
	T=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
	END { if (NR % 2) printf "%.4f", v[(NR + 1) / 2];
	      else printf "%.4f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

maxrss() { printf '%s\n' "$@" | awk '$1 != "n/a" && $1 > m { m = $1 } END { print m ? m : "n/a" }'; }

add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", a + b }'; }

# copy_state SRC DST: copy a closed SQLite file with any -wal/-shm beside it.
copy_state() {
	rm -f "$2" "$2-wal" "$2-shm"
	cp "$1" "$2"
	local x
	for x in -wal -shm; do [[ -e $1$x ]] && cp "$1$x" "$2$x"; done
	return 0
}

# count PATTERN FILE: lines of FILE holding the fixed string PATTERN.
count() { grep -cF -- "$1" "$2" || true; }
