# db.bash - the state each CLI test runs on: a SQLite file in the test's
# directory, or, when GS_TEST_PG holds the libpq conninfo of a scratch
# database (share/test.sh starts one), a fresh schema in that database.

# fresh_db: point GS_DB at a new, empty state for this test.
fresh_db() {
	if [ -z "${GS_TEST_PG:-}" ]; then
		export GS_DB="$BATS_TEST_TMPDIR/state.db"
		return 0
	fi
	local schema="t$$_$RANDOM$RANDOM"
	psql -X -q -v ON_ERROR_STOP=1 "$GS_TEST_PG" -c "CREATE SCHEMA $schema" || return 1
	export GS_DB="$GS_TEST_PG options='-csearch_path=$schema'"
}

# on_pg: true when the tests run on PostgreSQL.
on_pg() {
	[ -n "${GS_TEST_PG:-}" ]
}

# sqlite_only WHAT: skip the test on PostgreSQL, saying why: it handles the
# SQLite state file itself (copies, edits or deletes it).
sqlite_only() {
	! on_pg || skip "SQLite state file only: $*"
}

# no_state: GS_DB holds no state (no file; no schema tables in the database).
no_state() {
	if ! on_pg; then
		[ ! -e "$GS_DB" ] && return 0
		echo "'$GS_DB' exists" >&2
		return 1
	fi
	local n
	n=$(psql -X -At "$GS_DB" -c "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()") || return 1
	[ "$n" = 0 ] || { echo "the schema holds $n tables" >&2; return 1; }
}

# has_state: GS_DB holds a state (the file; the schema's tables).
has_state() {
	if ! on_pg; then
		[ -f "$GS_DB" ]
		return
	fi
	! no_state 2>/dev/null
}
