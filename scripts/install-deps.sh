#!/bin/sh
# Install the Debian packages tinysim needs to build and test. Does nothing when all are
# present; uses sudo only when not root. Called by `make test` and `make run`.
# Usage: scripts/install-deps.sh [--check]   (--check: only report, exit 1 if any missing)
set -eu

PKGS="make gcc libc6-dev libncurses-dev libelf-dev libunicorn-dev libcmocka-dev \
libreadline-dev libcapstone-dev libiberty-dev gcc-arm-none-eabi libnewlib-arm-none-eabi \
binutils-arm-none-eabi clang libclang-rt-14-dev valgrind tmux strace time bsdutils python3 \
gdb-multiarch chromium"

missing=""
for p in $PKGS; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = "installed" ] || missing="$missing $p"
done

if [ -z "$missing" ]; then
    exit 0
fi
if [ "${1:-}" = "--check" ]; then
    echo "missing packages:$missing" >&2
    exit 1
fi

echo "install-deps: installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-deps: not root and no sudo; install these packages as root:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only if an install fails with the current ones.
# shellcheck disable=SC2086
if ! $SUDO apt-get install -y --no-install-recommends $missing; then
    $SUDO apt-get update
    $SUDO apt-get install -y --no-install-recommends $missing
fi
