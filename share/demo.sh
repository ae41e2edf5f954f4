#!/usr/bin/env bash
# demo.sh - the main job: build the toolkit, then run a scripted session on a
# fresh state file (genesis, keys, accounts, mint, transfers, a lock, panels,
# oracle readings and finalization, stake, an auction cleared by gs tick,
# verify, balances). The state is left in ./demo/ for a look around.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
"$src/share/setup.sh" "$src/build"
export PATH="$src/build/bin:$PATH"
work=${DEMO_DIR:-$PWD/demo}
rm -rf "$work"
mkdir -p "$work"
export GS_KEYDIR="$work/keys" GS_DB="$work/gridset.db" GS_NOW=2026-11-25T08:00:00Z
say() { printf '\n$ %s\n' "$*"; "$@"; }

for who in admin alice bob carol meter1; do gs key new "$who" >/dev/null; done
say gs init --admin admin
for who in alice bob carol meter1; do gs account register --as "$who" >/dev/null; done
say gs account list --table
say gs-token mint --to alice 1000 --as admin
say gs-token transfer --to bob 250.5 --as alice
printf '{"to":"bob","amount":1500000}\n{"to":"carol","amount":20000000}\n' >"$work/batch.ndjson"
echo; echo "\$ gs-token transfer --as alice < batch.ndjson   # two transfers, one signed tx"
gs-token transfer --as alice <"$work/batch.ndjson"
say gs-token lock 10 --purpose escrow-demo --as carol
say gs-token approve --spender carol 50 --as bob
say gs-token transfer-from --from bob --to carol 20 --as carol
echo; echo "\$ gs-token transfer --to bob 99999 --as alice   # refused: exit 1"
gs-token transfer --to bob 99999 --as alice || echo "(exit $?)"

say gs-panel register --owner alice --capacity 5kW --location 52.52,13.405 --installed 2024-05-01 --as admin
printf '{"owner":"bob","capacity_w":3000}\n{"owner":"carol","capacity_w":4500,"meta":{"roof":"south"}}\n' >"$work/panels.ndjson"
echo; echo "\$ gs-panel register --as admin < panels.ndjson   # two panels, one signed tx"
gs-panel register --as admin <"$work/panels.ndjson"
say gs-panel transfer 3 --to alice --as carol
say gs-panel list --table
say gs admin grant oracle meter1 --as admin
say gs-token mint --to meter1 150 --as admin
say gs-stake deposit 120 --as meter1
printf '{"panel":1,"slot":"2026-11-25T07:45Z","wh":910}\n{"panel":2,"slot":"2026-11-25T07:45Z","wh":540}\n{"panel":3,"slot":"2026-11-25T07:45Z","wh":880}\n' >"$work/readings.ndjson"
echo; echo "\$ gs-oracle report --as meter1 < readings.ndjson   # three readings, one signed tx"
gs-oracle report --as meter1 <"$work/readings.ndjson"
echo; echo "\$ gs-oracle finalize 2026-11-25T07:45Z --as admin   # refused: verification period"
gs-oracle finalize 2026-11-25T07:45Z --as admin || echo "(exit $?)"
GS_NOW=2026-11-25T08:30:00Z say gs-oracle finalize --due --as admin
say gs-oracle show 2026-11-25T07:45Z --table
say gs-panel history 1
say gs-stake deposit 200 --as alice
say gs-auction order --slot 2026-11-25T10:00Z --sell 1.2kWh --price 0.10 --panel 1 --as alice
say gs-auction order --slot 2026-11-25T10:00Z --buy 900Wh --price 0.12 --as bob
say gs-auction order --slot 2026-11-25T10:00Z --buy 300Wh --price market --as carol
GS_NOW=2026-11-25T09:56:00Z say gs tick --as admin
say gs-auction result 2026-11-25T10:00Z --table
say gs-auction curve 2026-11-25T10:00Z --svg "$work/curve.svg" --table
say gs-stake deposit 50 --as bob
GS_NOW=2026-11-25T10:00:00Z say gs-stake request-withdraw 20 --as bob
echo; echo "\$ gs-stake withdraw --as bob   # refused: unbonding lasts 7 days"
GS_NOW=2026-11-25T10:00:00Z gs-stake withdraw --as bob || echo "(exit $?)"
GS_NOW=2026-12-02T10:00:00Z say gs-stake withdraw --as bob
say gs-stake show bob --at 2026-11-25T08:30:00Z
say gs-stake list --table
GS_NOW=2026-12-02T10:00:00Z say gs verify --replay --table
say gs-token list --table
say gs-token supply --table
