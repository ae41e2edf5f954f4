#!/usr/bin/env bash
# setup.sh - install missing build dependencies (Debian), bootstrap, configure, build.
# Usage: share/setup.sh [BUILD_DIR [CONFIGURE_ARGS...]]  (default build dir: build/)
# GS_EXTRA_PKGS: more Debian packages to install (share/test.sh: valgrind, clang);
# GS_OPTIONAL_PKGS: packages to try to install, going on without them.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
shift || true

pkgs="autoconf automake libtool pkg-config make gcc libsqlite3-dev libsodium-dev
      libjansson-dev libpq-dev check bats sqlite3 ${GS_EXTRA_PKGS:-}"
# missing PKG...: those of the packages not installed
missing() {
	local p
	for p; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			printf ' %s' "$p"
	done
}

# install PKG...: apt-get install them (after apt-get update)
install() {
	local sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	echo "setup: installing $*" >&2
	$sudo apt-get update -qq &&
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

need=$(missing $pkgs)
[ -z "$need" ] || install $need
# optional ones: a failure is reported, not fatal (share/test.sh: postgresql,
# whose tests are skipped, saying so, without it)
want=$(missing ${GS_OPTIONAL_PKGS:-})
[ -z "$want" ] || install $want || echo "setup: could not install$want" >&2

cd "$src"
if ! [ -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
	autoreconf -fi 2>&1 | grep -v '^\(libtoolize\|configure.ac\|Makefile.am\|parallel-tests\):' >&2 || true
fi
mkdir -p "$build"
cd "$build"
[ -f Makefile ] && [ Makefile -nt "$src/configure" ] || "$src/configure" -q "$@"
make -s -j"$(nproc)" >/dev/null
