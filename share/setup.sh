#!/usr/bin/env bash
# setup.sh - install missing build dependencies (Debian), bootstrap, configure, build.
# Usage: share/setup.sh [BUILD_DIR [CONFIGURE_ARGS...]]  (default build dir: build/)
# GS_EXTRA_PKGS: more Debian packages to install (share/test.sh: valgrind, clang).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
shift || true

pkgs="autoconf automake libtool pkg-config make gcc libsqlite3-dev libsodium-dev
      libjansson-dev libpq-dev check bats sqlite3 ${GS_EXTRA_PKGS:-}"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup: installing$missing" >&2
	sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

cd "$src"
if ! [ -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
	autoreconf -fi 2>&1 | grep -v '^\(libtoolize\|configure.ac\|Makefile.am\|parallel-tests\):' >&2 || true
fi
mkdir -p "$build"
cd "$build"
[ -f Makefile ] && [ Makefile -nt "$src/configure" ] || "$src/configure" -q "$@"
make -s -j"$(nproc)" >/dev/null
