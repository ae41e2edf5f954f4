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

# pg_state NAME: the GS_DB of an empty PostgreSQL state: BENCH_DB (a libpq
# URI or conninfo) narrowed to the schema NAME, dropped and made afresh.
pg_state() {
	psql -X -q -v ON_ERROR_STOP=1 "$BENCH_DB" -c "SET client_min_messages = warning;
		DROP SCHEMA IF EXISTS $1 CASCADE; CREATE SCHEMA $1" >&2 ||
		die "cannot make the schema $1 in BENCH_DB"
	case $BENCH_DB in
	postgres://*\?* | postgresql://*\?*) echo "$BENCH_DB&options=-csearch_path%3D$1" ;;
	postgres://* | postgresql://*) echo "$BENCH_DB?options=-csearch_path%3D$1" ;;
	*) echo "$BENCH_DB options=-csearch_path=$1" ;;
	esac
}

# state_copy FILE NAME: a fresh copy of the gs state FILE to time a run on;
# prints its GS_DB: the file NAME.db beside FILE, or with BENCH_DB the
# schema NAME, filled by gs export | gs import (untimed).
state_copy() {
	if [[ -z ${BENCH_DB:-} ]]; then
		copy_state "$1" "$(dirname "$1")/$2.db"
		echo "$(dirname "$1")/$2.db"
		return
	fi
	local db
	db=$(pg_state "$2")
	GS_DB=$1 "$GS" export | GS_DB=$db "$GS" import >/dev/null ||
		die "cannot move $1 into PostgreSQL"
	echo "$db"
}

# BACKEND: where the gs states of this run live ("SQLite" or "PostgreSQL").
BACKEND=SQLite
[[ -z ${BENCH_DB:-} ]] || BACKEND=PostgreSQL

# count PATTERN FILE: lines of FILE holding the fixed string PATTERN.
count() { grep -cF -- "$1" "$2" || true; }

# since T0: seconds from T0 (a now) to now, two decimals.
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# field NAME FILE: the value of "NAME" (an integer, string or null) on the
# first line of FILE that holds it.
field() {
	awk -v k="\"$1\":" '{ i = index($0, k); if (i) { v = substr($0, i + length(k));
		sub(/[,}].*/, "", v); gsub(/"/, "", v); print v; exit } }' "$2"
}

# applied OUT WANT WHAT: OUT holds WANT receipts with status applied; else
# die naming WHAT and the first receipts that were not.
applied() {
	local n
	n=$(count '"status":"applied"' "$1")
	((n == $2)) || die "$3: $n of $2 txs applied: $(grep -v '"applied"' "$1" | grep -m 3 '"receipt"' || true)"
}

# pick_programs WORKDIR PROGS...: choose the programs to time, first found
# wins: $GS_BIN_DIR; the tree's bin/.libs + lib/.libs, snapshotted into
# WORKDIR/bin (a `make` during the run cannot mix versions) and run with
# LD_LIBRARY_PATH; the libtool wrappers in bin/; PATH. Sets BIN, LIBDIR
# (where libgridset.so.0 is, or empty) and BIN_KIND; dies when none is
# found. Needs ROOT.
pick_programs() {
	local work=$1 last p
	shift
	last=${*: -1}
	LIBDIR=
	if [[ -n ${GS_BIN_DIR:-} ]]; then
		BIN=$GS_BIN_DIR BIN_KIND="GS_BIN_DIR=$GS_BIN_DIR"
		[[ -e $GS_BIN_DIR/libgridset.so.0 ]] && LIBDIR=$GS_BIN_DIR
	elif [[ -x $ROOT/bin/.libs/$last && -e $ROOT/lib/.libs/libgridset.so.0 ]]; then
		BIN=$work/bin LIBDIR=$work/bin
		rm -rf "$BIN"
		mkdir -p "$BIN"
		for p in "$@"; do cp "$ROOT/bin/.libs/$p" "$BIN/"; done
		cp -L "$ROOT/lib/.libs/libgridset.so.0" "$BIN/"
		BIN_KIND="bin/.libs + lib/.libs (snapshot in $work/bin, via LD_LIBRARY_PATH)"
	elif [[ -x $ROOT/bin/$last ]]; then
		BIN=$ROOT/bin BIN_KIND="bin/ (libtool wrappers)"
	elif command -v "$last" >/dev/null; then
		BIN=$(dirname "$(command -v "$last")") BIN_KIND="PATH ($BIN)"
	else
		die "no $last: build the tree (./configure && make) or set GS_BIN_DIR"
	fi
	[[ -n $LIBDIR ]] && export LD_LIBRARY_PATH=$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
	[[ -z $LIBDIR && -e $ROOT/lib/.libs/libgridset.so.0 ]] && LIBDIR=$ROOT/lib/.libs
	for p in "$@"; do
		"$BIN/$p" --help >/dev/null || die "cannot run $BIN/$p"
	done
	return 0
}
