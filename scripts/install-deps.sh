#!/bin/sh
# Install the Debian packages probity needs to build and test. Idempotent: does nothing
# when everything is present. Uses sudo only when not already root.
set -eu
PKGS="build-essential cmake pkg-config libsqlite3-dev libicu-dev libxml2-dev libjansson-dev libsimdjson-dev libssl-dev \
  libpoppler-glib-dev libzip-dev libgmime-3.0-dev libzstd-dev poppler-utils libmicrohttpd-dev curl wrk"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing:$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
