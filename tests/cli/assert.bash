# assert.bash - assertions and record helpers shared by the component bats files
# (panel, stake, oracle, auction): `load assert` after `load`-free set-up.
load db

# component_setup PROG NOW ACCOUNT...: what every component file's setup
# starts with: gs and PROG on PATH, a fresh state file and key directory in
# the test's temporary directory, the clock at NOW (GS_NOW), genesis with
# admin as admin, and each ACCOUNT with a key and registered.
component_setup() {
	local prog=$1 k
	if ! command -v "$prog" >/dev/null || ! command -v gs >/dev/null; then
		echo "gs and $prog must be on PATH (PATH=/path/to/bin:\$PATH bats ...)" >&2
		return 1
	fi
	cd "$BATS_TEST_TMPDIR" || return 1
	export GS_KEYDIR="$BATS_TEST_TMPDIR/keys"
	fresh_db || return 1
	export GS_NOW=$2
	unset GS_KEY GS_BUSY_TIMEOUT
	shift 2
	for k in admin "$@"; do
		gs key new "$k" >/dev/null || return 1
	done
	gs init --admin admin >/dev/null || return 1
	for k in "$@"; do
		gs account register --as "$k" >/dev/null || return 1
	done
}

# xrun N COMMAND...: run COMMAND (stdout in $output/$lines, stderr in $stderr)
# and fail with a full report unless it exits N ("64|65": either). Redirect
# stdin on the call.
xrun() {
	local want=$1
	shift
	run --separate-stderr "$@"
	if [[ "|$want|" != *"|$status|"* ]]; then
		printf 'command:  %s\nexpected: exit %s\nactual:   exit %s\n--- stdout\n%s\n--- stderr\n%s\n' \
			"$*" "$want" "$status" "$output" "$stderr" >&2
		return 1
	fi
}

# jf NAME [LINE]: the value of member NAME of a one-line flat JSON record
# (LINE, else the first line of stdin): strings without quotes, other values
# as written.
jf() {
	local line rest
	if [ $# -ge 2 ]; then line=$2; else IFS= read -r line || return 1; fi
	rest=${line#*\""$1"\":}
	if [ "$rest" = "$line" ]; then
		echo "jf: no member \"$1\" in: $line" >&2
		return 1
	fi
	case $rest in
	\"*) rest=${rest#\"}; printf '%s\n' "${rest%%\"*}" ;;
	*) printf '%s\n' "${rest%%[,\}]*}" ;;
	esac
}

# eq ACTUAL EXPECTED [WHAT]
eq() {
	if [ "$1" != "$2" ]; then
		printf '%s: expected <%s>, got <%s>\n' "${3:-value}" "$2" "$1" >&2
		return 1
	fi
}

# has HAYSTACK NEEDLE...: every NEEDLE occurs in HAYSTACK.
has() {
	local h=$1 n
	shift
	for n; do
		if [[ $h != *"$n"* ]]; then
			printf 'expected <%s> in:\n%s\n' "$n" "$h" >&2
			return 1
		fi
	done
}

# rec LINE NAME=VALUE...: record LINE has each member with that value.
rec() {
	local line=$1 kv got
	shift
	for kv; do
		got=$(jf "${kv%%=*}" "$line") || return 1
		if [ "$got" != "${kv#*=}" ]; then
			printf 'field "%s": expected <%s>, got <%s>\nrecord: %s\n' \
				"${kv%%=*}" "${kv#*=}" "$got" "$line" >&2
			return 1
		fi
	done
}

# snapshot: journal seq and state digest of `gs verify`, on one line.
snapshot() {
	local v
	v=$(gs verify) || return 1
	printf 'seq %s digest %s\n' "$(jf seq "$v")" "$(jf digest "$v")"
}

# clean_error [PROG [SUB]]: the last run printed nothing on stdout and a
# diagnostic prefixed "PROG:" ("gs SUB:" for gs; PROG defaults to the
# file's $PROG) on stderr.
clean_error() {
	local p=${1:-$PROG}
	[ "$p" = gs ] && p="gs $2"
	eq "$output" "" "stdout of a failed command"
	[[ $stderr == "$p:"* ]] || {
		printf 'stderr is not prefixed with %s:\n%s\n' "$p" "$stderr" >&2
		return 1
	}
}

# refused N COMMAND...: COMMAND exits N, cleanly (see clean_error), and
# neither the state digest nor the journal changed.
refused() {
	local want=$1 s0
	shift
	s0=$(snapshot) || return 1
	xrun "$want" "$@" || return 1
	clean_error "$1" "${2:-}" || return 1
	eq "$(snapshot)" "$s0" "journal seq and state digest after a refused command"
}

# noop COMMAND...: COMMAND exits 0 with its "nothing to do" notice and a
# receipt saying so, and changes neither the state nor the journal.
noop() {
	local s0 p=$1
	[ "$p" = gs ] && p="gs $2"
	s0=$(snapshot) || return 1
	xrun 0 "$@" || return 1
	has "$stderr" "$p:" "nothing to do" || return 1
	rec "${lines[0]}" type=receipt status=duplicate || return 1
	eq "$(snapshot)" "$s0" "journal seq and state digest after a no-op"
}

# line_with TEXT...: the first stdout line of the last run containing every TEXT.
line_with() {
	local l n hit
	for l in "${lines[@]}"; do
		hit=1
		for n; do [[ $l == *"$n"* ]] || { hit=0; break; }; done
		[ $hit = 1 ] && { printf '%s\n' "$l"; return 0; }
	done
	printf 'no stdout line has <%s>:\n%s\n' "$*" "$output" >&2
	return 1
}

# count_with TEXT: number of stdout lines of the last run containing TEXT.
count_with() {
	local l n=0
	for l in "${lines[@]}"; do
		[[ $l == *"$1"* ]] && n=$((n + 1))
	done
	echo "$n"
}

# avail A / locked A: available and locked balance; staked A / slocked A:
# staked and locked stake (base units).
avail() {
	gs-token balance "$1" | jf available
}

# sum_of FIELD: sum of the integer member FIELD over the lines on stdin.
sum_of() {
	grep -o "\"$1\":-\{0,1\}[0-9]*" | cut -d: -f2 | awk '{ s += $1 } END { printf "%.0f\n", s }'
}

# digest / seq_now: the "digest" and "seq" fields of `gs verify`.
digest() {
	gs verify | jf digest
}

seq_now() {
	gs verify | jf seq
}
