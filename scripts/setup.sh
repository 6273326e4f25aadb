#!/usr/bin/env bash
# Installs what building and testing feedd need from the system, when it is missing: pkg-config and the
# libcurl, libxml2, SQLite and wide-character ncurses development files (to build), make (to install),
# gzip, systemd-analyze, script, tmux, msmtp and newsboat (used by the tests).
# Debian/Ubuntu (apt-get) only; uses sudo when not root.
set -euo pipefail

packages=()
if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists libcurl libxml-2.0; then
    packages+=(libcurl4-openssl-dev libxml2-dev pkg-config)
fi
pkg-config --exists sqlite3 2>/dev/null || packages+=(libsqlite3-dev)
pkg-config --exists ncursesw 2>/dev/null || packages+=(libncurses-dev)
command -v tmux >/dev/null 2>&1 || packages+=(tmux)
command -v gzip >/dev/null 2>&1 || packages+=(gzip)
command -v systemd-analyze >/dev/null 2>&1 || packages+=(systemd)
command -v make >/dev/null 2>&1 || packages+=(make)
command -v script >/dev/null 2>&1 || packages+=(bsdutils)
command -v msmtp >/dev/null 2>&1 || packages+=(msmtp)
command -v newsboat >/dev/null 2>&1 || packages+=(newsboat)
[ ${#packages[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup.sh: apt-get not found; install ${packages[*]} (or your system's equivalents) by hand" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    run=()
elif command -v sudo >/dev/null 2>&1; then
    run=(sudo)
else
    echo "setup.sh: need to install ${packages[*]}, but not root and sudo is not available; run as root" >&2
    exit 1
fi

echo "setup.sh: installing ${packages[*]}" >&2
"${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"

if ! pkg-config --exists libcurl libxml-2.0 sqlite3 ncursesw 2>/dev/null; then
    echo "setup.sh: installed ${packages[*]}, but pkg-config still cannot find libcurl, libxml-2.0, sqlite3 and ncursesw" >&2
    exit 1
fi
