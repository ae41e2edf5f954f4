#!/usr/bin/env bash
# concurrency.sh - DESIGN section 13 under load: concurrent writers never
# corrupt or lose a transaction; a writer that cannot get the lock within
# the busy timeout exits 75 having changed nothing.
#
# Usage: tests/stress/concurrency.sh [--seconds S] [--procs N] [--seed S]
#                                    [--speed X] [--dir DIR] [--db DB] [--keep]
#
# Runs N worker processes (default 6) for S seconds (default 30) against one
# state (DIR/state.db, or DB: a PostgreSQL conninfo whose schema is empty,
# each process on its own connection), each under its own account, in this
# rotation of roles:
#   order     gs-auction order batches (1-20 buys and sells on its own panel)
#             for one of the next two slots whose gate is open;
#   tick      a `gs tick` loop (an operator of its own); every 8th time a
#             `gs verify --replay` instead, which must pass at whatever
#             commit it reads;
#   transfer  gs-token transfer batches (1-50 items) among the transfer
#             workers and two accounts nothing else touches, 3 in 10 signed
#             with --sign-only and applied by `gs submit`; now and then one
#             item beyond the balance (refused, exit 1) or to an unknown
#             account (refused, exit 65);
#   report    gs-oracle report batches (every panel, the slot that ended
#             last; refused once the slot is finalized).
# Order and transfer workers now and then run their last applied command
# again with the same --id: a retry, which must say "duplicate" and change
# nothing. The market clock runs X times as fast as the wall clock (default
# 300: a 15-minute slot every 3 s), so slots are traded, cleared, reported
# on, finalized and settled while the workers run; orders and reports that
# come too late are refused. GS_BUSY_TIMEOUT is 0, 200 or 2000 ms by worker
# (tick loops: 0 or 1000), so some commands exit 75, a tick possibly after
# some of its steps.
#
# Every worker logs each command it ran (tx id, exit code) and each receipt
# it got (tx id, status). Afterwards:
#   - only exit codes 0, 1, 65 and 75 occurred (gs verify: 0 or 75);
#   - no tx id is twice in the journal;
#   - the journal's worker txs are exactly those with an "applied" receipt:
#     none lost, none applied behind a busy (75) or refused exit, which
#     printed no receipt (gs submit: "rejected"); of a tick, exactly the
#     steps it printed receipts for;
#   - every retry that was not busy got "duplicate";
#   - the balances of the transfer workers and of the two accounts only they
#     pay are what the applied transfers add up to;
#   - each order worker's orders in the books are those of its applied
#     batches;
#   - `gs verify --replay` passes, and supply = minted - burned = the sum of
#     all balances (system accounts included), also after two last ticks
#     that settle everything.
# Prints the totals and the refusals by reason; exits 0 when all holds,
# else 1 (keeping the directory). The last line is
#     txs attempted: T, applied: A, duplicate: D, nothing due: Z, busy (75): B,
#     refused: R, lost: 0
# (T = A + D + Z + B + R: every command run but gs verify, retries and ticks
# included; a tick counts as applied when it applied a step.)
#
# The programs are taken from PATH: PATH=/path/to/bin:$PATH tests/stress/concurrency.sh
set -euo pipefail

prog=concurrency.sh
SECONDS_RUN=30
PROCS=6
SEED=
SPEED=300
DIR=
DB=
KEEP=0

usage() {
	if [ "${1:-64}" = 0 ]; then
		sed -n '6,7p' "$0" | sed 's/^# \{0,1\}//'
	else
		sed -n '6,7p' "$0" | sed 's/^# \{0,1\}//' >&2
	fi
	exit "${1:-64}"
}

while [ $# -gt 0 ]; do
	case $1 in
	--seconds) SECONDS_RUN=${2:?}; shift 2 ;;
	--procs) PROCS=${2:?}; shift 2 ;;
	--seed) SEED=${2:?}; shift 2 ;;
	--speed) SPEED=${2:?}; shift 2 ;;
	--dir) DIR=${2:?}; shift 2 ;;
	--db) DB=${2:?}; shift 2 ;;
	--keep) KEEP=1; shift ;;
	-h | --help) usage 0 ;;
	*) echo "$prog: unknown argument '$1'" >&2; usage 64 ;;
	esac
done
if ! [[ $SECONDS_RUN =~ ^[1-9][0-9]*$ && $PROCS =~ ^[1-9][0-9]?$ && $SPEED =~ ^[1-9][0-9]*$ ]]; then
	echo "$prog: --seconds and --speed need positive whole numbers, --procs 1 to 99" >&2
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

if [ -n "$DIR" ]; then
	mkdir -p "$DIR"
	DIR=$(cd "$DIR" && pwd)
else
	DIR=$(mktemp -d "${TMPDIR:-/tmp}/gs-concurrency.XXXXXX")
fi
cd "$DIR"
export GS_KEYDIR="$DIR/keys" GS_DB=${DB:-$DIR/state.db}
unset GS_KEY GS_NOW GS_BUSY_TIMEOUT
rm -rf "$GS_KEYDIR" w*.log w*.err w*.refused
[ -n "$DB" ] || rm -f "$GS_DB" "$GS_DB-wal" "$GS_DB-shm"

PIDS=()
finish() {
	local st=$? p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	if [ "$st" -ne 0 ]; then
		echo "$prog: FAILED (seed $SEED); state and logs kept in $DIR" >&2
	elif [ "$KEEP" = 0 ]; then
		rm -rf "$DIR"
	fi
}
trap finish EXIT

fail() {
	echo "$prog: $*" >&2
	exit 1
}

# ---- JSON (flat records, no jq needed) -----------------------------------------------

AWK_JF='
function jf(s, k,   r) {
	if (!match(s, "\"" k "\":")) return ""
	r = substr(s, RSTART + RLENGTH)
	if (substr(r, 1, 1) == "\"") { r = substr(r, 2); return substr(r, 1, index(r, "\"") - 1) }
	match(r, /^[^,}]*/)
	return substr(r, 1, RLENGTH)
}'

# ---- the workers and the state ---------------------------------------------------------

SLOT=900
V0=1795600800			# 2026-11-25T10:00Z: the market clock at the start
SETUP_T=$((V0 - 3600))
EXTRA_PANELS=200		# panels of nobody trading, reported on too
ROLES=(order tick transfer report tick order transfer report)
TIMEOUTS=(0 200 2000)

# worker i: ROLE[i], ACCOUNT[i], BUSY[i] (GS_BUSY_TIMEOUT), PANEL[i] (order)
declare -a ROLE ACCOUNT BUSY PANEL
TRANSFERERS=
npanel=0
nticks=0
for ((i = 0; i < PROCS; i++)); do
	ROLE[i]=${ROLES[$((i % ${#ROLES[@]}))]}
	case ${ROLE[i]} in	# o: order, k: tick, x: transfer, m: report (meter)
	order) ACCOUNT[i]=o$i ;;
	tick) ACCOUNT[i]=k$i ;;
	transfer) ACCOUNT[i]=x$i ;;
	report) ACCOUNT[i]=m$i ;;
	esac
	if [ "${ROLE[i]}" = tick ]; then
		# 0 ms, then 1000 ms, ...: a tick may get 75 after some steps
		BUSY[i]=$((nticks % 2 * 1000))
		nticks=$((nticks + 1))
	else
		BUSY[i]=${TIMEOUTS[$((i % 3))]}
	fi
	if [ "${ROLE[i]}" = order ]; then
		npanel=$((npanel + 1))
		PANEL[i]=$npanel
	fi
	[ "${ROLE[i]}" != transfer ] || TRANSFERERS="$TRANSFERERS ${ACCOUNT[i]}"
done
SINKS="z1 z2"
TOTAL_PANELS=$((npanel + EXTRA_PANELS))

t_start=$EPOCHREALTIME
ms_since() {
	local now=$EPOCHREALTIME
	echo $(( (10#${now/./} - 10#${1/./}) / 1000 ))
}

echo "$prog: seed $SEED, $PROCS workers (${ROLE[*]}) for $SECONDS_RUN s, clock x$SPEED, state in $DIR"

setup() {
	local i a
	export GS_NOW=$SETUP_T
	gs key new admin >/dev/null
	gs init --admin admin >/dev/null
	for a in "${ACCOUNT[@]}" $SINKS; do
		gs key new "$a" >/dev/null
		gs account register --as "$a" >/dev/null
	done
	for ((i = 0; i < PROCS; i++)); do
		a=${ACCOUNT[i]}
		case ${ROLE[i]} in
		order)
			gs-token mint --to "$a" 100000 --as admin >/dev/null
			gs-stake deposit 10000 --as "$a" >/dev/null
			;;
		tick) gs admin grant operator "$a" --as admin >/dev/null ;;
		transfer) gs-token mint --to "$a" 1000 --as admin >/dev/null ;;
		report)
			gs admin grant oracle "$a" --as admin >/dev/null
			gs-token mint --to "$a" 1000 --as admin >/dev/null
			gs-stake deposit 500 --as "$a" >/dev/null
			;;
		esac
	done
	# panels 1..npanel: one of each order worker (10 kW: 2500 Wh a slot)
	for ((i = 0; i < PROCS; i++)); do
		[ "${ROLE[i]}" != order ] ||
			printf '{"owner":"%s","capacity_w":10000}\n' "${ACCOUNT[i]}"
	done >panels.ndjson
	awk -v n="$EXTRA_PANELS" 'BEGIN { for (i = 0; i < n; i++) print "{\"owner\":\"admin\",\"capacity_w\":5000}" }' \
		>>panels.ndjson
	gs-panel register --as admin <panels.ndjson >/dev/null
	# final readings 10 minutes after a slot's end, settlement final 10
	# minutes after it is computed
	gs params set verification_period_s 600 --as admin >/dev/null
	gs params set dispute_window_s 600 --as admin >/dev/null
	unset GS_NOW
}
setup
SEQ0=$(gs status | awk "$AWK_JF"'{ print jf($0, "seq"); exit }')
echo "$prog: setup: $SEQ0 txs, $TOTAL_PANELS panels, $(ms_since "$t_start") ms"

# ---- a worker ------------------------------------------------------------------------

# The shared start: the market clock is V0 + (now - START) * SPEED.
START=
# vnow: the market clock now, in VNOW.
vnow() {
	local now=$EPOCHREALTIME
	VNOW=$((V0 + (10#${now/./} - START) * SPEED / 1000000))
}

# worker I: run role ROLE[I] until the end; log to wI.log:
#   A ID KIND EXIT    a command (KIND order, transfer, submit, report, tick,
#                     verify or retry)
#   R ID STATUS       a receipt it printed
#   M FROM TO AMOUNT  an item of an applied transfer
#   O ACCOUNT SLOT N  an applied order batch: N orders in SLOT
worker() {
	local i=$1 role=${ROLE[$1]} me=${ACCOUNT[$1]} n=0 id st kind slot k last_cmd=()
	local rng=$(( (SEED + 7919 * (i + 1)) % 2147483646 + 1 ))
	local last_id='' log="w$i.log" end=$((START + SECONDS_RUN * 1000000))
	export GS_BUSY_TIMEOUT=${BUSY[i]}
	exec 3>>"$log"
	rnd() { rng=$((rng * 48271 % 2147483647)); R=$((rng % $1)); }
	while :; do
		local now=$EPOCHREALTIME
		[ $((10#${now/./})) -lt "$end" ] || break
		n=$((n + 1))
		id="w$i-$n"
		vnow
		kind=$role
		rnd 10
		if [ -n "$last_id" ] && [ "$R" = 0 ]; then
			# retry the last applied command: same id, same input
			kind=retry
			id=$last_id
		fi
		st=0
		case $kind in
		retry)
			GS_NOW=$VNOW "${last_cmd[@]}" --id "$id" <"in.$i.last" >"out.$i" 2>"err.$i" || st=$?
			;;
		order)
			# 1-20 orders for one of the next two slots whose gate is open
			slot=$(( (VNOW + 300) / SLOT + 1 ))
			rnd 2
			slot=$((slot + R))
			rnd 20
			k=$((R + 1))
			: >"in.$i"
			local j
			for ((j = 0; j < k; j++)); do
				rnd 3
				if [ "$R" = 0 ]; then
					rnd 5
					printf '{"slot":%d,"side":"sell","price":%d,"qty_wh":%d,"panel":%d}\n' \
						"$slot" $((30000 + 1000 * (j % 50))) $((R + 1)) "${PANEL[i]}"
				else
					rnd 20
					printf '{"slot":%d,"side":"buy","price":%d,"qty_wh":%d}\n' \
						"$slot" $((20000 + 5000 * (j % 20))) $((R + 1))
				fi >>"in.$i"
			done
			GS_NOW=$VNOW gs-auction order --as "$me" --id "$id" <"in.$i" >"out.$i" 2>"err.$i" || st=$?
			;;
		transfer)
			rnd 50
			k=$((R + 1))
			: >"in.$i"
			local j to amount targets
			read -r -a targets <<<"$TRANSFERERS $SINKS"
			for ((j = 0; j < k; j++)); do
				rnd ${#targets[@]}
				to=${targets[R]}
				[ "$to" != "$me" ] || to=z1
				rnd 1000
				amount=$((R + 1))
				rnd 100
				if [ "$R" -lt 3 ] && [ "$j" = 0 ]; then
					amount=999000000000	# beyond any balance: refused
				elif [ "$R" -lt 6 ] && [ "$j" = 0 ]; then
					to=nobody		# unknown: refused
				fi
				printf '{"to":"%s","amount":%d}\n' "$to" "$amount"
			done >"in.$i"
			rnd 10
			if [ "$R" -lt 3 ]; then
				# signed apart and handed to gs submit
				kind=submit
				if GS_NOW=$VNOW gs-token transfer --as "$me" --id "$id" --sign-only \
					<"in.$i" >"signed.$i" 2>"err.$i"; then
					GS_NOW=$VNOW gs submit <"signed.$i" >"out.$i" 2>"err.$i" || st=$?
				else
					st=$?
					: >"out.$i"
				fi
			else
				GS_NOW=$VNOW gs-token transfer --as "$me" --id "$id" <"in.$i" >"out.$i" 2>"err.$i" || st=$?
			fi
			;;
		report)
			# every panel in the slot that ended last; the value is a
			# function of panel and slot, the same from every oracle
			slot=$((VNOW / SLOT - 1))
			awk -v n="$TOTAL_PANELS" -v s="$slot" -v np="$npanel" 'BEGIN {
				for (p = 1; p <= n; p++)
					printf "{\"panel\":%d,\"slot\":%d,\"wh\":%d}\n", p, s,
						(p * 7919 + s * 104729) % (p <= np ? 2501 : 1251)
			}' >"in.$i"
			GS_NOW=$VNOW gs-oracle report --as "$me" --id "$id" <"in.$i" >"out.$i" 2>"err.$i" || st=$?
			;;
		tick)
			if [ $((n % 8)) = 0 ]; then
				# now and then a reader: the file verifies and replays
				# at whatever commit it reads
				kind=verify
				GS_NOW=$VNOW gs verify --replay >"out.$i" 2>"err.$i" || st=$?
				: >"out.$i"
			else
				GS_NOW=$VNOW gs tick --as "$me" --id "$id" </dev/null >"out.$i" 2>"err.$i" || st=$?
			fi
			;;
		esac
		echo "A $id $kind $st" >&3
		awk "$AWK_JF"'jf($0, "type") == "receipt" { print "R", jf($0, "id"), jf($0, "status") }' \
			"out.$i" >&3
		case $kind.$st in
		*.0 | *.75) ;;
		verify.*) { echo "== $id $kind exit $st"; cat "err.$i"; } >>"w$i.err" ;;
		*.1 | *.65)
			# the reason: the first line of stderr, or of gs submit the
			# receipt's error
			{
				echo -n "$kind $st "
				if [ -s "err.$i" ]; then
					head -n 1 "err.$i"
				else
					awk "$AWK_JF"'jf($0, "type") == "receipt" { print jf($0, "error") }' "out.$i"
				fi
			} >>"w$i.refused"
			;;
		*) { echo "== $id $kind exit $st"; cat "err.$i"; } >>"w$i.err" ;;
		esac
		if [ "$st" = 0 ] && grep -q '"status":"applied"' "out.$i"; then
			case $kind in
			transfer | submit)
				awk -v from="$me" "$AWK_JF"'{ print "M", from, jf($0, "to"), jf($0, "amount") }' \
					"in.$i" >&3
				last_cmd=(gs-token transfer --as "$me")
				;;
			order)
				echo "O $me $slot $k" >&3
				last_cmd=(gs-auction order --as "$me")
				;;
			esac
			# the command a retry runs again
			case $kind in
			order | transfer | submit)
				last_id=$id
				cp "in.$i" "in.$i.last"
				;;
			esac
		fi
	done
	exec 3>&-
}

# ---- run -----------------------------------------------------------------------------

now=$EPOCHREALTIME
START=$((10#${now/./}))
for ((i = 0; i < PROCS; i++)); do
	worker "$i" &
	PIDS+=($!)
done
wst=0
for p in "${PIDS[@]}"; do
	wait "$p" || wst=$?
done
PIDS=()
run_ms=$(ms_since "$now")
[ "$wst" = 0 ] || fail "a worker failed (exit $wst)"
vnow
echo "$prog: workers done after $run_ms ms; market clock $((VNOW - V0)) s after the start"

# ---- the checks ----------------------------------------------------------------------

cat w*.log >all.log
# unexpected exit codes
if ls w*.err >/dev/null 2>&1; then
	fail "unexpected exit codes:
$(cat w*.err | head -40)"
fi

# the journal: "seq id" of every row
gs log | awk "$AWK_JF"'{ print jf($0, "seq"), jf($0, "id") }' >journal.txt
dups=$(cut -d' ' -f2 journal.txt | sort | uniq -d)
[ -z "$dups" ] || fail "tx ids twice in the journal: $(head -5 <<<"$dups")"
# the worker txs in the journal
awk '$2 ~ /^w[0-9]+-/ { print $2 }' journal.txt | sort >journal.ids
# the txs with an applied receipt
awk '$1 == "R" && $3 == "applied" { print $2 }' all.log | sort >applied.ids
dup_receipts=$(uniq -d applied.ids)
[ -z "$dup_receipts" ] || fail "applied twice: $(head -5 <<<"$dup_receipts")"
if ! cmp -s journal.ids applied.ids; then
	fail "the journal's worker txs differ from the applied receipts (< journal only, > receipt only):
$(diff journal.ids applied.ids | grep '^[<>]' | head -20)"
fi

# per command: its exit code and receipts agree
awk '
	$1 == "A" { n++; id[n] = $2; kind[n] = $3; st[n] = $4; next }
	$1 == "R" { r[n] = r[n] " " $3; rid[n] = rid[n] " " $2 }
	END {
		for (i = 1; i <= n; i++) {
			k = kind[i]; s = st[i]
			if (k == "tick") {
				# receipts of the steps done, all applied; ids ID.0 to ID.5
				m = split(r[i], a, " "); split(rid[i], b, " ")
				for (j = 1; j <= m; j++) {
					if (a[j] != "applied" || index(b[j], id[i] ".") != 1)
						print "tick " id[i] " exit " s ": receipt " b[j] " " a[j]
				}
				if (s != 0 && s != 75) print "tick " id[i] " exit " s
			} else if (k == "retry") {
				if (s == 0 && r[i] != " duplicate") print "retry " id[i] " exit 0: receipt" r[i]
				if (s != 0 && s != 75) print "retry " id[i] " exit " s
			} else if (k == "verify") {
				if (r[i] != "") print "verify " id[i] ": receipt" r[i]
			} else if (s == 0) {
				if (r[i] != " applied" || rid[i] != " " id[i]) print k " " id[i] " exit 0: receipt" rid[i] r[i]
			} else if (r[i] != "" && (k != "submit" || r[i] != " rejected" || rid[i] != " " id[i])) {
				# refused or busy: no receipt (gs submit: "rejected")
				print k " " id[i] " exit " s ": receipt" rid[i] r[i]
			}
		}
	}' all.log >mismatch.txt
[ ! -s mismatch.txt ] || fail "exit codes and receipts disagree:
$(head -20 mismatch.txt)"

# the transfer workers and the sinks: what the applied transfers add up to
for a in $TRANSFERERS $SINKS; do
	gs-token balance "$a" --json
done | awk "$AWK_JF"'{ print jf($0, "account"), jf($0, "available") + jf($0, "locked") }' | sort >bal.actual
awk -v accts="$TRANSFERERS $SINKS" -v ts="$TRANSFERERS" '
	BEGIN { split(ts, t, " "); for (i in t) b[t[i]] = 1000000000
		split(accts, a, " "); for (i in a) b[a[i]] += 0 }
	$1 == "M" { b[$2] -= $4; b[$3] += $4 }
	END { for (k in b) printf "%s %.0f\n", k, b[k] }' all.log | sort >bal.expected
cmp -s bal.actual bal.expected || fail "balances of the transfer workers differ from their applied transfers:
$(diff bal.expected bal.actual)"

# the order workers: their orders in the books are those of the applied batches
awk '$1 == "O" { print $3 }' all.log | sort -u >order.slots
awk '$1 == "O" { n[$2] += $4 } END { for (a in n) print a, n[a] }' all.log | sort >orders.expected
while read -r s; do
	gs-auction book "#$s" --json
done <order.slots | awk "$AWK_JF"'{ n[jf($0, "account")]++ } END { for (a in n) print a, n[a] }' | sort >orders.actual
cmp -s orders.actual orders.expected || fail "orders in the books differ from the applied batches:
$(diff orders.expected orders.actual)"

# the whole file, and the supply
check_state() {
	local out sup minted burned total
	out=$(gs verify --replay 2>&1) || fail "gs verify --replay failed ($1):
$out"
	[[ $out == *'"ok":true'* && $out == *'"replayed":true'* ]] || fail "gs verify --replay ($1): $out"
	sup=$(gs-token supply --json)
	minted=$(awk "$AWK_JF"'{ print jf($0, "minted") }' <<<"$sup")
	burned=$(awk "$AWK_JF"'{ print jf($0, "burned") }' <<<"$sup")
	total=$(gs-token list --json | awk "$AWK_JF"'{ s += jf($0, "available") + jf($0, "locked") }
		END { printf "%.0f\n", s }')
	[ "$total" = $((minted - burned)) ] ||
		fail "sum of balances $total, minted - burned $((minted - burned)) ($1)"
	[ "$(awk "$AWK_JF"'{ print jf($0, "supply") }' <<<"$sup")" = $((minted - burned)) ] ||
		fail "supply is not minted - burned ($1): $sup"
}
check_state "after the run"
# two last ticks, long after, settle every slot
GS_NOW=$((VNOW + 20 * SLOT)) gs tick --as admin >/dev/null 2>&1 || fail "the last tick failed"
GS_NOW=$((VNOW + 22 * SLOT)) gs tick --as admin >/dev/null 2>&1 || fail "the last tick failed"
check_state "after the last tick"
settled=$(GS_NOW=$((VNOW + 22 * SLOT)) gs status --slots 1000 --json | grep -c '"state":"settled"' || true)

# ---- totals --------------------------------------------------------------------------

read -r attempted applied dup nothing busy refused r1 r65 steps partial submits verifies \
	<<<"$(awk '
	$1 == "A" { n++; kind[n] = $3; st[n] = $4; next }
	$1 == "R" && $3 == "applied" { ap[n]++ }
	END {
		for (i = 1; i <= n; i++) {
			s = st[i]
			if (kind[i] == "verify") {
				verifies++
				continue
			}
			att++
			if (kind[i] == "submit") submits++
			if (kind[i] == "retry") {
				if (s == 0) dup++; else busy++
			} else if (kind[i] == "tick") {
				steps += ap[i]
				if (ap[i] > 0) { applied++; if (s == 75) partial++ }
				else if (s == 0) nothing++
				else busy++
			} else if (s == 0) applied++
			else if (s == 75) busy++
			else { refused++; if (s == 1) r1++; else r65++ }
		}
		print att + 0, applied + 0, dup + 0, nothing + 0, busy + 0, refused + 0, r1 + 0, r65 + 0,
			steps + 0, partial + 0, submits + 0, verifies + 0
	}' all.log)"
journal_rows=$(wc -l <journal.ids)
echo "$prog: seed $SEED: $journal_rows worker txs in the journal, each with its applied receipt, none twice; $settled slots settled in the end"
echo "$prog: tick steps applied: $steps (ticks that got 75 after some steps: $partial); transfers through gs submit: $submits; concurrent gs verify --replay runs: $verifies, all ok"
echo "$prog: refused: $r1 by a protocol rule (exit 1), $r65 as malformed (exit 65)"
if ls w*.refused >/dev/null 2>&1; then
	echo "$prog: refusals by reason:"
	cat w*.refused | sed 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:]*Z/TIME/g; s/[0-9][0-9]*/N/g' | sort | uniq -c | sort -rn |
		sed "s/^/$prog:   /"
fi
echo "$prog: run $run_ms ms, total $(ms_since "$t_start") ms"
echo "txs attempted: $attempted, applied: $applied, duplicate: $dup, nothing due: $nothing, busy (75): $busy, refused: $refused, lost: 0"
