#!/usr/bin/env bash
# demo.sh - the main job: build the toolkit, then settle a whole market day on
# a fresh state file: an operator, two oracles and five participants; panels,
# stake, four consecutive 15-minute slots (one seller oversells, one slot
# clears at a negative price), one deliberately wrong oracle reading, gs tick
# doing what is due, one dispute, finalization; the positions of every slot
# and the balances; then the admin hands over to governance and a DAO
# proposal raises the penalty; `gs verify --replay` last. The clock is
# GS_NOW throughout.
# The state is left in ./demo/ (or $DEMO_DIR) for a look around; DEMO_DB puts
# it elsewhere (a PostgreSQL conninfo whose schema is empty), DEMO_KEYDIR
# takes the keys from a directory (made there when missing): the same keys
# make the same state on every backend.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${DEMO_BIN:-}" ]; then	# programs already built (tests/valgrind/run)
	export PATH="$DEMO_BIN:$PATH"
else
	"$src/share/setup.sh" "$src/build"
	export PATH="$src/build/bin:$PATH"
fi
work=${DEMO_DIR:-$PWD/demo}
rm -rf "$work"
mkdir -p "$work"
export GS_KEYDIR=${DEMO_KEYDIR:-$work/keys} GS_DB=${DEMO_DB:-$work/gridset.db}
export GS_NOW=2026-11-25T08:00:00Z
say() { printf '\n$ %s\n' "$*"; "$@"; }
at() { GS_NOW=$1; printf '\n# --- %s ---\n' "$GS_NOW"; }
quiet() { "$@" >/dev/null; }
S1=2026-11-25T10:00Z S2=2026-11-25T10:15Z S3=2026-11-25T10:30Z S4=2026-11-25T10:45Z

at 2026-11-25T08:00:00Z
echo "# keys and accounts: admin (genesis, registrar), operator, oracles meter1 and"
echo "# meter2, sellers alice bob carol, buyers dave erin"
for who in admin operator meter1 meter2 alice bob carol dave erin; do
	[ -e "$GS_KEYDIR/$who.key" ] || quiet gs key new "$who"
done
say gs init --admin admin
for who in operator meter1 meter2 alice bob carol dave erin; do
	quiet gs account register --as "$who"
done
quiet gs admin grant operator operator --as admin
quiet gs params set proposal_threshold 100 --as admin   # so that a 200-credit staker may propose
for who in meter1 meter2; do quiet gs admin grant oracle "$who" --as admin; done
printf '{"to":"%s","amount":1000000000}\n' alice bob carol dave erin >"$work/mint.ndjson"
printf '{"to":"%s","amount":200000000}\n' meter1 meter2 >>"$work/mint.ndjson"
echo; echo "\$ gs-token mint --as admin < mint.ndjson   # 1000 credits to each participant, 200 to each oracle"
quiet gs-token mint --as admin <"$work/mint.ndjson"
for who in meter1 meter2; do quiet gs-stake deposit 150 --as "$who"; done
for who in alice bob; do quiet gs-stake deposit 200 --as "$who"; done
quiet gs-stake deposit 12 --as carol
say gs-stake list --table
printf '{"owner":"alice","capacity_w":5000}\n{"owner":"bob","capacity_w":4000}\n{"owner":"carol","capacity_w":3000}\n' \
	>"$work/panels.ndjson"
echo; echo "\$ gs-panel register --as admin < panels.ndjson   # panels 1-3: 1250, 1000 and 750 Wh per slot at most"
quiet gs-panel register --as admin <"$work/panels.ndjson"
say gs-panel list --table

echo; echo "# sealed orders for four slots, before each gate closes (5 minutes before the slot)"
cat >"$work/orders-alice.ndjson" <<EOF
{"slot":"$S1","side":"sell","price":80000,"qty_wh":1000,"panel":1}
{"slot":"$S2","side":"sell","price":90000,"qty_wh":500,"panel":1}
{"slot":"$S3","side":"sell","price":-20000,"qty_wh":1000,"panel":1}
{"slot":"$S4","side":"sell","price":70000,"qty_wh":1200,"panel":1}
EOF
echo; echo "\$ gs-auction order --as alice < orders-alice.ndjson   # four sells, one tx"
quiet gs-auction order --as alice <"$work/orders-alice.ndjson"
say gs-auction order --slot $S1 --sell 800Wh --price 0.10 --panel 2 --as bob
quiet gs-auction order --slot $S3 --sell 800Wh --price -0.01 --panel 2 --as bob
echo; echo "# carol offers all her panel can make in slot 2; it will make 300 Wh"
say gs-auction order --slot $S2 --sell 750Wh --price 0.05 --panel 3 --as carol
quiet gs-auction order --slot $S1 --buy 1kWh --price 0.15 --as dave
quiet gs-auction order --slot $S2 --buy 800Wh --price 0.20 --as dave
quiet gs-auction order --slot $S3 --buy 300Wh --price -0.03 --as dave
quiet gs-auction order --slot $S4 --buy 1kWh --price 0.09 --as dave
quiet gs-auction order --slot $S1 --buy 600Wh --price 0.12 --as erin
quiet gs-auction order --slot $S2 --buy 400Wh --price 0.11 --as erin
quiet gs-auction order --slot $S3 --buy 900Wh --price -0.01 --as erin
quiet gs-auction order --slot $S4 --buy 500Wh --price 0.08 --as erin
echo "(dave and erin place their buys the same way: 4 + 4 orders)"
at 2026-11-25T09:56:00Z
echo "\$ gs-auction order --slot $S1 --buy 1kWh --price 0.10 --as dave   # refused: the gate has closed"
gs-auction order --slot $S1 --buy 1kWh --price 0.10 --as dave 2>&1 || echo "(exit $?)"
say gs tick --as operator
say gs-auction result $S1 --table

at 2026-11-25T10:11:00Z
say gs tick --as operator

at 2026-11-25T10:16:00Z
echo "# slot 1 has ended: meter1 reports what each panel produced"
printf '{"panel":1,"slot":"%s","wh":1100}\n{"panel":2,"slot":"%s","wh":650}\n' $S1 $S1 >"$work/meter1-s1.ndjson"
echo "\$ gs-oracle report --as meter1 < meter1-s1.ndjson"
gs-oracle report --as meter1 <"$work/meter1-s1.ndjson"

at 2026-11-25T10:26:00Z
echo "# slot 3 clears below zero: sellers pay buyers to take the midday surplus"
say gs tick --as operator
say gs-auction curve $S3 --svg "$work/curve-slot3.svg" --table

at 2026-11-25T10:31:00Z
echo "# slot 2 has ended; carol's panel made 300 Wh of the 750 she sold, and"
echo "# meter2 deliberately reports 750 for it"
printf '{"panel":1,"slot":"%s","wh":900}\n{"panel":3,"slot":"%s","wh":300}\n' $S2 $S2 >"$work/meter1-s2.ndjson"
printf '{"panel":1,"slot":"%s","wh":900}\n{"panel":3,"slot":"%s","wh":750}\n' $S2 $S2 >"$work/meter2-s2.ndjson"
quiet gs-oracle report --as meter1 <"$work/meter1-s2.ndjson"
echo "\$ gs-oracle report --as meter2 < meter2-s2.ndjson"
gs-oracle report --as meter2 <"$work/meter2-s2.ndjson"
echo "# slot 1's verification period is over: its readings become final and its"
echo "# settlement is computed (provisional: no money moves yet)"
say gs tick --as operator
say gs-settle positions $S1 --table

at 2026-11-25T10:41:00Z
say gs tick --as operator

at 2026-11-25T10:46:00Z
printf '{"panel":1,"slot":"%s","wh":950}\n{"panel":2,"slot":"%s","wh":0}\n' $S3 $S3 | quiet gs-oracle report --as meter1
echo "# slot 2: the lower median of 300 and 750 is 300; meter2 is flagged and pays"
echo "# oracle_penalty from its stake; carol's shortfall of 450 Wh costs her a penalty"
echo "# that goes to dave and erin pro rata to what they missed"
say gs tick --as operator
say gs-oracle show $S2 --table
say gs-settle positions $S2 --table

at 2026-11-25T11:01:00Z
printf '{"panel":1,"slot":"%s","wh":1150}\n' $S4 | quiet gs-oracle report --as meter1
say gs tick --as operator
at 2026-11-25T11:16:00Z
say gs tick --as operator
say gs status --table

at 2026-11-25T11:20:00Z
say gs-settle dispute $S4 --reason "our meter says panel 1 made more" --as erin
at 2026-11-25T11:40:00Z
echo "# the operator checks the readings and rejects the dispute: the bond goes to treasury"
say gs-settle resolve 1 --reject --as operator

at 2026-11-25T12:17:00Z
echo "# every dispute window is over: each slot's transfers are applied in one tx"
say gs tick --as operator
echo; echo "\$ gs tick --as operator   # again: nothing is due, nothing is written"
gs tick --as operator

for s in $S1 $S2 $S3 $S4; do say gs-settle positions $s --table; done
say gs-stake list --table
say gs-token list --table
say gs-token supply --table

at 2026-11-25T12:30:00Z
echo "# the admin hands governance over to the DAO: from now on roles and parameters"
echo "# change only through executed proposals"
say gs admin renounce --as admin
echo "\$ gs params set penalty_bps 20000 --as admin   # refused: exit 77"
gs params set penalty_bps 20000 --as admin 2>&1 || echo "(exit $?)"
say gs-dao propose --title "Raise the shortfall penalty to 200%" \
	--action '{"cmd":"params.set","args":{"name":"penalty_bps","value":20000}}' --as alice
quiet gs-dao vote 1 for --as alice
quiet gs-dao vote 1 for --as bob
say gs-dao vote 1 against --as carol
at 2026-11-28T12:31:00Z
echo "# the vote has ended (voting_period_s, 3 days): gs tick queues the proposal"
say gs tick --as operator
at 2026-11-30T12:32:00Z
echo "# the timelock (timelock_s, 2 days) is over: gs tick executes it as the dao account"
say gs tick --as operator
say gs-dao show 1 --table
say gs params show penalty_bps
GS_NOW=2026-11-30T12:33:00Z say gs verify --replay --table
