# Shared paths and helpers for install.sh / start.sh / stop.sh / smoke.sh.
# Sourced, not executed.
# shellcheck shell=bash disable=SC2034  # variables are used by the sourcing scripts

LOCALCLOUD_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLOUD_HOME="${PYRAX_IMAGE_CLOUD_HOME:-$HOME/.cache/pyrax_image_cloud}"
STATE="${PYRAX_IMAGE_CLOUD_STATE:-$CLOUD_HOME/state}"
VENVS="$CLOUD_HOME/venvs"
PIDS="$STATE/pids"
LOGS="$STATE/logs"

# Every port the cloud listens on (all on 127.0.0.1).
PORT_MEMCACHED=11211
PORT_KEYSTONE=5000
PORT_SWIFT=8080
PORT_SWIFT_OBJECT=6200
PORT_SWIFT_CONTAINER=6201
PORT_SWIFT_ACCOUNT=6202
PORT_GLANCE_NOAUTH=9292
PORT_GLANCE_R1=9293
PORT_GLANCE_R2=9294

# Service names start.sh may start, in start order; stop.sh stops in reverse.
ALL_SERVICES=(memcached keystone swift-account swift-container swift-object
              swift-proxy glance-noauth glance-r1 glance-r2)

log() { printf '[%s] %s\n' "${LOG_TAG:-localcloud}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# pid_alive PID -> 0 if a process with that pid exists
pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# svc_pid NAME -> print the recorded pid of a service (empty if none)
svc_pid() { cat "$PIDS/$1.pid" 2>/dev/null || true; }

# port_open PORT -> 0 if something accepts TCP connections on 127.0.0.1:PORT
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# http_code URL -> print the HTTP status of a GET (000 when nothing answers)
http_code() {
    curl -s -o /dev/null -m 5 -w '%{http_code}' "$1" 2>/dev/null || true
}

# take_lock: serialise install/start/stop for one $CLOUD_HOME (flock on fd 9,
# released when the script exits). Scripts called by a lock holder inherit
# PYRAX_IMAGE_CLOUD_LOCK_HELD and skip it; launched services get fd 9 closed.
take_lock() {
    [ "${PYRAX_IMAGE_CLOUD_LOCK_HELD:-}" = "$CLOUD_HOME" ] && return 0
    mkdir -p "$CLOUD_HOME"
    exec 9>"$CLOUD_HOME/.lock"
    if ! flock -w 600 9; then
        die "waited 600 s for $CLOUD_HOME/.lock (another install/start/stop?)"
    fi
    export PYRAX_IMAGE_CLOUD_LOCK_HELD="$CLOUD_HOME"
}
