#!/usr/bin/env bats
# badinput.bats - the bad-input corpus of tests/fixtures/bad (DESIGN
# sections 7 and 13, gridset-ndjson(5) LINE RULES): every case feeds one
# file to the standard input of a batch reader (gs-token transfer and mint,
# gs-panel register, gs-oracle report, gs-auction order) or of gs submit,
# and checks its exit code, that its diagnostic names the line and the field
# (the fragments of the case's .expect file), and that the state file is
# unchanged: the journal head seq and the "digest" of `gs verify` are the
# same before and after, and `gs verify` still passes. The few inputs that
# are accepted (CRLF, no final newline, -0, a limit met exactly) and the gs
# submit cases with a good line among bad ones say so with "state: changed".
# The format of the .expect files is in tests/fixtures/bad/README.
#
# Own set-up (no `load helper`; shared assertions in assert.bash): the state
# is built once per file from the fixed keys of tests/fixtures/bad/keys (the
# signed transactions of the gs submit cases verify against them) and copied
# afresh for every test. The clock is GS_NOW, 2026-11-25T10:00:00Z:
#   admin   all roles; 1000 credits minted, 200 staked (oracle_min_stake 100)
#   alice   1000 minted (id setup-mint-alice), 10 staked (seller_min_stake),
#           owns panel 1 (5 kW: 1250 Wh per 900 s slot), paid bob 1 credit
#           (id setup-pay-1): 989 credits available
#   bob     1000 minted + 1 from alice
#   mallory a key in keys/, never registered
# Slot #1995111 (09:45-10:00Z) has ended; #1995112 (10:00Z) has its gate
# closed; #1995113 (10:15Z) is open for orders. Run by hand with
#     PATH=/work/main/bin:$PATH bats tests/cli/badinput.bats
# Records are read with shell pattern matching only (no jq).

bats_require_minimum_version 1.5.0	# run --separate-stderr
load assert

FIXTURES=$BATS_TEST_DIRNAME/../fixtures/bad

# gs_env DIR: the environment of the programs, with the state file DIR/state.db.
gs_env() {
	export GS_KEYDIR="$BATS_FILE_TMPDIR/keys"
	export GS_DB="$1/state.db"
	export GS_NOW=2026-11-25T10:00:00Z
	unset GS_KEY GS_BUSY_TIMEOUT
}

setup_file() {
	local k
	if ! command -v gs >/dev/null || ! command -v gs-token >/dev/null; then
		echo "gs and gs-token must be on PATH (PATH=/path/to/bin:\$PATH bats ...)" >&2
		return 1
	fi
	gs_env "$BATS_FILE_TMPDIR"
	mkdir -m 700 "$GS_KEYDIR" || return 1
	for k in admin alice bob mallory; do
		install -m 600 "$FIXTURES/keys/$k.key" "$GS_KEYDIR/" || return 1
	done
	{
		gs init --admin admin &&
		gs account register --as alice &&
		gs account register --as bob &&
		gs-token mint --to alice 1000 --as admin --id setup-mint-alice &&
		gs-token mint --to bob 1000 --as admin &&
		gs-token mint --to admin 1000 --as admin &&
		gs-stake deposit 200 --as admin &&
		gs-stake deposit 10 --as alice &&
		gs-panel register --owner alice --capacity 5kW --as admin &&
		gs-token transfer --to bob 1 --as alice --id setup-pay-1
	} >/dev/null || return 1
	gs verify >/dev/null
}

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	gs_env "$BATS_TEST_TMPDIR"
	if on_pg; then	# the same state, moved into a fresh schema
		fresh_db && GS_DB="$BATS_FILE_TMPDIR/state.db" gs export | gs import >/dev/null
	else
		cp "$BATS_FILE_TMPDIR/state.db" state.db
	fi
}

# bad NAME: run the case NAME of the corpus (NAME.ndjson on the standard input
# of the command of NAME.expect) and check what NAME.expect says.
bad() {
	local name=$1 in="$FIXTURES/$1.ndjson" ex="$FIXTURES/$1.expect"
	local l key val code="" state=unchanged s0 s1 prog
	local -a argv=() errs=() outs=()

	if [ ! -f "$in" ] || [ ! -f "$ex" ]; then
		echo "case $name: $in or $ex is missing" >&2
		return 1
	fi
	while IFS= read -r l || [ -n "$l" ]; do
		case $l in '' | '#'*) continue ;; esac
		key=${l%%: *}
		val=${l#*: }
		[ "$key" != "$l" ] || { echo "$ex: not KEY: VALUE: $l" >&2; return 1; }
		case $key in
		cmd) read -ra argv <<<"$val" ;;
		exit) code=$val ;;
		stderr) errs+=("$val") ;;
		stdout) outs+=("$val") ;;
		state) state=$val ;;
		*) echo "$ex: unknown key '$key'" >&2; return 1 ;;
		esac
	done <"$ex"
	if [ ${#argv[@]} = 0 ] || ! [[ $code =~ ^[0-9]+$ ]] ||
		! [[ $state == unchanged || $state == changed ]]; then
		echo "$ex: needs cmd, a numeric exit and state unchanged|changed" >&2
		return 1
	fi
	prog=${argv[0]}

	s0=$(snapshot) || return 1
	xrun "$code" "${argv[@]}" <"$in" || { sed -n '1p' "$ex" >&2; return 1; }
	for l in "${errs[@]}"; do has "$stderr" "$l" || return 1; done
	for l in "${outs[@]}"; do has "$output" "$l" || return 1; done
	if [ "$prog" = gs ]; then
		# gs submit: one receipt per tx line on stdout, nothing on stderr
		eq "$stderr" "" "stderr of gs submit" || return 1
		for l in "${lines[@]}"; do
			[[ $l == '{"type":"receipt",'* ]] || {
				echo "not a receipt: $l" >&2
				return 1
			}
		done
	elif [ "$code" != 0 ]; then
		# a refused batch: nothing on stdout, a diagnostic prefixed "PROG: "
		eq "$output" "" "stdout of a refused command" || return 1
		[[ $stderr == "$prog: "* ]] || {
			printf 'stderr is not prefixed with %s:\n%s\n' "$prog" "$stderr" >&2
			return 1
		}
	fi
	s1=$(snapshot) || return 1	# gs verify passes
	if [ "$state" = unchanged ]; then
		eq "$s1" "$s0" "journal seq and state digest after case $name"
	else
		[ "$s1" != "$s0" ] || { echo "case $name: the state did not change" >&2; return 1; }
	fi
}

@test "every case of tests/fixtures/bad has a test here, and every test its case" {
	local f
	local -a have=() want=()
	for f in "$FIXTURES"/*.ndjson "$FIXTURES"/*.expect; do
		f=${f##*/}
		have+=("${f%.*}")
	done
	mapfile -t want < <(sed -n 's/^@test "[^"]*" { bad \([^ ;]*\); }$/\1/p' "$BATS_TEST_FILENAME")
	# each name twice on disk (.ndjson and .expect), once here
	eq "$(printf '%s\n' "${have[@]}" | sort | uniq -c | awk '$1 != 2')" "" "cases without a .ndjson or an .expect"
	eq "$(printf '%s\n' "${have[@]}" | sort -u)" "$(printf '%s\n' "${want[@]}" | sort)" "cases on disk vs tests here"
	eq "$(printf '%s\n' "${want[@]}" | sort | uniq -d)" "" "cases tested twice"
}

# ---- gs-token transfer -----------------------------------------------------

@test "token-transfer-amount-1e400" { bad token-transfer-amount-1e400; }
@test "token-transfer-amount-array" { bad token-transfer-amount-array; }
@test "token-transfer-amount-bool" { bad token-transfer-amount-bool; }
@test "token-transfer-amount-display-units" { bad token-transfer-amount-display-units; }
@test "token-transfer-amount-exponent-negative" { bad token-transfer-amount-exponent-negative; }
@test "token-transfer-amount-exponent" { bad token-transfer-amount-exponent; }
@test "token-transfer-amount-float-integral" { bad token-transfer-amount-float-integral; }
@test "token-transfer-amount-float" { bad token-transfer-amount-float; }
@test "token-transfer-amount-hex" { bad token-transfer-amount-hex; }
@test "token-transfer-amount-huge" { bad token-transfer-amount-huge; }
@test "token-transfer-amount-infinity" { bad token-transfer-amount-infinity; }
@test "token-transfer-amount-int64-max" { bad token-transfer-amount-int64-max; }
@test "token-transfer-amount-leading-zeros" { bad token-transfer-amount-leading-zeros; }
@test "token-transfer-amount-minus-zero" { bad token-transfer-amount-minus-zero; }
@test "token-transfer-amount-missing" { bad token-transfer-amount-missing; }
@test "token-transfer-amount-nan" { bad token-transfer-amount-nan; }
@test "token-transfer-amount-negative" { bad token-transfer-amount-negative; }
@test "token-transfer-amount-null" { bad token-transfer-amount-null; }
@test "token-transfer-amount-object" { bad token-transfer-amount-object; }
@test "token-transfer-amount-over-int64" { bad token-transfer-amount-over-int64; }
@test "token-transfer-amount-plus" { bad token-transfer-amount-plus; }
@test "token-transfer-amount-string" { bad token-transfer-amount-string; }
@test "token-transfer-amount-under-int64" { bad token-transfer-amount-under-int64; }
@test "token-transfer-amount-zero" { bad token-transfer-amount-zero; }
@test "token-transfer-array-line" { bad token-transfer-array-line; }
@test "token-transfer-bad-line-5000-of-10000" { bad token-transfer-bad-line-5000-of-10000; }
@test "token-transfer-blank-lines-counted" { bad token-transfer-blank-lines-counted; }
@test "token-transfer-blank-lines-only" { bad token-transfer-blank-lines-only; }
@test "token-transfer-cr-only" { bad token-transfer-cr-only; }
@test "token-transfer-crlf-bad-line" { bad token-transfer-crlf-bad-line; }
@test "token-transfer-crlf" { bad token-transfer-crlf; }
@test "token-transfer-deep-nesting" { bad token-transfer-deep-nesting; }
@test "token-transfer-duplicate-key-same-value" { bad token-transfer-duplicate-key-same-value; }
@test "token-transfer-duplicate-key-to" { bad token-transfer-duplicate-key-to; }
@test "token-transfer-duplicate-key" { bad token-transfer-duplicate-key; }
@test "token-transfer-empty-input" { bad token-transfer-empty-input; }
@test "token-transfer-empty-object" { bad token-transfer-empty-object; }
@test "token-transfer-escaped-lone-surrogate" { bad token-transfer-escaped-lone-surrogate; }
@test "token-transfer-escaped-nul" { bad token-transfer-escaped-nul; }
@test "token-transfer-extra-brace" { bad token-transfer-extra-brace; }
@test "token-transfer-field-of-another-command" { bad token-transfer-field-of-another-command; }
@test "token-transfer-field-wrong-case" { bad token-transfer-field-wrong-case; }
@test "token-transfer-form-feed-line" { bad token-transfer-form-feed-line; }
@test "token-transfer-insufficient" { bad token-transfer-insufficient; }
@test "token-transfer-items-wrapper" { bad token-transfer-items-wrapper; }
@test "token-transfer-line-65536-bytes-crlf" { bad token-transfer-line-65536-bytes-crlf; }
@test "token-transfer-line-65536-bytes" { bad token-transfer-line-65536-bytes; }
@test "token-transfer-line-65537-bytes" { bad token-transfer-line-65537-bytes; }
@test "token-transfer-line-too-long" { bad token-transfer-line-too-long; }
@test "token-transfer-no-final-newline" { bad token-transfer-no-final-newline; }
@test "token-transfer-nul-byte" { bad token-transfer-nul-byte; }
@test "token-transfer-nul-line" { bad token-transfer-nul-line; }
@test "token-transfer-null-line" { bad token-transfer-null-line; }
@test "token-transfer-number-line" { bad token-transfer-number-line; }
@test "token-transfer-pretty-printed" { bad token-transfer-pretty-printed; }
@test "token-transfer-single-quotes" { bad token-transfer-single-quotes; }
@test "token-transfer-string-line" { bad token-transfer-string-line; }
@test "token-transfer-to-32-chars" { bad token-transfer-to-32-chars; }
@test "token-transfer-to-33-chars" { bad token-transfer-to-33-chars; }
@test "token-transfer-to-60000-chars" { bad token-transfer-to-60000-chars; }
@test "token-transfer-to-array" { bad token-transfer-to-array; }
@test "token-transfer-to-empty" { bad token-transfer-to-empty; }
@test "token-transfer-to-missing" { bad token-transfer-to-missing; }
@test "token-transfer-to-newline-escape" { bad token-transfer-to-newline-escape; }
@test "token-transfer-to-null" { bad token-transfer-to-null; }
@test "token-transfer-to-number" { bad token-transfer-to-number; }
@test "token-transfer-to-terminal-escape" { bad token-transfer-to-terminal-escape; }
@test "token-transfer-to-trailing-space" { bad token-transfer-to-trailing-space; }
@test "token-transfer-to-unknown" { bad token-transfer-to-unknown; }
@test "token-transfer-to-uppercase" { bad token-transfer-to-uppercase; }
@test "token-transfer-to-vault" { bad token-transfer-to-vault; }
@test "token-transfer-total-overflow" { bad token-transfer-total-overflow; }
@test "token-transfer-trailing-comma" { bad token-transfer-trailing-comma; }
@test "token-transfer-truncated-after-comma" { bad token-transfer-truncated-after-comma; }
@test "token-transfer-truncated-last-line" { bad token-transfer-truncated-last-line; }
@test "token-transfer-two-cr" { bad token-transfer-two-cr; }
@test "token-transfer-two-objects-one-line" { bad token-transfer-two-objects-one-line; }
@test "token-transfer-unknown-account-line-5000-of-10000" { bad token-transfer-unknown-account-line-5000-of-10000; }
@test "token-transfer-unknown-field-empty-name" { bad token-transfer-unknown-field-empty-name; }
@test "token-transfer-unknown-field-long-name" { bad token-transfer-unknown-field-long-name; }
@test "token-transfer-unknown-field-quote" { bad token-transfer-unknown-field-quote; }
@test "token-transfer-unknown-field" { bad token-transfer-unknown-field; }
@test "token-transfer-utf8-above-max" { bad token-transfer-utf8-above-max; }
@test "token-transfer-utf8-bom" { bad token-transfer-utf8-bom; }
@test "token-transfer-utf8-invalid-byte" { bad token-transfer-utf8-invalid-byte; }
@test "token-transfer-utf8-invalid-in-key" { bad token-transfer-utf8-invalid-in-key; }
@test "token-transfer-utf8-overlong" { bad token-transfer-utf8-overlong; }
@test "token-transfer-utf8-surrogate" { bad token-transfer-utf8-surrogate; }
@test "token-transfer-utf8-truncated" { bad token-transfer-utf8-truncated; }

# ---- gs-token mint ---------------------------------------------------------

@test "token-mint-amount-string" { bad token-mint-amount-string; }
@test "token-mint-batch-overflow" { bad token-mint-batch-overflow; }
@test "token-mint-not-minter" { bad token-mint-not-minter; }
@test "token-mint-overflow" { bad token-mint-overflow; }
@test "token-mint-to-40-chars" { bad token-mint-to-40-chars; }
@test "token-mint-to-vault" { bad token-mint-to-vault; }
@test "token-mint-unknown-field" { bad token-mint-unknown-field; }

# ---- gs-panel register -----------------------------------------------------

@test "panel-register-capacity-bool" { bad panel-register-capacity-bool; }
@test "panel-register-capacity-float" { bad panel-register-capacity-float; }
@test "panel-register-capacity-missing" { bad panel-register-capacity-missing; }
@test "panel-register-capacity-negative" { bad panel-register-capacity-negative; }
@test "panel-register-capacity-over-int64" { bad panel-register-capacity-over-int64; }
@test "panel-register-capacity-string" { bad panel-register-capacity-string; }
@test "panel-register-capacity-too-large" { bad panel-register-capacity-too-large; }
@test "panel-register-capacity-zero" { bad panel-register-capacity-zero; }
@test "panel-register-crlf" { bad panel-register-crlf; }
@test "panel-register-duplicate-key" { bad panel-register-duplicate-key; }
@test "panel-register-installed-negative" { bad panel-register-installed-negative; }
@test "panel-register-installed-string" { bad panel-register-installed-string; }
@test "panel-register-location-256-bytes" { bad panel-register-location-256-bytes; }
@test "panel-register-location-257-bytes" { bad panel-register-location-257-bytes; }
@test "panel-register-location-empty" { bad panel-register-location-empty; }
@test "panel-register-location-escaped-nul" { bad panel-register-location-escaped-nul; }
@test "panel-register-location-invalid-utf8" { bad panel-register-location-invalid-utf8; }
@test "panel-register-location-multibyte-258-bytes" { bad panel-register-location-multibyte-258-bytes; }
@test "panel-register-location-null" { bad panel-register-location-null; }
@test "panel-register-location-number" { bad panel-register-location-number; }
@test "panel-register-meta-4096-bytes" { bad panel-register-meta-4096-bytes; }
@test "panel-register-meta-4097-bytes" { bad panel-register-meta-4097-bytes; }
@test "panel-register-meta-array" { bad panel-register-meta-array; }
@test "panel-register-meta-deep-nesting" { bad panel-register-meta-deep-nesting; }
@test "panel-register-meta-duplicate-key" { bad panel-register-meta-duplicate-key; }
@test "panel-register-meta-huge" { bad panel-register-meta-huge; }
@test "panel-register-meta-null" { bad panel-register-meta-null; }
@test "panel-register-meta-real-in-array" { bad panel-register-meta-real-in-array; }
@test "panel-register-meta-real" { bad panel-register-meta-real; }
@test "panel-register-meta-string" { bad panel-register-meta-string; }
@test "panel-register-not-registrar" { bad panel-register-not-registrar; }
@test "panel-register-output-field" { bad panel-register-output-field; }
@test "panel-register-owner-33-chars" { bad panel-register-owner-33-chars; }
@test "panel-register-owner-control-chars" { bad panel-register-owner-control-chars; }
@test "panel-register-owner-missing" { bad panel-register-owner-missing; }
@test "panel-register-owner-system" { bad panel-register-owner-system; }
@test "panel-register-owner-unknown" { bad panel-register-owner-unknown; }
@test "panel-register-unknown-field" { bad panel-register-unknown-field; }

# ---- gs-oracle report ------------------------------------------------------

@test "oracle-report-duplicate-key" { bad oracle-report-duplicate-key; }
@test "oracle-report-items-wrapper" { bad oracle-report-items-wrapper; }
@test "oracle-report-not-oracle" { bad oracle-report-not-oracle; }
@test "oracle-report-panel-string" { bad oracle-report-panel-string; }
@test "oracle-report-panel-unknown" { bad oracle-report-panel-unknown; }
@test "oracle-report-panel-zero" { bad oracle-report-panel-zero; }
@test "oracle-report-slot-array" { bad oracle-report-slot-array; }
@test "oracle-report-slot-bool" { bad oracle-report-slot-bool; }
@test "oracle-report-slot-float" { bad oracle-report-slot-float; }
@test "oracle-report-slot-int64-max" { bad oracle-report-slot-int64-max; }
@test "oracle-report-slot-negative" { bad oracle-report-slot-negative; }
@test "oracle-report-slot-not-a-start" { bad oracle-report-slot-not-a-start; }
@test "oracle-report-slot-not-ended" { bad oracle-report-slot-not-ended; }
@test "oracle-report-slot-over-int64" { bad oracle-report-slot-over-int64; }
@test "oracle-report-slot-text-bad" { bad oracle-report-slot-text-bad; }
@test "oracle-report-slot-text-empty" { bad oracle-report-slot-text-empty; }
@test "oracle-report-slot-text-huge" { bad oracle-report-slot-text-huge; }
@test "oracle-report-slot-text-negative" { bad oracle-report-slot-text-negative; }
@test "oracle-report-unknown-field" { bad oracle-report-unknown-field; }
@test "oracle-report-wh-1e400" { bad oracle-report-wh-1e400; }
@test "oracle-report-wh-above-capacity" { bad oracle-report-wh-above-capacity; }
@test "oracle-report-wh-float" { bad oracle-report-wh-float; }
@test "oracle-report-wh-minus-zero" { bad oracle-report-wh-minus-zero; }
@test "oracle-report-wh-missing" { bad oracle-report-wh-missing; }
@test "oracle-report-wh-negative" { bad oracle-report-wh-negative; }
@test "oracle-report-wh-string" { bad oracle-report-wh-string; }

# ---- gs-auction order ------------------------------------------------------

@test "auction-order-buy-names-panel" { bad auction-order-buy-names-panel; }
@test "auction-order-crlf" { bad auction-order-crlf; }
@test "auction-order-gate-closed" { bad auction-order-gate-closed; }
@test "auction-order-insufficient-escrow" { bad auction-order-insufficient-escrow; }
@test "auction-order-price-above-max" { bad auction-order-price-above-max; }
@test "auction-order-price-display-units" { bad auction-order-price-display-units; }
@test "auction-order-price-float" { bad auction-order-price-float; }
@test "auction-order-price-int64-min" { bad auction-order-price-int64-min; }
@test "auction-order-price-market-uppercase" { bad auction-order-price-market-uppercase; }
@test "auction-order-price-minus-zero" { bad auction-order-price-minus-zero; }
@test "auction-order-price-under-int64" { bad auction-order-price-under-int64; }
@test "auction-order-qty-float" { bad auction-order-qty-float; }
@test "auction-order-qty-missing" { bad auction-order-qty-missing; }
@test "auction-order-qty-negative" { bad auction-order-qty-negative; }
@test "auction-order-qty-null" { bad auction-order-qty-null; }
@test "auction-order-qty-string" { bad auction-order-qty-string; }
@test "auction-order-qty-zero" { bad auction-order-qty-zero; }
@test "auction-order-sell-above-capacity" { bad auction-order-sell-above-capacity; }
@test "auction-order-sell-not-owner" { bad auction-order-sell-not-owner; }
@test "auction-order-sell-panel-string" { bad auction-order-sell-panel-string; }
@test "auction-order-sell-unknown-panel" { bad auction-order-sell-unknown-panel; }
@test "auction-order-sell-without-panel" { bad auction-order-sell-without-panel; }
@test "auction-order-side-9-bytes" { bad auction-order-side-9-bytes; }
@test "auction-order-side-case" { bad auction-order-side-case; }
@test "auction-order-side-null" { bad auction-order-side-null; }
@test "auction-order-side-number" { bad auction-order-side-number; }
@test "auction-order-slot-negative" { bad auction-order-slot-negative; }
@test "auction-order-slot-text-bad" { bad auction-order-slot-text-bad; }
@test "auction-order-slot-text-no-zone" { bad auction-order-slot-text-no-zone; }
@test "auction-order-unknown-field" { bad auction-order-unknown-field; }
@test "auction-order-utf8-invalid" { bad auction-order-utf8-invalid; }
@test "auction-order-value-overflow" { bad auction-order-value-overflow; }

# ---- gs submit (signed transactions) ---------------------------------------

@test "submit-actor-33-chars" { bad submit-actor-33-chars; }
@test "submit-actor-uppercase" { bad submit-actor-uppercase; }
@test "submit-altered-actor" { bad submit-altered-actor; }
@test "submit-altered-amount" { bad submit-altered-amount; }
@test "submit-altered-id" { bad submit-altered-id; }
@test "submit-altered-recipient" { bad submit-altered-recipient; }
@test "submit-altered-signature" { bad submit-altered-signature; }
@test "submit-altered-time" { bad submit-altered-time; }
@test "submit-args-array" { bad submit-args-array; }
@test "submit-args-real" { bad submit-args-real; }
@test "submit-args-string" { bad submit-args-string; }
@test "submit-array-line" { bad submit-array-line; }
@test "submit-bad-line-then-good" { bad submit-bad-line-then-good; }
@test "submit-blank-lines-only" { bad submit-blank-lines-only; }
@test "submit-blank-lines-then-bad" { bad submit-blank-lines-then-bad; }
@test "submit-cmd-unknown-unsigned" { bad submit-cmd-unknown-unsigned; }
@test "submit-crlf" { bad submit-crlf; }
@test "submit-duplicate-key" { bad submit-duplicate-key; }
@test "submit-empty-input" { bad submit-empty-input; }
@test "submit-escaped-nul" { bad submit-escaped-nul; }
@test "submit-escape-cut-utf8" { bad submit-escape-cut-utf8; }
@test "submit-id-65-chars" { bad submit-id-65-chars; }
@test "submit-id-bad-chars" { bad submit-id-bad-chars; }
@test "submit-id-number" { bad submit-id-number; }
@test "submit-id-reused" { bad submit-id-reused; }
@test "submit-insufficient-balance" { bad submit-insufficient-balance; }
@test "submit-item-amount-string" { bad submit-item-amount-string; }
@test "submit-item-unknown-account" { bad submit-item-unknown-account; }
@test "submit-item-unknown-field" { bad submit-item-unknown-field; }
@test "submit-missing-role" { bad submit-missing-role; }
@test "submit-no-final-newline" { bad submit-no-final-newline; }
@test "submit-nul-byte" { bad submit-nul-byte; }
@test "submit-replay-other-time" { bad submit-replay-other-time; }
@test "submit-replay" { bad submit-replay; }
@test "submit-same-id-twice" { bad submit-same-id-twice; }
@test "submit-sig-array" { bad submit-sig-array; }
@test "submit-sig-empty" { bad submit-sig-empty; }
@test "submit-sig-missing" { bad submit-sig-missing; }
@test "submit-sig-not-base64" { bad submit-sig-not-base64; }
@test "submit-sig-short" { bad submit-sig-short; }
@test "submit-signed-by-another-key" { bad submit-signed-by-another-key; }
@test "submit-three-bad-lines" { bad submit-three-bad-lines; }
@test "submit-time-ahead" { bad submit-time-ahead; }
@test "submit-time-int64-max" { bad submit-time-int64-max; }
@test "submit-time-negative" { bad submit-time-negative; }
@test "submit-time-over-int64" { bad submit-time-over-int64; }
@test "submit-time-string" { bad submit-time-string; }
@test "submit-truncated" { bad submit-truncated; }
@test "submit-unknown-field" { bad submit-unknown-field; }
@test "submit-unregistered-signer" { bad submit-unregistered-signer; }
@test "submit-utf8-invalid" { bad submit-utf8-invalid; }
@test "submit-v-2" { bad submit-v-2; }
@test "submit-v-float" { bad submit-v-float; }
@test "submit-v-string" { bad submit-v-string; }
