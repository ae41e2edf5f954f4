#!/usr/bin/env bash
# pg.sh - a throwaway PostgreSQL server for the tests, on a Unix socket only.
# Usage: share/pg.sh start DIR   initdb in DIR (created), start the server,
#                                print the conninfo of its database "gridset"
#        share/pg.sh stop DIR    stop it and delete DIR
# Needs Debian's postgresql package (share/test.sh installs it). As root the
# server runs as the "postgres" user (initdb refuses root).
set -euo pipefail
cmd=${1:?usage: pg.sh start|stop DIR}
dir=${2:?usage: pg.sh start|stop DIR}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$pgbin" ] && [ -x "$pgbin/initdb" ] || { echo "pg.sh: no PostgreSQL server installed (Debian package postgresql)" >&2; exit 69; }
as=()
if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi

case $cmd in
start)
	mkdir -p "$dir"
	[ ${#as[@]} = 0 ] || chown postgres: "$dir"
	"${as[@]}" "$pgbin/initdb" -D "$dir/data" -A trust -U gridset --locale=C.UTF-8 -E UTF8 >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; exit 1; }
	# no TCP; fsync off: a test server is thrown away (durability is SQLite's
	# and PostgreSQL's own business, not what these tests measure)
	"${as[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s start \
		-o "-k $dir -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" ||
		{ cat "$dir/server.log" >&2; exit 1; }
	"${as[@]}" "$pgbin/createdb" -h "$dir" -U gridset gridset
	echo "host=$dir user=gridset dbname=gridset"
	;;
stop)
	[ -d "$dir/data" ] && "${as[@]}" "$pgbin/pg_ctl" -D "$dir/data" -w -s -m fast stop || true
	rm -rf "$dir"
	;;
*)
	echo "usage: pg.sh start|stop DIR" >&2
	exit 64
	;;
esac
