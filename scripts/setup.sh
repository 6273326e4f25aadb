#!/usr/bin/env bash
# Installs what `swift build` needs from the system: pkg-config and the libcurl and libxml2
# development files. Does nothing when they are already there. Debian/Ubuntu (apt-get) only.
set -euo pipefail

if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libcurl libxml-2.0; then
    exit 0
fi

packages=(libcurl4-openssl-dev libxml2-dev pkg-config)

if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup.sh: apt-get not found; install libcurl (dev), libxml2 (dev) and pkg-config with your package manager" >&2
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
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"

if ! pkg-config --exists libcurl libxml-2.0 2>/dev/null; then
    echo "setup.sh: installed ${packages[*]}, but pkg-config still cannot find libcurl and libxml-2.0" >&2
    exit 1
fi
