#!/usr/bin/env bats
# gs.bats - the umbrella program gs: init, key, account, admin, params,
# status, log, verify, and git-style dispatch to gs-TOOL (DESIGN sections 4-7, 14).

# status, output, lines, stderr and stderr_lines are set by bats' run.
# shellcheck disable=SC2154
load helper

# ---- the program -------------------------------------------------------------

@test "gs --help lists every subcommand on stdout and exits 0" {
	expect_exit 0 gs --help
	assert_stdout_has "usage: gs COMMAND" "gs init --admin NAME" "gs key new NAME" \
		"gs account register" "gs admin grant" "gs params" "gs submit" "gs log" \
		"gs verify" "gs status"
}

@test "gs --version prints the program name and its version and exits 0" {
	expect_exit 0 gs --version
	[[ ${lines[0]} =~ ^gs\ \(gridset\)\ [0-9]+\.[0-9]+ ]]
}

@test "every gs subcommand and nested subcommand answers --help with its usage on stdout" {
	local c
	for c in init key account admin params submit log verify status export import \
		"key new" "key list" "key show" "account register" "account list" \
		"account show" "admin grant" "admin revoke" "admin renounce" \
		"params show" "params set"; do
		# shellcheck disable=SC2086
		expect_exit 0 gs $c --help </dev/null
		assert_stdout_has "usage: gs $c"
	done
}

@test "gs without a command prints its usage on stderr and exits 64" {
	expect_exit 64 gs
	assert_stderr_has "usage: gs COMMAND"
}

@test "an unknown gs command exits 64 and names the command" {
	expect_exit 64 gs frobnicate
	assert_stderr_has "frobnicate"
	expect_exit 64 gs Frob
	assert_stderr_has "Frob"
}

@test "gs TOOL for a program that does not exist exits 64" {
	expect_exit 64 gs nosuchtool balance
	assert_stderr_has "nosuchtool"
}

@test "an unknown option of a subcommand exits 64 with a diagnostic prefixed by the program name" {
	genesis
	expect_exit 64 gs status --bogus
	[[ ${stderr_lines[0]} == "gs: "* ]] || {
		echo "first stderr line is not prefixed with 'gs: ': ${stderr_lines[0]}" >&2
		return 1
	}
	assert_stderr_has "--bogus"
}

@test "an unknown option before the subcommand exits 64 with a diagnostic prefixed by the program name" {
	expect_exit 64 gs --bogus
	[[ ${stderr_lines[0]} == "gs: "* ]] || {
		echo "first stderr line is not prefixed with 'gs: ': ${stderr_lines[0]}" >&2
		return 1
	}
	assert_stderr_has "--bogus"
}

# ---- the state file ------------------------------------------------------------

@test "commands other than init exit 66 on a missing state file and create none" {
	local k
	for k in admin alice bob; do gs key new "$k" >/dev/null; done
	expect_exit 66 gs status
	assert_stderr_has "$GS_DB"
	expect_exit 66 gs verify
	expect_exit 66 gs verify --replay
	expect_exit 66 gs log
	expect_exit 66 gs account list
	expect_exit 66 gs account show alice
	expect_exit 66 gs account register --as alice
	expect_exit 66 gs admin grant minter bob --as admin
	expect_exit 66 gs admin renounce --as admin
	expect_exit 66 gs params show
	expect_exit 66 gs params set quorum_bps 500 --as admin
	expect_exit 66 gs submit </dev/null
	expect_exit 66 gs-token balance alice
	expect_exit 66 gs-token transfer --to bob 1 --as alice
	no_state
}

@test "--db FILE selects the state file instead of GS_DB" {
	genesis
	expect_exit 0 gs init --admin admin --db other.db
	[ -f other.db ]
	expect_exit 0 gs status --db other.db
	assert_record "$output" seq=1 supply=0
	expect_exit 0 gs status
	assert_record "$output" seq=5 supply=1000000000
}

@test "without --db and GS_DB the state file is ./gridset.db" {
	unset GS_DB
	gs key new admin >/dev/null
	expect_exit 0 gs init --admin admin
	[ -f "$BATS_TEST_TMPDIR/gridset.db" ]
	expect_exit 0 gs status
	assert_record "$output" seq=1
}

# ---- gs init -------------------------------------------------------------------

@test "gs init creates a genesis with the defaults: symbol GST, 6 decimals, 900 s slots" {
	gs key new admin >/dev/null
	expect_exit 0 gs init --admin admin
	assert_record "${lines[0]}" type=receipt status=applied seq=1 error=null
	has_state
	expect_exit 0 gs status
	assert_record "$output" type=status seq=1 symbol=GST decimals=6 slot_seconds=900 \
		supply=0 renounced=false time="$NOW_UNIX"
	expect_exit 0 gs params show decimals
	assert_record "$output" type=param name=decimals value=6
	expect_exit 0 gs params show slot_seconds
	assert_record "$output" type=param name=slot_seconds value=900
	check_invariants
}

@test "gs init gives the admin every role and creates the system accounts treasury, vault and dao" {
	gs key new admin >/dev/null
	gs init --admin admin >/dev/null
	expect_exit 0 gs account show admin
	assert_record "$output" type=account name=admin kind=user
	assert_stdout_has '"roles":["admin","guardian","minter","operator","oracle","registrar"]'
	local s
	for s in treasury vault dao; do
		expect_exit 0 gs account show "$s"
		assert_record "$output" type=account name="$s" kind=system pubkey=null
		assert_stdout_has '"roles":[]'
		expect_exit 0 gs-token balance "$s"
		assert_record "$output" available=0 locked=0
	done
}

@test "gs init --decimals, --symbol and --slot-seconds set the token and the slot length" {
	gs key new admin >/dev/null
	expect_exit 0 gs init --admin admin --decimals 2 --symbol ABC --slot-seconds 300
	expect_exit 0 gs status
	assert_record "$output" symbol=ABC decimals=2 slot_seconds=300
	# amount parameters are scaled to the token's decimals: 10 credits
	expect_exit 0 gs params show dispute_bond
	assert_record "$output" value=1000
	# and amounts on the command line are read with 2 decimals
	expect_exit 0 gs-token mint --to admin 1.25 --as admin
	expect_exit 0 gs-token balance admin
	assert_record "$output" available=125
	expect_refusal 65 gs-token mint --to admin 1.255 --as admin
	check_invariants
}

@test "a second gs init on the same file is refused with exit 1 and changes nothing" {
	genesis
	expect_refusal 1 gs init --admin admin
	assert_stderr_has "genesis"
	expect_refusal 1 gs init --admin bob --symbol XYZ
	expect_exit 0 gs status
	assert_record "$output" symbol=GST
}

@test "gs init with a missing admin key exits 66 and creates no state file" {
	expect_exit 66 gs init --admin admin
	assert_stderr_has "admin.key"
	no_state
}

@test "gs init without --admin exits 64 and creates no state file" {
	gs key new admin >/dev/null
	expect_exit 64 gs init
	assert_stderr_has "--admin"
	no_state
}

@test "gs init refuses an invalid --symbol, --decimals or --slot-seconds with exit 65" {
	gs key new admin >/dev/null
	expect_exit 65 gs init --admin admin --symbol abc
	assert_stderr_has "symbol"
	expect_exit 65 gs init --admin admin --symbol TOOLONGSYM
	expect_exit 65 gs init --admin admin --decimals 13
	assert_stderr_has "decimals"
	expect_exit 65 gs init --admin admin --slot-seconds 7
	assert_stderr_has "slot_seconds"
	expect_exit 65 gs init --admin admin --slot-seconds 1000	# does not divide a day
}

@test "a refused gs init leaves no state file behind (nothing is half done)" {
	gs key new admin >/dev/null
	expect_exit 65 gs init --admin admin --symbol abc
	no_state || {
		echo "a failed genesis left '$GS_DB' behind" >&2
		return 1
	}
	# so the file still counts as missing
	expect_exit 66 gs status
}

# ---- gs key --------------------------------------------------------------------

@test "gs key new writes NAME.key with mode 0600 in GS_KEYDIR and prints its public record" {
	expect_exit 0 gs key new alice
	assert_record "$output" type=key name=alice file="$GS_KEYDIR/alice.key"
	local pub
	pub=$(field_of pubkey "$output")
	[[ $pub =~ ^[A-Za-z0-9+/]{43}=$ ]]
	[ -f "$GS_KEYDIR/alice.key" ]
	assert_eq "$(stat -c %a "$GS_KEYDIR/alice.key")" 600 "key file mode"
	assert_eq "$(stat -c %a "$GS_KEYDIR")" 700 "key directory mode"
	# the secret key is not printed
	refute_stdout_has secret
}

@test "gs key new refuses to overwrite an existing key" {
	gs key new alice >/dev/null
	cp -p "$GS_KEYDIR/alice.key" before.key
	run --separate-stderr gs key new alice
	[ "$status" -ne 0 ]
	assert_stderr_has "alice" "exists"
	cmp before.key "$GS_KEYDIR/alice.key"
}

@test "gs key new refuses an invalid account name with exit 64" {
	local n
	for n in Alice -x .x "" "a b" abcdefghijklmnopqrstuvwxyz0123456; do
		expect_exit 64 gs key new "$n"
	done
	[ -z "$(ls -A "$GS_KEYDIR" 2>/dev/null)" ]
}

@test "gs key list shows every key sorted by name; gs key show shows one" {
	local k pub
	for k in carol alice bob; do gs key new "$k" >/dev/null; done
	pub=$(gs key new admin | json_field pubkey)
	expect_exit 0 gs key list
	assert_stdout_lines 4
	assert_record "${lines[0]}" type=key name=admin pubkey="$pub"
	assert_record "${lines[1]}" name=alice
	assert_record "${lines[2]}" name=bob
	assert_record "${lines[3]}" name=carol
	expect_exit 0 gs key show admin
	assert_record "$output" type=key name=admin pubkey="$pub" file="$GS_KEYDIR/admin.key"
}

@test "gs key show of a missing key exits 66" {
	expect_exit 66 gs key show nobody
	assert_stderr_has "nobody"
}

@test "a group- or world-readable key file is refused with exit 77 when used" {
	genesis
	gs-token transfer --to bob 10 --as alice >/dev/null
	chmod 640 "$GS_KEYDIR/bob.key"
	expect_refusal 77 gs-token transfer --to carol 1 --as bob
	assert_stderr_has "bob.key"
	expect_refusal 77 gs-token transfer --to carol 1 --key "$GS_KEYDIR/bob.key"
	GS_KEY="$GS_KEYDIR/bob.key" expect_refusal 77 gs-token transfer --to carol 1
	expect_exit 77 gs key show bob
	chmod 604 "$GS_KEYDIR/bob.key"
	expect_refusal 77 gs-token transfer --to carol 1 --as bob
	# mode 0600 again: the key works
	chmod 600 "$GS_KEYDIR/bob.key"
	expect_exit 0 gs-token transfer --to carol 1 --as bob
	check_invariants
}

# ---- gs account ----------------------------------------------------------------

@test "gs account register binds the account name to its key's public key" {
	gs key new admin >/dev/null
	gs init --admin admin >/dev/null
	local pub
	pub=$(gs key new dave | json_field pubkey)
	expect_exit 0 gs account register --as dave
	assert_record "$(line_with '"type":"receipt"')" status=applied seq=2
	assert_record "$(line_with '"type":"account"')" name=dave kind=user pubkey="$pub" \
		created="$NOW_UNIX"
	expect_exit 0 gs account show dave
	assert_record "$output" name=dave pubkey="$pub"
	assert_stdout_has '"roles":[]'
	expect_exit 0 gs-token balance dave
	assert_record "$output" available=0 locked=0
	check_invariants
}

@test "registering an account again with its own key is already done: exit 0, a notice, nothing changes" {
	genesis
	expect_refusal 0 gs account register --as alice
	assert_stderr_has "alice" "already registered"
	refute_stdout_has '"status":"applied"'
}

@test "registering a taken account name with another key exits 1 and changes nothing" {
	genesis
	GS_KEYDIR="$BATS_TEST_TMPDIR/other" gs key new alice >/dev/null
	expect_refusal 1 gs account register --key "$BATS_TEST_TMPDIR/other/alice.key"
	assert_stderr_has "alice" "already registered"
}

@test "gs account register without a key file exits 66; with an invalid name 64" {
	genesis
	expect_refusal 66 gs account register --as dave
	expect_refusal 64 gs account register --as Dave
}

@test "gs account list shows user and system accounts sorted by name" {
	genesis
	expect_exit 0 gs account list
	local l names=
	for l in "${lines[@]}"; do
		names+="$(field_of name "$l") "
	done
	assert_eq "$names" "admin alice bob carol dao treasury vault " "accounts"
}

@test "gs account show of an unknown account exits 65" {
	genesis
	expect_exit 65 gs account show nobody
	assert_stderr_has "unknown account 'nobody'"
}

# ---- gs admin ------------------------------------------------------------------

@test "gs admin grant gives a role that takes effect at once; revoke takes it away" {
	genesis
	expect_refusal 77 gs-token mint --to carol 5 --as bob
	expect_exit 0 gs admin grant minter bob --as admin
	assert_record "$(line_with '"type":"role"')" account=bob role=minter granted=true
	expect_exit 0 gs account show bob
	assert_stdout_has '"roles":["minter"]'
	expect_exit 0 gs-token mint --to carol 5 --as bob
	assert_eq "$(available carol)" 5000000 "carol's balance"
	expect_exit 0 gs admin revoke minter bob --as admin
	assert_record "$(line_with '"type":"role"')" account=bob role=minter granted=false
	expect_exit 0 gs account show bob
	assert_stdout_has '"roles":[]'
	expect_refusal 77 gs-token mint --to carol 5 --as bob
	check_invariants
}

@test "gs admin grant, revoke and renounce by a non-admin exit 77 and change nothing" {
	genesis
	expect_refusal 77 gs admin grant minter bob --as alice
	assert_stderr_has "alice" "admin"
	expect_refusal 77 gs admin revoke minter admin --as alice
	expect_refusal 77 gs admin renounce --as alice
	expect_exit 0 gs status
	assert_record "$output" renounced=false
}

@test "gs admin grant refuses unknown roles and accounts (65), the admin role (77) and system accounts (1)" {
	genesis
	expect_refusal 65 gs admin grant wizard bob --as admin
	assert_stderr_has "wizard"
	expect_refusal 65 gs admin grant minter nobody --as admin
	assert_stderr_has "nobody"
	expect_refusal 77 gs admin grant admin bob --as admin
	expect_refusal 77 gs admin revoke admin admin --as admin
	expect_refusal 1 gs admin grant minter vault --as admin
	assert_stderr_has "vault"
}

@test "granting a role held already, or revoking one not held, is already done: exit 0, a notice, nothing changes" {
	genesis
	gs admin grant oracle bob --as admin >/dev/null
	expect_refusal 0 gs admin grant oracle bob --as admin
	assert_stderr_has "bob" "oracle"
	refute_stdout_has '"status":"applied"'
	expect_refusal 0 gs admin revoke operator bob --as admin
	assert_stderr_has "bob" "operator"
	refute_stdout_has '"status":"applied"'
}

@test "after gs admin renounce the admin can no longer grant, revoke or set parameters (77)" {
	genesis
	gs admin grant oracle bob --as admin >/dev/null
	expect_exit 0 gs admin renounce --as admin
	assert_record "$(line_with '"type":"admin"')" account=admin renounced=true
	expect_exit 0 gs status
	assert_record "$output" renounced=true
	expect_exit 0 gs account show admin
	assert_stdout_has '"roles":["guardian","minter","operator","oracle","registrar"]'
	expect_refusal 77 gs admin grant minter bob --as admin
	assert_stderr_has "renounced"
	expect_refusal 77 gs admin revoke oracle bob --as admin
	expect_refusal 77 gs params set quorum_bps 500 --as admin
	# renouncing again is already done
	expect_refusal 0 gs admin renounce --as admin
	assert_stderr_has "renounced"
	check_invariants
}

# ---- gs params -----------------------------------------------------------------

@test "gs params show lists every parameter of DESIGN section 10 with its default in base units" {
	genesis
	expect_exit 0 gs params show
	local nv
	for nv in slot_seconds=900 decimals=6 gate_closure_s=300 price_min=-500000 \
		price_max=4000000 oracle_quorum=1 oracle_min_stake=100000000 \
		verification_period_s=900 oracle_tolerance_bps=500 oracle_penalty=10000000 \
		penalty_bps=15000 seller_min_stake=10000000 dispute_window_s=3600 \
		dispute_bond=10000000 unbonding_period_s=604800 proposal_threshold=1000000000 \
		voting_delay_s=0 voting_period_s=259200 quorum_bps=400 timelock_s=172800; do
		assert_record "$(line_with "\"name\":\"${nv%%=*}\"")" type=param value="${nv#*=}"
	done
}

@test "gs params show NAME shows one parameter; an unknown one exits 65; bare gs params shows all" {
	genesis
	expect_exit 0 gs params show quorum_bps
	assert_stdout_lines 1
	assert_record "$output" type=param name=quorum_bps value=400
	expect_exit 65 gs params show nope
	assert_stderr_has "nope"
	local all
	all=$(gs params show)
	expect_exit 0 gs params
	assert_eq "$output" "$all" "output of bare gs params"
	[ "${#lines[@]}" -ge 20 ]
}

@test "gs params set takes amounts in credits and stores base units" {
	genesis
	expect_exit 0 gs params set dispute_bond 10 --as admin
	assert_record "$(line_with '"type":"param"')" name=dispute_bond value=10000000
	expect_exit 0 gs params set dispute_bond 12.5 --as admin
	expect_exit 0 gs params show dispute_bond
	assert_record "$output" value=12500000
	expect_exit 0 gs params set proposal_threshold 0.000001 --as admin
	expect_exit 0 gs params show proposal_threshold
	assert_record "$output" value=1
	# whole-number parameters are stored as given
	expect_exit 0 gs params set quorum_bps 500 --as admin
	expect_exit 0 gs params show quorum_bps
	assert_record "$output" value=500
	check_invariants
}

@test "gs params set takes prices in credits/kWh, a negative one after --" {
	genesis
	expect_exit 0 gs params set price_max 4.5 --as admin
	expect_exit 0 gs params show price_max
	assert_record "$output" value=4500000
	expect_exit 0 gs params set --as admin price_min -- -0.25
	expect_exit 0 gs params show price_min
	assert_record "$output" value=-250000
	# price_min must stay below price_max
	expect_refusal 65 gs params set price_min 5 --as admin
	check_invariants
}

@test "gs params set refuses the fixed parameters slot_seconds and decimals with exit 1" {
	genesis
	expect_refusal 1 gs params set slot_seconds 300 --as admin
	assert_stderr_has "slot_seconds" "fixed"
	expect_refusal 1 gs params set decimals 2 --as admin
	assert_stderr_has "decimals"
}

@test "gs params set refuses out-of-range and malformed values with exit 65 and changes nothing" {
	genesis
	expect_refusal 65 gs params set quorum_bps 10001 --as admin
	assert_stderr_has "quorum_bps"
	expect_refusal 65 gs params set voting_period_s 59 --as admin
	expect_refusal 65 gs params set quorum_bps abc --as admin
	assert_stderr_has "abc"
	expect_refusal 65 gs params set quorum_bps 1.5 --as admin
	expect_refusal 65 gs params set dispute_bond 1.0000001 --as admin
	expect_refusal 65 gs params set --as admin dispute_bond -- -1
	expect_refusal 65 gs params set nope 1 --as admin
	assert_stderr_has "nope"
}

@test "gs params set by a non-admin exits 77 and changes nothing" {
	genesis
	expect_refusal 77 gs params set quorum_bps 500 --as alice
	assert_stderr_has "alice"
}

# ---- gs status, log, verify ----------------------------------------------------

@test "gs status reports the journal head, the token, the supply and the hand-over" {
	genesis
	expect_exit 0 gs status
	assert_stdout_lines 1
	assert_record "$output" type=status seq=5 time="$NOW_UNIX" symbol=GST decimals=6 \
		slot_seconds=900 supply=1000000000 renounced=false
	local head
	head=$(field_of head "$output")
	[[ $head =~ ^[0-9a-f]{64}$ ]]
	assert_eq "$head" "$(gs verify | json_field head)" "head of status vs verify"
	gs-token burn 1 --as alice >/dev/null
	expect_exit 0 gs status
	assert_record "$output" seq=6 supply=999000000
}

@test "gs log prints the journal as hash-chained tx records in seq order" {
	genesis
	expect_exit 0 gs log
	assert_stdout_lines 5
	local i prev=0000000000000000000000000000000000000000000000000000000000000000
	local cmds=(genesis account.register account.register account.register token.mint)
	local actors=(admin alice bob carol admin)
	for i in 0 1 2 3 4; do
		assert_record "${lines[$i]}" type=tx seq=$((i + 1)) cmd="${cmds[$i]}" \
			actor="${actors[$i]}" time="$NOW_UNIX" prev="$prev"
		[[ ${lines[$i]} == *'"sig":"'* ]]
		prev=$(field_of hash "${lines[$i]}")
	done
	assert_eq "$prev" "$(gs status | json_field head)" "last hash vs head"
}

@test "gs log --actor and --cmd filter the journal" {
	genesis
	gs-token transfer --to bob 1 --as alice >/dev/null
	expect_exit 0 gs log --actor alice
	assert_stdout_lines 2
	assert_record "${lines[0]}" actor=alice cmd=account.register
	assert_record "${lines[1]}" actor=alice cmd=token.transfer
	expect_exit 0 gs log --cmd token.mint
	assert_stdout_lines 1
	assert_record "$output" actor=admin cmd=token.mint seq=5
	expect_exit 0 gs log --actor admin --cmd genesis
	assert_stdout_lines 1
	assert_record "$output" seq=1
	expect_exit 0 gs log --actor admin --cmd token.transfer
	assert_eq "$output" "" "log of a filter matching nothing"
	expect_exit 0 gs log --actor nobody
	assert_eq "$output" "" "log of an unknown actor"
}

@test "gs verify reports ok with the head and the state digest; --replay replays the journal" {
	genesis
	expect_exit 0 gs verify
	assert_record "$output" type=verify ok=true replayed=false seq=5
	local digest
	digest=$(field_of digest "$output")
	[[ $digest =~ ^[0-9a-f]{64}$ ]]
	expect_exit 0 gs verify --replay
	assert_record "$output" type=verify ok=true replayed=true seq=5 digest="$digest"
	# the digest covers the state: a transfer changes it
	gs-token transfer --to bob 1 --as alice >/dev/null
	[ "$(state_digest)" != "$digest" ]
}

# ---- git-style dispatch ----------------------------------------------------------

@test "gs token balance alice runs gs-token balance alice (git-style dispatch)" {
	genesis
	local direct
	direct=$(gs-token balance alice)
	expect_exit 0 gs token balance alice
	assert_eq "$output" "$direct" "output of gs token balance"
	assert_record "$output" type=balance account=alice available=1000000000
	expect_exit 0 gs token --version
	assert_stdout_has "gs-token"
	# exit codes pass through
	expect_refusal 77 gs token mint --to bob 1 --as bob
	expect_exit 0 gs token transfer --to bob 2 --as alice
	assert_eq "$(available bob)" 2000000 "bob's balance"
}

# ---- export and import -----------------------------------------------------------

@test "gs export | gs import builds a new state file with the same journal head and state digest" {
	genesis
	gs-token transfer --to bob 3 --as alice >/dev/null
	gs-stake deposit 5 --as alice >/dev/null
	expect_exit 0 gs export
	printf '%s\n' "$output" >export.ndjson
	assert_eq "$(grep -c '"sig":' export.ndjson)" "$(journal_seq)" "signed txs in the export"
	assert_record "${lines[-1]}" type=export
	local digest
	digest=$(state_digest)
	GS_DB=copy.db expect_exit 0 gs import <export.ndjson
	assert_record "${lines[0]}" type=import
	assert_eq "$(GS_DB=copy.db state_digest)" "$digest" "digest of the import"
	GS_DB=copy.db expect_exit 0 gs verify --replay
	assert_stdout_has '"ok":true'
	# into a file that holds a state: refused, the state unchanged
	GS_DB=copy.db expect_exit 1 gs import <export.ndjson
	assert_stderr_has "already holds a state"
	assert_eq "$(GS_DB=copy.db state_digest)" "$digest" "digest after the refusal"
}

@test "gs import refuses a changed, cut or doubled export whole (exit 77, 1, 65) and leaves no file" {
	genesis
	gs-token transfer --to bob 3 --as alice >/dev/null
	gs export >export.ndjson
	sed 's/"amount":3000000/"amount":3000001/' export.ndjson >changed.ndjson
	GS_DB=new.db expect_exit 77 gs import <changed.ndjson
	assert_stderr_has "bad signature"
	[[ ! -e new.db ]]
	sed '$d' export.ndjson >cut.ndjson
	GS_DB=new.db expect_exit 65 gs import <cut.ndjson
	assert_stderr_has "without its trailer"
	[[ ! -e new.db ]]
	{ sed '$d' export.ndjson; sed -n 2p export.ndjson; tail -n 1 export.ndjson; } >doubled.ndjson
	GS_DB=new.db expect_exit 1 gs import <doubled.ndjson
	assert_stderr_has "line $(($(wc -l <export.ndjson))): "
	[[ ! -e new.db ]]
}

# ---- the same day on both backends ---------------------------------------------

@test "the demo day on SQLite and on PostgreSQL: byte-identical positions of every slot, the same state digest" {
	on_pg || skip "needs PostgreSQL (the run with GS_TEST_PG)"
	local demo="${GS_TEST_SRCDIR:-$BATS_TEST_DIRNAME/../..}/share/demo.sh" bin s
	bin=$(dirname "$(command -v gs)")
	DEMO_BIN=$bin DEMO_DIR=lite DEMO_KEYDIR=keys bash "$demo" >lite.out 2>&1 ||
		{ tail -20 lite.out >&2; return 1; }
	DEMO_BIN=$bin DEMO_DIR=pg DEMO_KEYDIR=keys DEMO_DB=$GS_DB bash "$demo" >pg.out 2>&1 ||
		{ tail -20 pg.out >&2; return 1; }
	for s in 2026-11-25T10:00Z 2026-11-25T10:15Z 2026-11-25T10:30Z 2026-11-25T10:45Z; do
		GS_DB=lite/gridset.db gs-settle positions "$s" >"lite-$s.ndjson"
		gs-settle positions "$s" >"pg-$s.ndjson"
		[ -s "lite-$s.ndjson" ]
		cmp "lite-$s.ndjson" "pg-$s.ndjson"
	done
	assert_eq "$(state_digest)" "$(GS_DB=lite/gridset.db state_digest)" "state digest on PostgreSQL"
	expect_exit 0 gs verify --replay
}

@test "gs export / gs import move a state from SQLite into PostgreSQL and back: the same export, head and digest" {
	on_pg || skip "needs PostgreSQL (the run with GS_TEST_PG)"
	local pg=$GS_DB
	export GS_DB=$BATS_TEST_TMPDIR/lite.db
	genesis
	gs-token transfer --to bob 3 --as alice >/dev/null
	gs-stake deposit 5 --as alice >/dev/null
	gs export >lite.ndjson
	GS_DB=$pg expect_exit 0 gs import <lite.ndjson
	GS_DB=$pg gs export >pg.ndjson
	cmp lite.ndjson pg.ndjson
	assert_eq "$(GS_DB=$pg state_digest)" "$(state_digest)" "digest on PostgreSQL"
	GS_DB=$pg expect_exit 0 gs verify --replay
	GS_DB=back.db expect_exit 0 gs import <pg.ndjson
	assert_eq "$(GS_DB=back.db state_digest)" "$(state_digest)" "digest back on SQLite"
	# both go on: the same tx (same id, same clock) gives the same digest
	gs-token transfer --to carol 1 --as bob --id same-tx >/dev/null
	GS_DB=$pg gs-token transfer --to carol 1 --as bob --id same-tx >/dev/null
	assert_eq "$(GS_DB=$pg gs export | tail -n 1)" "$(gs export | tail -n 1)" "export trailers"
	assert_eq "$(GS_DB=$pg state_digest)" "$(state_digest)" "digest after one more tx"
}

@test "a read-only database role reads every record; its writes exit 77 and change nothing" {
	on_pg || skip "needs PostgreSQL (the run with GS_TEST_PG)"
	genesis
	local role="ro$$_$RANDOM" schema ro
	schema=$(psql -X -At "$GS_DB" -c "SELECT current_schema()")
	psql -X -q -v ON_ERROR_STOP=1 "$GS_DB" -c "CREATE ROLE $role LOGIN;
		GRANT USAGE ON SCHEMA $schema TO $role;
		GRANT SELECT ON ALL TABLES IN SCHEMA $schema TO $role"
	ro="$GS_DB user=$role"
	GS_DB=$ro expect_exit 0 gs verify --replay
	assert_eq "$(GS_DB=$ro state_digest)" "$(state_digest)" "digest read by the role"
	GS_DB=$ro expect_exit 0 gs-token balance alice
	assert_record "$output" available=1000000000
	GS_DB=$ro expect_refusal 77 gs-token transfer --to bob 1 --as alice
	assert_stderr_has "refuses the write"
}
