#!/usr/bin/env bash
# Install everything the local test cloud needs (idempotent, pinned, cached).
#
#   - Debian packages memcached (Swift token cache) and qemu-utils (qemu-img,
#     used by Glance's task import), only when missing;
#   - three virtualenvs (glance, keystone, swift) under
#     ${PYRAX_IMAGE_CLOUD_HOME:-$HOME/.cache/pyrax_image_cloud}/venvs/,
#     each installed with `-c localcloud/pins/<svc>.txt`;
#   - in the glance and keystone venvs, lib/sqlite_immediate.py and a .pth
#     file that loads it (SQLite transactions start with BEGIN IMMEDIATE, so
#     concurrent requests wait for each other instead of failing with
#     "database is locked"); checked on every run, also in up-to-date venvs.
#
# A venv is skipped when its stamp file holds the hash of its pins file (plus
# the list of top-level packages below), so a second run takes about a second.
# pip's own download/wheel cache (~/.cache/pip) makes a re-install after a
# pins change fast too.
#
# Usage: install.sh [glance] [keystone] [swift]   (default: all three)
#
# Environment:
#   PYRAX_IMAGE_CLOUD_HOME   where venvs live (default ~/.cache/pyrax_image_cloud)
#   PYRAX_IMAGE_CLOUD_PYTHON interpreter for the venvs (default python3, >= 3.11)
#   PYRAX_IMAGE_CLOUD_SKIP_APT=1  do not try apt-get (e.g. not root)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOG_TAG=install
# shellcheck source=lib/common.sh
source "$HERE/lib/common.sh"   # CLOUD_HOME, VENVS, log, die, take_lock
PYTHON="${PYRAX_IMAGE_CLOUD_PYTHON:-python3}"

# ---------------------------------------------------------------- apt ------
install_apt() {
    local missing=()
    command -v memcached >/dev/null 2>&1 || [ -x /usr/bin/memcached ] || missing+=(memcached)
    command -v qemu-img >/dev/null 2>&1 || missing+=(qemu-utils)
    [ "${#missing[@]}" -eq 0 ] && return 0
    if [ "${PYRAX_IMAGE_CLOUD_SKIP_APT:-0}" = 1 ]; then
        log "missing Debian packages ${missing[*]} (apt skipped by request)"
        return 0
    fi
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
    log "apt-get install ${missing[*]}"
    # Debian's policy-rc.d in containers keeps the packaged memcached service
    # from starting; start.sh runs its own memcached on 127.0.0.1:11211.
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# -------------------------------------------------------------- venvs ------
# Top-level packages per service; everything else comes from the pins.
declare -A PKGS=(
    [glance]="glance pyuwsgi"
    [keystone]="keystone gunicorn"
    [swift]="swift keystonemiddleware"
)

# put_file SRC DST: copy SRC to DST unless identical (through a temporary
# name and a rename: a starting interpreter never reads half a file).
put_file() {
    cmp -s "$1" "$2" || { cp "$1" "$2.tmp.$$" && mv -f "$2.tmp.$$" "$2"; }
}

# sqlite_hook SVC: for the services that keep their data in SQLite through
# SQLAlchemy (glance, keystone), lib/sqlite_immediate.py and the .pth that
# loads it into the venv's site-packages (the module first).
sqlite_hook() {
    [[ " glance keystone " == *" $1 "* ]] || return 0
    local site
    site="$("$VENVS/$1/bin/python" -I -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" &&
        put_file "$HERE/lib/sqlite_immediate.py" "$site/sqlite_immediate.py" &&
        put_file "$HERE/lib/sqlite_immediate.pth" "$site/sqlite_immediate.pth" ||
        { log "$1: installing the sqlite hook failed"; return 1; }
}

install_venv() {
    local svc="$1" pins="$HERE/pins/$1.txt" venv="$VENVS/$1"
    local stamp="$venv/.pyrax_image_cloud_stamp" want
    [ -f "$pins" ] || { log "missing pins file $pins"; return 1; }
    want="$( { cat "$pins"; echo "${PKGS[$svc]}"; } | sha256sum | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ]; then
        log "$svc venv up to date"
        sqlite_hook "$svc"
        return
    fi
    log "$svc venv: installing ${PKGS[$svc]} (constraints $pins)"
    local t0=$SECONDS
    rm -rf "$venv"
    "$PYTHON" -m venv "$venv"
    # shellcheck disable=SC2086  # word splitting of the package list is wanted
    "$venv/bin/python" -m pip install -q --disable-pip-version-check \
        --progress-bar off -c "$pins" ${PKGS[$svc]} \
        > "$venv/.install.log" 2>&1 || {
            log "$svc install failed; last lines of $venv/.install.log:"
            tail -n 30 "$venv/.install.log" >&2
            return 1
        }
    sqlite_hook "$svc" || return 1
    echo "$want" > "$stamp"
    log "$svc venv ready in $((SECONDS - t0)) s"
}

main() {
    take_lock
    mkdir -p "$VENVS"
    install_apt
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
        log "$PYTHON is older than 3.11 (Glance 33 needs >= 3.11)"; exit 1; }
    # The three installs are mostly network- and unpack-bound: run them in
    # parallel and fail if any failed.
    local pids=() svc rc=0 wanted=("$@")
    [ "${#wanted[@]}" -gt 0 ] || wanted=(glance keystone swift)
    for svc in "${wanted[@]}"; do
        [ -n "${PKGS[$svc]:-}" ] || { log "unknown service $svc"; exit 2; }
        install_venv "$svc" & pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
    [ "$rc" -eq 0 ] || { log "install failed"; exit 1; }
}

main "$@"
