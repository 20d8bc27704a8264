# Shared by tools/demo, tools/check, tools/bench and .ci/run.
# shellcheck shell=bash

# Debian packages needed to build, run and test postpanel.
PP_PACKAGES="build-essential autoconf automake autopoint gettext pkg-config
 libpq-dev libxml2-dev libfcgi-dev libcmocka-dev clearsilver-dev libidn2-dev libcrypt-dev
 postgresql postgresql-contrib nginx-light
 postfix postfix-lmdb postfix-cdb swaks
 python3 python3-selenium chromium chromium-driver fonts-dejavu-core
 clang libclang-rt-14-dev wrk util-linux procps curl time"

pp_missing_packages() {
    local p missing=""
    for p in $PP_PACKAGES; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing="$missing $p"
    done
    echo "$missing"
}

# Installs missing packages as root; otherwise prints the apt-get line.
pp_ensure_packages() {
    local missing
    missing=$(pp_missing_packages)
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" != 0 ]; then
        echo "Missing Debian packages. Run as root:" >&2
        echo "  apt-get update && apt-get install -y$missing" >&2
        return 1
    fi
    echo "== installing:$missing"
    # Installing postfix or nginx must not start the system services.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
    fi
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    apt-get update -q >/dev/null &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >/dev/null
}

# configure + make in build directory $2 for source tree $1, extra flags after.
pp_build() {
    local src=$1 build=$2; shift 2
    (cd "$src" && { [ -x configure ] && [ -f build-aux/test-driver ] || autoreconf -fi >/dev/null 2>&1; }) || return 1
    mkdir -p "$build"
    (cd "$build" &&
        { [ -f Makefile ] || "$src/configure" -q "$@"; } &&
        make -s -j"$(nproc)" >/dev/null) || return 1
}
