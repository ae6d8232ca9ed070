#!/bin/sh
# Debian packages the test suite drives besides Python's: Chromium (the Web UI test) and
# docker-compose (validating the production compose file). Installs only what is missing.
set -eu
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v docker-compose >/dev/null 2>&1 || missing="$missing docker-compose"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "tests need these Debian packages:$missing (run: sudo apt-get install -y$missing)" >&2
    exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
