#!/usr/bin/env bats
# panel.bats - gs-panel, solar panels as non-fungible assets: register (one by
# options, many as NDJSON), transfer, retire, show, list, history
# (DESIGN sections 7, 8 "Panels", 11, 14).
#
# Own set-up (no `load helper`; shared assertions in assert.bash): every test gets a fresh state with keys
# and accounts admin (all roles), alice and bob, and 1000 credits minted to
# alice. Run by hand with
#     PATH=/work/main/bin:$PATH bats tests/cli/panel.bats
# Records are read with shell pattern matching only (no jq).

bats_require_minimum_version 1.5.0	# run --separate-stderr
load assert
PROG=gs-panel			# clean_error without arguments

# Exit codes (DESIGN 7): 64 for a wrong command line (missing or extra
# arguments, unknown options), 65 for a malformed value (an option value such
# as --capacity 5, an AMOUNT, JSON). A positional id that is not a number
# (PANEL abc, LOCK abc) may be either: "64|65".

# 2024-05-01T00:00:00Z in Unix seconds
INSTALLED_UNIX=1714521600

setup() {
	component_setup gs-panel 2026-11-25T10:00:00Z alice bob || return 1
	gs-token mint --to alice 1000 --as admin >/dev/null || return 1
}

# ---- small helpers (local to this file) -----------------------------------------

# books: `gs verify --replay` passes, and minted - burned = sum of all
# balances (gs-token supply against gs-token list).
books() {
	local out sup total
	out=$(gs verify --replay 2>&1) || {
		printf 'gs verify --replay failed:\n%s\n' "$out" >&2
		return 1
	}
	has "$out" '"ok":true' '"replayed":true' || return 1
	sup=$(gs-token supply) || return 1
	total=$(gs-token list | grep -o '"\(available\|locked\)":-\{0,1\}[0-9]*' |
		cut -d: -f2 | awk '{ s += $1 } END { printf "%d\n", s }')
	eq "$total" "$(jf supply "$sup")" "sum of balances vs supply" || return 1
	eq "$(jf supply "$sup")" "$(($(jf minted "$sup") - $(jf burned "$sup")))" "supply"
}

# reg OWNER CAPACITY [OPTION...]: register one panel as admin; prints its id.
reg() {
	local owner=$1 cap=$2 out
	shift 2
	out=$(gs-panel register --owner "$owner" --capacity "$cap" "$@" --as admin </dev/null) || return 1
	jf id "$(grep '"type":"panel"' <<<"$out")"
}

# ---- help ------------------------------------------------------------------------

@test "gs-panel --help lists every subcommand; every subcommand's --help prints its usage line" {
	local c
	xrun 0 gs-panel --help
	has "$output" "gs-panel register" "gs-panel transfer" "gs-panel retire" \
		"gs-panel show" "gs-panel list" "gs-panel history"
	for c in register transfer retire show list history; do
		xrun 0 gs-panel "$c" --help </dev/null
		[[ ${lines[0]} == "usage: gs-panel $c"* ]] || {
			echo "first line of 'gs-panel $c --help' is not a usage line: ${lines[0]}" >&2
			return 1
		}
	done
	xrun 0 gs-panel --version
	[[ $output == "gs-panel (gridset) "* ]]
}

# ---- register ----------------------------------------------------------------------

@test "register --capacity accepts 5kW, 5000W and 1.5MW; ids count from 1; show prints the same record" {
	xrun 0 gs-panel register --owner alice --capacity 5kW --as admin </dev/null
	eq "${#lines[@]}" 2 "receipt + panel"
	rec "${lines[0]}" type=receipt status=applied error=null
	rec "${lines[1]}" type=panel id=1 owner=alice capacity_w=5000 status=active \
		location=null installed=null meta=null retired_at=null
	xrun 0 gs-panel register --owner alice --capacity 5000W --as admin </dev/null
	rec "${lines[1]}" type=panel id=2 capacity_w=5000
	xrun 0 gs-panel register --owner bob --capacity 1.5MW --as admin </dev/null
	rec "${lines[1]}" type=panel id=3 owner=bob capacity_w=1500000 status=active
	local registered=${lines[1]}
	xrun 0 gs-panel show 3
	eq "${#lines[@]}" 1 "show prints one record"
	eq "${lines[0]}" "$registered" "show vs the record printed by register"
	books
}

@test "register --capacity without a unit (5) is malformed (65) with a clean one-line message; state unchanged" {
	refused 65 gs-panel register --owner alice --capacity 5 --as admin </dev/null
	has "$stderr" "gs-panel: --capacity:" "'5'" "unit"
	eq "${#stderr_lines[@]}" 1 "stderr lines"
	eq "$(gs-panel list)" "" "panels after a refused register"
	books
}

@test "register rejects bad or out-of-range capacities cleanly (65); nothing registered" {
	local cap
	for cap in 5kWh 5kw -5kW 5.5W 0.0005kW "5 kW" 1e3W abc ""; do
		refused 65 gs-panel register --owner alice --capacity "$cap" --as admin </dev/null
		has "$stderr" "--capacity"
	done
	# well-formed but outside 1 W .. 10 GW
	refused 65 gs-panel register --owner alice --capacity 0W --as admin </dev/null
	refused 65 gs-panel register --owner alice --capacity 10001MW --as admin </dev/null
	refused 65 gs-panel register --owner alice --capacity 9223372036854775808W --as admin </dev/null
	eq "$(gs-panel list)" "" "panels after refused registers"
	# the upper bound itself is fine
	eq "$(reg alice 10000MW)" 1 "id of a 10 GW panel"
	books
}

@test "register --location LAT,LON gives lat_e6/lon_e6; --installed DATE; --meta JSON object" {
	xrun 0 gs-panel register --owner alice --capacity 5kW --location "52.52,13.405" \
		--installed 2024-05-01 --meta '{"model":"X"}' --as admin </dev/null
	rec "${lines[1]}" type=panel id=1 owner=alice capacity_w=5000 location=52.52,13.405 \
		lat_e6=52520000 lon_e6=13405000 installed=$INSTALLED_UNIX
	has "${lines[1]}" '"meta":{"model":"X"}'
	# southern and western hemispheres: negative microdegrees
	xrun 0 gs-panel register --owner alice --capacity 2kW --location "-33.8688,-70.5" --as admin </dev/null
	rec "${lines[1]}" id=2 lat_e6=-33868800 lon_e6=-70500000
	# a free-form location is kept as text, without coordinates
	xrun 0 gs-panel register --owner alice --capacity 2kW --location "Berlin roof" --as admin </dev/null
	rec "${lines[1]}" id=3 location="Berlin roof" lat_e6=null lon_e6=null
	xrun 0 gs-panel show 1
	rec "$output" lat_e6=52520000 lon_e6=13405000 installed=$INSTALLED_UNIX
	has "$output" '"meta":{"model":"X"}'
	# metadata is kept in canonical form: keys sorted, no white space
	xrun 0 gs-panel register --owner bob --capacity 1kW --meta '{ "tilt_deg": 30, "make": "Acme" }' --as admin </dev/null
	has "${lines[1]}" '"meta":{"make":"Acme","tilt_deg":30}'
	books
}

@test "register with invalid --meta is malformed input (65), refused cleanly, state unchanged" {
	local bad
	# not JSON at all, an object with a duplicate key, nothing, bare scalars
	for bad in '{bad' '{"a":1,"a":2}' '' '"text"' 42; do
		refused 65 gs-panel register --owner alice --capacity 5kW --meta "$bad" --as admin </dev/null
		has "$stderr" "--meta"
	done
	# real numbers are not allowed anywhere inside (integers and strings only)
	refused 65 gs-panel register --owner alice --capacity 5kW --meta '{"tilt":30.5}' --as admin </dev/null
	refused 65 gs-panel register --as admin <<<'{"owner":"alice","capacity_w":1000,"meta":{"o":{"w":1.5}}}'
	# a JSON array: valid JSON, but not an object
	refused 65 gs-panel register --owner alice --capacity 5kW --meta '[1,2]' --as admin </dev/null
	has "$stderr" '"meta"' "object"
	# more than 4096 bytes of metadata
	refused 65 gs-panel register --owner alice --capacity 5kW \
		--meta "{\"x\":\"$(printf '%05000d' 0)\"}" --as admin </dev/null
	eq "$(gs-panel list)" "" "panels after refused registers"
	books
}

@test "register refuses bad --installed (65), unknown owner (65), system owner (1), missing options (64)" {
	refused 65 gs-panel register --owner alice --capacity 5kW --installed yesterday --as admin </dev/null
	has "$stderr" "--installed"
	refused 65 gs-panel register --owner nobody --capacity 5kW --as admin </dev/null
	has "$stderr" "nobody"
	refused 1 gs-panel register --owner vault --capacity 5kW --as admin </dev/null
	has "$stderr" "vault"
	refused 64 gs-panel register --capacity 5kW --as admin </dev/null
	refused 64 gs-panel register --owner alice --as admin </dev/null
	refused 64 gs-panel register --owner alice --capacity 5kW extra --as admin </dev/null
	eq "$(gs-panel list)" "" "panels"
	books
}

@test "a non-registrar registering a panel exits 77 and changes nothing" {
	refused 77 gs-panel register --owner alice --capacity 5kW --as alice </dev/null
	has "$stderr" "registrar"
	refused 77 gs-panel register --owner bob --capacity 5kW --as bob </dev/null
	eq "$(gs-panel list)" "" "panels"
	# once granted the role, bob may register
	gs admin grant registrar bob --as admin >/dev/null
	xrun 0 gs-panel register --owner alice --capacity 5kW --as bob </dev/null
	rec "${lines[1]}" type=panel id=1 owner=alice
	books
}

@test "bulk registration: NDJSON on stdin registers many panels in one tx with consecutive ids and one receipt" {
	eq "$(reg bob 1kW)" 1 "first panel"
	local s0
	s0=$(seq_now)
	xrun 0 gs-panel register --as admin <<'EOF'
{"owner":"alice","capacity_w":3000}
{"owner":"bob","capacity_w":4000,"location":"48.1,11.5","meta":{"a":1}}
{"owner":"alice","capacity_w":2500,"installed":1714521600}
EOF
	eq "$(grep -c '"type":"receipt"' <<<"$output")" 1 "receipts"
	rec "${lines[0]}" type=receipt status=applied seq=$((s0 + 1))
	eq "$(grep -c '"type":"panel"' <<<"$output")" 3 "panel records"
	rec "${lines[1]}" id=2 owner=alice capacity_w=3000
	rec "${lines[2]}" id=3 owner=bob capacity_w=4000 lat_e6=48100000 lon_e6=11500000
	rec "${lines[3]}" id=4 owner=alice capacity_w=2500 installed=$INSTALLED_UNIX
	eq "$(seq_now)" "$((s0 + 1))" "journal rows added by one bulk registration"
	# "-" reads stdin too
	xrun 0 gs-panel register - --as admin <<<'{"owner":"bob","capacity_w":1000}'
	rec "${lines[1]}" id=5
	eq "$(gs-panel list | wc -l)" 5 "panels"
	books
}

@test "bulk registration is all-or-nothing: a bad line exits 65, names the line and registers none" {
	refused 65 gs-panel register --as admin <<'EOF'
{"owner":"alice","capacity_w":3000}
{"owner":"nobody","capacity_w":4000}
EOF
	has "$stderr" "line 2" "nobody"
	refused 65 gs-panel register --as admin <<'EOF'
{"owner":"alice","capacity_w":3000}
{"owner":"alice","capacity_w":1000}
{"owner":"alice","capacity_w":"4kW"}
EOF
	has "$stderr" "line 3" "capacity_w"
	refused 65 gs-panel register --as admin <<'EOF'
{"owner":"alice","capacity_w":3000}
{"owner":"alice","capacity_w":1000,"colour":"blue"}
EOF
	has "$stderr" "line 2"
	refused 65 gs-panel register --as admin <<'EOF'
{"owner":"alice","capacity_w":3000}
{"owner":"alice",
EOF
	has "$stderr" "line 2"
	refused 77 gs-panel register --as alice <<<'{"owner":"alice","capacity_w":3000}'
	eq "$(gs-panel list)" "" "panels after refused bulk registrations"
	# the next panel still gets id 1
	eq "$(reg alice 1kW)" 1 "first id"
	books
}

# ---- lifecycle: register -> transfer -> retire ------------------------------------------

@test "lifecycle: register -> transfer -> retire; a retired panel cannot be transferred (1); retiring twice is a no-op (0, notice)" {
	eq "$(reg alice 5kW)" 1 "panel id"
	xrun 0 gs-panel transfer 1 --to bob --as alice
	rec "${lines[0]}" type=receipt status=applied
	rec "${lines[1]}" type=panel id=1 owner=bob status=active
	books
	xrun 0 gs-panel retire 1 --as bob
	rec "${lines[0]}" type=receipt status=applied
	rec "${lines[1]}" type=panel id=1 owner=bob status=retired retired_at=1795600800
	books
	# a retired panel cannot be handed on, not even back
	refused 1 gs-panel transfer 1 --to alice --as bob
	has "$stderr" "retired"
	# retire twice: nothing to do, exit 0, no journal row, no state change
	local d0 s0
	d0=$(digest)
	s0=$(seq_now)
	xrun 0 gs-panel retire 1 --as bob
	has "$stderr" "nothing to do"
	[[ $stderr == gs-panel:* ]]
	[[ ${lines[0]} == *'"type":"receipt"'* ]]
	eq "$(digest)" "$d0" "digest after retiring twice"
	eq "$(seq_now)" "$s0" "seq after retiring twice"
	xrun 0 gs-panel show 1
	rec "$output" id=1 owner=bob status=retired
	books
}

@test "a non-owner transferring a panel exits 77 and changes nothing" {
	eq "$(reg alice 5kW)" 1 "panel id"
	refused 77 gs-panel transfer 1 --to bob --as bob
	has "$stderr" "alice"
	# not even the admin/registrar may transfer someone else's panel
	refused 77 gs-panel transfer 1 --to bob --as admin
	xrun 0 gs-panel show 1
	rec "$output" owner=alice status=active
	# the former owner loses the right with the panel
	gs-panel transfer 1 --to bob --as alice >/dev/null
	refused 77 gs-panel transfer 1 --to alice --as alice
	books
}

@test "retire: by the owner or a registrar; anyone else exits 77 and changes nothing" {
	eq "$(reg alice 5kW)" 1 "panel 1"
	eq "$(reg alice 5kW)" 2 "panel 2"
	refused 77 gs-panel retire 1 --as bob
	xrun 0 gs-panel show 1
	rec "$output" status=active
	# admin holds the registrar role: may retire alice's panel
	xrun 0 gs-panel retire 2 --as admin
	rec "${lines[1]}" id=2 owner=alice status=retired
	# a non-owner is refused even for a retired panel (77, not "nothing to do")
	refused 77 gs-panel retire 2 --as bob
	books
}

@test "transfer: unknown panel or account 65; system account 1; to oneself 0 (nothing to do); bad id 64/65" {
	eq "$(reg alice 5kW)" 1 "panel id"
	refused 65 gs-panel transfer 9 --to bob --as alice
	has "$stderr" "unknown panel 9"
	refused 65 gs-panel transfer 1 --to nobody --as alice
	has "$stderr" "nobody"
	refused 1 gs-panel transfer 1 --to treasury --as alice
	refused "64|65" gs-panel transfer abc --to bob --as alice
	refused "64|65" gs-panel transfer 0 --to bob --as alice
	refused 64 gs-panel transfer 1 --as alice </dev/null
	local d0
	d0=$(digest)
	xrun 0 gs-panel transfer 1 --to alice --as alice
	has "$stderr" "nothing to do"
	eq "$(digest)" "$d0" "digest"
	refused 65 gs-panel retire 9 --as alice
	books
}

@test "transfer and retire take NDJSON items on stdin: one tx, all or nothing" {
	reg alice 1kW >/dev/null
	reg alice 1kW >/dev/null
	reg alice 1kW >/dev/null
	local s0
	s0=$(seq_now)
	xrun 0 gs-panel transfer --as alice <<'EOF'
{"panel":1,"to":"bob"}
{"panel":2,"to":"bob"}
EOF
	rec "${lines[0]}" type=receipt status=applied seq=$((s0 + 1))
	rec "${lines[1]}" type=panel id=1 owner=bob
	rec "${lines[2]}" type=panel id=2 owner=bob
	# the second item is not alice's any more: nothing of the batch happens
	refused 77 gs-panel transfer --as alice <<'EOF'
{"panel":3,"to":"bob"}
{"panel":1,"to":"bob"}
EOF
	has "$stderr" "line 2"
	xrun 0 gs-panel show 3
	rec "$output" owner=alice
	refused 77 gs-panel retire --as bob <<'EOF'
{"panel":1}
{"panel":3}
EOF
	xrun 0 gs-panel retire --as bob <<'EOF'
{"panel":1}
{"panel":2}
EOF
	rec "${lines[1]}" id=1 status=retired
	rec "${lines[2]}" id=2 status=retired
	xrun 0 gs-panel list --status active
	eq "${#lines[@]}" 1 "active panels"
	rec "${lines[0]}" id=3 owner=alice
	books
}

@test "panel ids are never reused: retired panels keep theirs and stay visible" {
	eq "$(reg alice 1kW)" 1 "id"
	eq "$(reg alice 1kW)" 2 "id"
	gs-panel retire 2 --as alice >/dev/null
	eq "$(reg bob 1kW)" 3 "id after a retirement"
	xrun 0 gs-panel show 2
	rec "$output" id=2 status=retired
	books
}

# ---- queries ---------------------------------------------------------------------------

@test "list filters by --owner, --status and --min-capacity/--max-capacity (inclusive), combined" {
	reg alice 5kW >/dev/null	# 1
	reg alice 1.5MW >/dev/null	# 2
	reg bob 500W >/dev/null	# 3
	reg bob 5kW >/dev/null	# 4
	gs-panel retire 4 --as bob >/dev/null
	ids() { grep -o '"type":"panel","id":[0-9]*' <<<"$output" | cut -d: -f3 | tr '\n' ' '; }
	xrun 0 gs-panel list
	eq "$(ids)" "1 2 3 4 " "all panels, by id"
	xrun 0 gs-panel list --owner alice
	eq "$(ids)" "1 2 " "--owner alice"
	xrun 0 gs-panel list --owner bob
	eq "$(ids)" "3 4 " "--owner bob"
	xrun 0 gs-panel list --status active
	eq "$(ids)" "1 2 3 " "--status active"
	xrun 0 gs-panel list --status retired
	eq "$(ids)" "4 " "--status retired"
	rec "$output" type=panel status=retired
	xrun 0 gs-panel list --min-capacity 5kW
	eq "$(ids)" "1 2 4 " "--min-capacity 5kW"
	xrun 0 gs-panel list --max-capacity 5000W
	eq "$(ids)" "1 3 4 " "--max-capacity 5000W"
	xrun 0 gs-panel list --min-capacity 1kW --max-capacity 1MW
	eq "$(ids)" "1 4 " "--min-capacity 1kW --max-capacity 1MW"
	xrun 0 gs-panel list --owner bob --status active --max-capacity 1kW
	eq "$(ids)" "3 " "bob, active, <= 1kW"
	xrun 0 gs-panel list --min-capacity 2MW
	eq "$output" "" "nothing above 2MW"
	# every record carries the fixed fields
	xrun 0 gs-panel list
	local l
	for l in "${lines[@]}"; do
		has "$l" '"type":"panel"' '"id":' '"owner":' '"capacity_w":' '"status":'
	done
	books
}

@test "list rejects a bad --status or capacity filter (65), an unknown --owner (65), arguments (64)" {
	xrun 65 gs-panel list --status broken
	clean_error gs-panel
	has "$stderr" "--status"
	xrun 65 gs-panel list --min-capacity 5
	has "$stderr" "--min-capacity"
	xrun 65 gs-panel list --max-capacity lots
	has "$stderr" "--max-capacity"
	xrun 65 gs-panel list --owner nobody
	clean_error gs-panel
	has "$stderr" "nobody"
	xrun 64 gs-panel list 1
	books
}

@test "show of an unknown panel exits 65; a non-id exits 64 or 65; no id 64" {
	reg alice 5kW >/dev/null
	xrun 65 gs-panel show 2
	clean_error gs-panel
	has "$stderr" "unknown panel 2"
	xrun 65 gs-panel show 999999
	xrun "64|65" gs-panel show abc
	xrun "64|65" gs-panel show 0
	xrun "64|65" gs-panel show -- -1
	xrun 64 gs-panel show
	books
}

@test "history of an existing panel prints nothing and exits 0; of an unknown panel exits 65" {
	reg alice 5kW >/dev/null
	xrun 0 gs-panel history 1
	eq "$output" "" "history of panel 1"
	eq "$stderr" "" "stderr of history"
	gs-panel retire 1 --as alice >/dev/null
	xrun 0 gs-panel history 1
	eq "$output" "" "history of a retired panel"
	xrun 65 gs-panel history 2
	clean_error gs-panel
	has "$stderr" "unknown panel 2"
	xrun "64|65" gs-panel history x
	books
}

@test "a missing state file exits 66" {
	export GS_DB="$BATS_TEST_TMPDIR/none.db"
	xrun 66 gs-panel list
	xrun 66 gs-panel show 1
	xrun 66 gs-panel register --owner alice --capacity 5kW --as admin </dev/null
	[ ! -e "$GS_DB" ]
}
