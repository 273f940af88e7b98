#!/usr/bin/env bash
# Install Debian package(s) only when a file they provide is missing.
#
#   scripts/ensure-apt.sh /usr/bin/chromium chromium
#
# Idempotent and quick when the file is already there; otherwise runs
# `apt-get update` then `apt-get install -y` non-interactively (via sudo when
# not root).  Fails if the file is still missing afterwards.
set -euo pipefail

if [ "$#" -lt 2 ]; then
    echo "usage: $0 PATH PACKAGE [PACKAGE...]" >&2
    exit 2
fi
want=$1
shift

if [ -e "$want" ]; then
    exit 0
fi

echo "==> $want is missing: installing Debian package(s): $*"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "$@"

if [ ! -e "$want" ]; then
    echo "ERROR: installed $* but $want is still missing" >&2
    exit 1
fi
echo "==> installed $* ($want present)"
