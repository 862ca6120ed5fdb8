#!/usr/bin/env bash
# Stop everything localcloud/start.sh started, and only that.
#
#   1. For every pid file in $STATE/pids/ (reverse start order): if that
#      process is ours (its environment carries PYRAX_IMAGE_CLOUD_MARK=$STATE,
#      or its command line runs one of our venvs on our state dir), SIGTERM
#      its process group (start.sh runs each service under setsid, so the
#      pid is the group id), then SIGKILL whatever is left after 10 s.
#   2. Fallback: any other process still carrying the mark of this state dir
#      (e.g. a worker whose pid file was lost) gets the same treatment.
#   3. Waits (bounded) until the cloud's ports are free.
#
# Logs and data stay in $STATE for inspection; cloud.json/cloud.env are
# removed so nobody mistakes a stopped cloud for a running one.
# Exit status 0 even if nothing was running.
set -euo pipefail

LOG_TAG=stop
# shellcheck source=lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/common.sh"

MARK="PYRAX_IMAGE_CLOUD_MARK=$STATE"
take_lock

# is_ours PID -> 0 if the process was started by start.sh for this $STATE
is_ours() {
    local pid="$1"
    [ -r "/proc/$pid/environ" ] || return 1
    if tr '\0' '\n' 2>/dev/null < "/proc/$pid/environ" | grep -Fxq -- "$MARK"; then
        return 0
    fi
    # Process titles/environments can be rewritten: also accept our venvs
    # running on our state dir.
    local cmd
    cmd="$(tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" || true)"
    [[ "$cmd" == *"$VENVS/"* && "$cmd" == *"$STATE/"* ]]
}

# pgid_of PID -> process group id (empty if gone)
pgid_of() { ps -o pgid= -p "$1" 2>/dev/null | tr -d ' ' || true; }

# signal_tree SIG PID : signal the process group led by PID if it leads one,
# else just PID.
signal_tree() {
    local sig="$1" pid="$2"
    if [ "$(pgid_of "$pid")" = "$pid" ]; then
        kill -s "$sig" -- "-$pid" 2>/dev/null || true
    else
        kill -s "$sig" "$pid" 2>/dev/null || true
    fi
}

# group_alive PID : any process left in group PID, or PID itself?
group_alive() {
    pid_alive "$1" && return 0
    pgrep -g "$1" >/dev/null 2>&1
}

# marked_pids -> pids (other than ours) whose environment has the mark
marked_pids() {
    local p
    for p in /proc/[0-9]*; do
        p="${p#/proc/}"
        [ "$p" = "$$" ] || [ "$p" = "$BASHPID" ] && continue
        if tr '\0' '\n' 2>/dev/null < "/proc/$p/environ" | grep -Fxq -- "$MARK"; then
            echo "$p"
        fi
    done
}

# wait_gone PID... : wait up to 10 s for these process groups to exit, then
# SIGKILL what is left.
wait_gone() {
    local deadline=$((SECONDS + 10)) left pid
    while :; do
        left=()
        for pid in "$@"; do group_alive "$pid" && left+=("$pid"); done
        [ "${#left[@]}" -eq 0 ] && return 0
        [ "$SECONDS" -ge "$deadline" ] && break
        sleep 0.2
    done
    for pid in "${left[@]}"; do
        log "pid $pid still alive after 10 s: SIGKILL"
        signal_tree KILL "$pid"
    done
}

stopped=()
# --- 1. pid files, reverse start order
if [ -d "$PIDS" ]; then
    for (( i=${#ALL_SERVICES[@]}-1; i>=0; i-- )); do
        svc="${ALL_SERVICES[$i]}"
        pid="$(svc_pid "$svc")"
        [ -n "$pid" ] || continue
        if [ "$pid" = external ]; then          # memcached we did not start
            rm -f "$PIDS/$svc.pid"; continue
        fi
        if pid_alive "$pid" && is_ours "$pid"; then
            log "stopping $svc (pid $pid)"
            signal_tree TERM "$pid"
            stopped+=("$pid")
        elif pid_alive "$pid"; then
            log "pid $pid of $svc is not ours any more; leaving it alone"
        fi
        rm -f "$PIDS/$svc.pid"
    done
    [ "${#stopped[@]}" -eq 0 ] || wait_gone "${stopped[@]}"
fi

# --- 2. stragglers still carrying our mark (pid file lost, re-parented...)
leftovers=()
for pid in $(marked_pids); do
    log "stopping leftover process $pid ($(tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | cut -c1-100))"
    signal_tree TERM "$pid"
    leftovers+=("$pid")
done
if [ "${#leftovers[@]}" -gt 0 ]; then
    wait_gone "${leftovers[@]}"
    stopped+=("${leftovers[@]}")
fi

# --- 3. wait (bounded) for our ports to be free
ports=("$PORT_KEYSTONE" "$PORT_SWIFT" "$PORT_SWIFT_OBJECT" "$PORT_SWIFT_CONTAINER"
       "$PORT_SWIFT_ACCOUNT" "$PORT_GLANCE_NOAUTH" "$PORT_GLANCE_R1" "$PORT_GLANCE_R2")
if [ "${#stopped[@]}" -gt 0 ]; then
    ports+=("$PORT_MEMCACHED")
    # shellcheck disable=SC2016  # expanded by the inner bash
    if ! timeout 15 bash -c '
            for port in "$@"; do
                while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.1; done
            done' _ "${ports[@]}"; then
        for port in "${ports[@]}"; do
            port_open "$port" && log "warning: 127.0.0.1:$port is still in use (not by us)"
        done
    fi
    log "stopped ${#stopped[@]} process group(s)"
else
    log "nothing was running"
fi
rm -f "$STATE/cloud.json" "$STATE/cloud.env" "$STATE/mode"
exit 0
