#!/usr/bin/env bash
# demo.sh - the main job: build the toolkit, then run a scripted session on a
# fresh state file (genesis, keys, accounts, mint, transfers, a lock, verify,
# balances). The state is left in ./demo/ for a look around.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
"$src/share/setup.sh" "$src/build"
export PATH="$src/build/bin:$PATH"
work=${DEMO_DIR:-$PWD/demo}
rm -rf "$work"
mkdir -p "$work"
export GS_KEYDIR="$work/keys" GS_DB="$work/gridset.db" GS_NOW=2026-11-25T08:00:00Z
say() { printf '\n$ %s\n' "$*"; "$@"; }

for who in admin alice bob carol; do gs key new "$who" >/dev/null; done
say gs init --admin admin
for who in alice bob carol; do gs account register --as "$who" >/dev/null; done
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
say gs verify --replay --table
say gs-token list --table
say gs-token supply --table
