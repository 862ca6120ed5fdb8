#!/usr/bin/env bash
# Start the local test cloud on 127.0.0.1 (see localcloud/README.md):
#
#   memcached :11211, Keystone :5000 (gunicorn), Swift proxy :8080 (+ object
#   :6200, container :6201, account :6202), Glance "noauth" :9292 and Glance
#   behind Keystone for RegionOne :9293 and RegionTwo :9294 (pyuwsgi).
#
# Usage: localcloud/start.sh [--noauth-only]
#   --noauth-only   start only Glance noauth on :9292 (no Keystone/Swift/
#                   memcached); a few seconds.
#
# Runs install.sh first (seconds when already installed). The state dir
# ${PYRAX_IMAGE_CLOUD_STATE:-${PYRAX_IMAGE_CLOUD_HOME:-~/.cache/pyrax_image_cloud}/state}
# is created fresh on every start: configs, sqlite DBs, stores, logs/, pids/,
# and at the end cloud.json / cloud.env describing the cloud for the tests.
# If the cloud is already running and answering, it says so and exits 0.
set -euo pipefail

LOG_TAG=start
# shellcheck source=lib/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib/common.sh"

MODE=full
for arg in "$@"; do
    case "$arg" in
        --noauth-only) MODE=noauth ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) die "unknown argument: $arg (try --help)" ;;
    esac
done

services_of() {  # services_of MODE -> names of the services of that mode
    if [ "$1" = noauth ]; then echo glance-noauth; else echo "${ALL_SERVICES[@]}"; fi
}

# ------------------------------------------------------- already running? --
# Health URL per service ("" = only check that the pid is alive).
health_url() {
    case "$1" in
        keystone) echo "http://127.0.0.1:$PORT_KEYSTONE/v3" ;;
        swift-proxy) echo "http://127.0.0.1:$PORT_SWIFT/healthcheck" ;;
        glance-noauth) echo "http://127.0.0.1:$PORT_GLANCE_NOAUTH/versions" ;;
        glance-r1) echo "http://127.0.0.1:$PORT_GLANCE_R1/versions" ;;
        glance-r2) echo "http://127.0.0.1:$PORT_GLANCE_R2/versions" ;;
        *) echo "" ;;
    esac
}

already_running() {
    [ -f "$STATE/cloud.json" ] && [ -f "$STATE/mode" ] || return 1
    local running svc pid url code
    running="$(cat "$STATE/mode")"
    # A full cloud also serves --noauth-only; a noauth-only one is not enough
    # for a full start (it is then stopped and the full cloud started).
    [ "$MODE" = noauth ] || [ "$running" = full ] || return 1
    for svc in $(services_of "$running"); do
        pid="$(svc_pid "$svc")"
        if [ "$svc" = memcached ] && [ "$pid" = external ]; then
            port_open "$PORT_MEMCACHED" || return 1
            continue
        fi
        pid_alive "$pid" || return 1
        url="$(health_url "$svc")"
        if [ -n "$url" ]; then
            code="$(http_code "$url")"
            case "$code" in 2??|3??) ;; *) return 1 ;; esac
        fi
    done
}

if already_running; then
    log "local cloud already running ($(cat "$STATE/mode")); not restarting"
    echo "$STATE/cloud.json"
    exit 0
fi

T0=$SECONDS
take_lock
# Another start.sh may have finished while we waited for the lock.
if already_running; then
    log "local cloud already running ($(cat "$STATE/mode")); not restarting"
    echo "$STATE/cloud.json"
    exit 0
fi
# Leftovers of an earlier start (crashed service, other mode): stop them.
# stop.sh only touches processes recorded in our pid files.
if [ -n "$(ls -A "$PIDS" 2>/dev/null)" ]; then
    "$LOCALCLOUD_DIR/stop.sh" >&2 || die "stop.sh failed"
fi

if [ "$MODE" = noauth ]; then
    "$LOCALCLOUD_DIR/install.sh" glance
else
    "$LOCALCLOUD_DIR/install.sh"
fi

# Ports must be free (memcached excepted: an already-running memcached, e.g.
# Debian's service, is simply used).
USE_EXTERNAL_MEMCACHED=0
check_port_free() {
    if port_open "$1"; then
        die "127.0.0.1:$1 ($2) is already in use by a process this script did not start"
    fi
}
check_port_free "$PORT_GLANCE_NOAUTH" glance-noauth
if [ "$MODE" = full ]; then
    if port_open "$PORT_MEMCACHED"; then
        log "memcached already answers on :$PORT_MEMCACHED; using it"
        USE_EXTERNAL_MEMCACHED=1
    fi
    check_port_free "$PORT_KEYSTONE" keystone
    check_port_free "$PORT_SWIFT" swift-proxy
    check_port_free "$PORT_SWIFT_OBJECT" swift-object
    check_port_free "$PORT_SWIFT_CONTAINER" swift-container
    check_port_free "$PORT_SWIFT_ACCOUNT" swift-account
    check_port_free "$PORT_GLANCE_R1" glance-r1
    check_port_free "$PORT_GLANCE_R2" glance-r2
fi

# ------------------------------------------------------------ fresh state --
# Refuse to wipe a non-empty directory that we did not create.
if [ -d "$STATE" ] && [ -n "$(ls -A "$STATE")" ] && [ ! -f "$STATE/.pyrax_image_cloud_state" ]; then
    die "$STATE exists, is not empty and is not a local-cloud state dir; refusing to delete it"
fi
rm -rf "$STATE"
mkdir -p "$STATE" "$PIDS" "$LOGS"
touch "$STATE/.pyrax_image_cloud_state"
echo "$MODE" > "$STATE/mode"
# Whatever fails from here on (or Ctrl-C): stop what was already started.
STARTED_OK=0
on_exit() {
    local rc=$?
    if [ "$STARTED_OK" != 1 ]; then
        log "start failed (exit $rc); stopping what was started"
        "$LOCALCLOUD_DIR/stop.sh" >&2 || true
    fi
}
trap on_exit EXIT
trap 'exit 130' INT TERM
ME_USER="$(id -un)"
ME_GROUP="$(id -gn)"
KS_URL="http://127.0.0.1:$PORT_KEYSTONE"

# launch NAME CMD... : run CMD detached in its own session (setsid; its pid is
# also its process group id), output to $LOGS/NAME.log, pid to $PIDS/NAME.pid.
# PYRAX_IMAGE_CLOUD_MARK=$STATE in the environment (inherited by every child)
# lets stop.sh recognise processes started here and nothing else.
launch() {
    local name="$1"; shift
    PYRAX_IMAGE_CLOUD_MARK="$STATE" setsid nohup "$@" \
        >"$LOGS/$name.log" 2>&1 </dev/null 9>&- &
    echo "$!" > "$PIDS/$name.pid"
}

# fail_with_log NAME MESSAGE : print the service's log tail and exit 1.
fail_with_log() {
    log "ERROR: $1: $2"
    if [ -f "$LOGS/$1.log" ]; then
        log "---- last 40 lines of $LOGS/$1.log ----"
        tail -n 40 "$LOGS/$1.log" >&2
    fi
    exit 1  # the EXIT trap stops what was started
}

# wait_http NAME URL LIMIT : wait (bounded by `timeout`) until URL answers
# 2xx/3xx, failing early if the service's process died.
wait_http() {
    local name="$1" url="$2" limit="${3:-60}" pid rc=0
    pid="$(svc_pid "$name")"
    # shellcheck disable=SC2016  # expanded by the inner bash
    timeout "$limit" bash -c '
        while kill -0 "$1" 2>/dev/null; do
            code=$(curl -s -o /dev/null -m 3 -w "%{http_code}" "$2") || true
            case "$code" in 2??|3??) exit 0 ;; esac
            sleep 0.2
        done
        exit 3' _ "$pid" "$url" || rc=$?
    case "$rc" in
        0) ;;
        3) fail_with_log "$name" "process exited before answering on $url" ;;
        *) fail_with_log "$name" "no answer on $url within ${limit}s" ;;
    esac
}

# wait_port NAME PORT LIMIT : wait (bounded by `timeout`) for a TCP listener.
wait_port() {
    local name="$1" port="$2" limit="${3:-30}" pid rc=0
    pid="$(svc_pid "$name")"
    # shellcheck disable=SC2016  # expanded by the inner bash
    timeout "$limit" bash -c '
        while kill -0 "$1" 2>/dev/null; do
            (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && exit 0
            sleep 0.1
        done
        exit 3' _ "$pid" "$port" || rc=$?
    case "$rc" in
        0) ;;
        3) fail_with_log "$name" "process exited before listening on :$port" ;;
        *) fail_with_log "$name" "not listening on :$port within ${limit}s" ;;
    esac
}

# sqlite_wal FILE: switch an SQLite DB (no connection open) to WAL mode, which
# the file keeps. Transactions all start with BEGIN IMMEDIATE (install.sh's
# sqlite hook), so writers queue rather than fail with "database is locked";
# WAL makes their commits cheaper: stress_db.py --ops 15 against one Glance
# took 33 s instead of 48 s with the default rollback journal.
sqlite_wal() {
    python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode=WAL").fetchall()' "$1"
}

# ---------------------------------------------------------------- memcached --
start_memcached() {
    if [ "$USE_EXTERNAL_MEMCACHED" = 1 ]; then
        echo external > "$PIDS/memcached.pid"
        return 0
    fi
    local bin; bin="$(command -v memcached || echo /usr/bin/memcached)"
    # -U 0: no UDP; -u: memcached refuses to run as root without it.
    launch memcached "$bin" -l 127.0.0.1 -p "$PORT_MEMCACHED" -U 0 -m 64 \
        -c 1024 -u "$ME_USER"
    wait_port memcached "$PORT_MEMCACHED" 10
}

# ----------------------------------------------------------------- keystone --
# Config, DB, keys and `keystone-manage bootstrap` (runs in the background
# while Swift and Glance are prepared), then gunicorn.
KS_DIR="$STATE/keystone"
prepare_keystone() {
    mkdir -p "$KS_DIR/fernet-keys" "$KS_DIR/credential-keys" "$KS_DIR/receipt-keys"
    chmod 700 "$KS_DIR/fernet-keys" "$KS_DIR/credential-keys" "$KS_DIR/receipt-keys"
    cat > "$KS_DIR/keystone.conf" <<EOF
[DEFAULT]
debug = false
use_stderr = true
[database]
connection = sqlite:///$KS_DIR/keystone.sqlite
[token]
provider = fernet
expiration = 14400
[fernet_tokens]
key_repository = $KS_DIR/fernet-keys
[fernet_receipts]
key_repository = $KS_DIR/receipt-keys
[credential]
key_repository = $KS_DIR/credential-keys
[identity]
# bcrypt with 4 rounds: ~1 ms per password check instead of ~240 ms.
password_hash_rounds = 4
[cache]
# In-process cache: token validation drops from ~450 ms (dozens of sqlite
# queries) to ~7 ms. Coherent because Keystone runs as ONE process (threads);
# Keystone invalidates it itself on revocation/role changes.
enabled = true
backend = oslo_cache.dict
expiration_time = 600
EOF
    # = keystone-manage db_sync, fernet_setup, credential_setup, bootstrap,
    # run in one interpreter (saves ~10 s of repeated imports).
    {
        "$VENVS/keystone/bin/python" "$LOCALCLOUD_DIR/lib/keystone_setup.py" \
            "$KS_DIR/keystone.conf" "$ME_USER" "$ME_GROUP" -- \
            --bootstrap-password adminpass \
            --bootstrap-username admin --bootstrap-project-name admin \
            --bootstrap-role-name admin --bootstrap-service-name keystone \
            --bootstrap-region-id RegionOne \
            --bootstrap-admin-url "$KS_URL/v3" \
            --bootstrap-public-url "$KS_URL/v3" \
            --bootstrap-internal-url "$KS_URL/v3"
    } > "$LOGS/keystone-manage.log" 2>&1 || {
        log "keystone-manage failed; last lines of $LOGS/keystone-manage.log:"
        tail -n 30 "$LOGS/keystone-manage.log" >&2
        exit 1
    }
    sqlite_wal "$KS_DIR/keystone.sqlite"
}

start_keystone() {
    # keystone_wsgi clears sys.argv (Keystone would parse gunicorn's options);
    # --no-control-socket: gunicorn 26 otherwise shares ~/.gunicorn/gunicorn.ctl.
    # One worker with 8 threads, so that the in-process cache is coherent.
    launch keystone env OS_KEYSTONE_CONFIG_DIR="$KS_DIR" \
        "$VENVS/keystone/bin/gunicorn" --bind "127.0.0.1:$PORT_KEYSTONE" \
        --workers 1 --worker-class gthread --threads 8 \
        --timeout 120 --graceful-timeout 5 --no-control-socket \
        --pythonpath "$LOCALCLOUD_DIR/lib" \
        --access-logfile - --error-logfile - keystone_wsgi:application
}

# -------------------------------------------------------------------- swift --
SW_DIR="$STATE/swift"
prepare_swift() {
    mkdir -p "$SW_DIR/etc" "$SW_DIR/node/d1" "$SW_DIR/run" "$SW_DIR/cache"
    local etc="$SW_DIR/etc"
    cat > "$etc/swift.conf" <<EOF
[swift-hash]
swift_hash_path_suffix = pyrax_image_local_suffix
swift_hash_path_prefix = pyrax_image_local_prefix
[storage-policy:0]
name = gold
default = yes
EOF
    # Common [DEFAULT] of the four servers: no privilege drop, one process,
    # plain-folder "device" without mount checks, swift_dir = our config.
    local common="user = $ME_USER
swift_dir = $etc
devices = $SW_DIR/node
mount_check = false
workers = 0
bind_ip = 127.0.0.1
log_name = %s
log_level = INFO
log_address = $SW_DIR/run/no-syslog"
    local kind port
    for kind in object container account; do
        case "$kind" in
            object) port=$PORT_SWIFT_OBJECT ;;
            container) port=$PORT_SWIFT_CONTAINER ;;
            account) port=$PORT_SWIFT_ACCOUNT ;;
        esac
        # shellcheck disable=SC2059
        cat > "$etc/$kind-server.conf" <<EOF
[DEFAULT]
$(printf "$common" "$kind-server")
bind_port = $port
[pipeline:main]
pipeline = healthcheck $kind-server
[app:$kind-server]
use = egg:swift#$kind
[filter:healthcheck]
use = egg:swift#healthcheck
[$kind-replicator]
[$kind-updater]
[$kind-auditor]
EOF
    done
    cat > "$etc/proxy-server.conf" <<EOF
[DEFAULT]
user = $ME_USER
swift_dir = $etc
bind_ip = 127.0.0.1
bind_port = $PORT_SWIFT
workers = 0
log_name = proxy-server
log_level = INFO
log_address = $SW_DIR/run/no-syslog

[pipeline:main]
# Keystone accounts AUTH_<project_id>; tempauth on its own reseller prefix.
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk tempurl ratelimit authtoken keystoneauth tempauth copy container-quotas account-quotas slo dlo versioned_writes symlink proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
www_authenticate_uri = $KS_URL
auth_url = $KS_URL
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = swift
password = swiftpass
region_name = RegionOne
delay_auth_decision = true
# swift's memcache client (memcached_servers would need python-memcached)
cache = swift.cache
include_service_catalog = false
# validate every token (revocation visible at once)
token_cache_time = -1

[filter:keystoneauth]
use = egg:swift#keystoneauth
reseller_prefix = AUTH_
operator_roles = admin, member
reseller_admin_role = ResellerAdmin

[filter:tempauth]
use = egg:swift#tempauth
reseller_prefix = TEMPAUTH
user_test_tester = testing .admin
user_admin_admin = admin .admin .reseller_admin

[filter:tempurl]
use = egg:swift#tempurl
allowed_digests = sha256 sha512

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$PORT_MEMCACHED

[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:bulk]
use = egg:swift#bulk
[filter:ratelimit]
use = egg:swift#ratelimit
[filter:copy]
use = egg:swift#copy
[filter:container-quotas]
use = egg:swift#container_quotas
[filter:account-quotas]
use = egg:swift#account_quotas
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
[filter:versioned_writes]
use = egg:swift#versioned_writes
allow_versioned_writes = true
[filter:symlink]
use = egg:swift#symlink
EOF
    "$VENVS/swift/bin/python" "$LOCALCLOUD_DIR/lib/swift_rings.py" "$etc" \
        "$PORT_SWIFT_OBJECT" "$PORT_SWIFT_CONTAINER" "$PORT_SWIFT_ACCOUNT"
}

start_swift() {
    local kind
    # -v: log to stdout too (there is no syslog here).
    for kind in account container object; do
        launch "swift-$kind" "$VENVS/swift/bin/swift-$kind-server" \
            "$SW_DIR/etc/$kind-server.conf" -v
    done
    launch swift-proxy "$VENVS/swift/bin/swift-proxy-server" \
        "$SW_DIR/etc/proxy-server.conf" -v
}

# ------------------------------------------------------------------- glance --
# Three instances: noauth (:9292, trusts X-* headers), r1 and r2 (:9293,
# :9294, behind Keystone, RegionOne/RegionTwo). Each has its own config, DB
# and stores: two file stores "fast" (default) and "cheap" (multistore, so
# that copy-image works), staging and tasks stores.
glance_dir() { echo "$STATE/$1"; }

write_glance_conf() {  # write_glance_conf NAME PORT FLAVOR
    local name="$1" port="$2" flavor="$3" dir backends="fast:file, cheap:file" cache=""
    dir="$(glance_dir "$name")"
    mkdir -p "$dir/etc" "$dir/fast" "$dir/cheap" "$dir/staging" "$dir/tasks"
    # glance-download (the Glance pulls an image from another region's) needs
    # the caller's service catalog, which only the Keystone-backed ones have.
    local methods="glance-direct,web-download,copy-image"
    [ "$flavor" = keystone ] && methods="$methods,glance-download"
    if [ "$flavor" = keystone ]; then
        # The Keystone-backed Glances have the image cache (API 2.14-2.18;
        # the centralized_db driver names each node by its own URL) and the
        # noauth one has none (the tests of a cloud without it). RegionOne
        # also has a read-only http store: the locations API takes http URLs
        # from users without the service role only when one is configured.
        mkdir -p "$dir/cache"
        cache="image_cache_dir = $dir/cache
worker_self_reference_url = http://127.0.0.1:$port"
        [ "$name" = glance-r1 ] && backends="$backends, web:http"
        # RegionTwo enforces Keystone's unified limits (registered by
        # keystone_bootstrap.py): GET /v2/info/usage reports them.
        [ "$name" = glance-r2 ] && cache="$cache
use_keystone_limits = true"
    fi
    cat > "$dir/etc/glance-api.conf" <<EOF
[DEFAULT]
debug = false
use_stderr = true
$cache
enabled_backends = $backends
enabled_import_methods = [$methods]
show_multiple_locations = false
show_image_direct_url = false
[database]
connection = sqlite:///$dir/glance.sqlite?timeout=30
[glance_store]
default_backend = fast
[fast]
store_description = Fast file store (default)
filesystem_store_datadir = $dir/fast
[cheap]
store_description = Cheap file store
filesystem_store_datadir = $dir/cheap
[os_glance_staging_store]
filesystem_store_datadir = $dir/staging
[os_glance_tasks_store]
filesystem_store_datadir = $dir/tasks
[image_format]
# Glance 33's default, stated: uploaded data must match its disk_format and
# pass the format inspector's safety checks (pyrax_image's inspect_image
# applies the same rules before sending).
require_image_format_match = true
[import_filtering_opts]
# web-download / glance-download / task import from loopback URLs on any port
allowed_hosts = [127.0.0.1,localhost]
allowed_ports = []
[paste_deploy]
flavor = $flavor
config_file = $dir/etc/glance-api-paste.ini
[oslo_policy]
policy_file = $dir/etc/policy.yaml
EOF
    if [ "$flavor" = keystone ]; then
        cat >> "$dir/etc/glance-api.conf" <<EOF
[keystone_authtoken]
www_authenticate_uri = $KS_URL
auth_url = $KS_URL
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = glance
password = glancepass
# the identity endpoints live in RegionOne (whatever region this Glance is)
region_name = RegionOne
# validate every token (revocation visible at once)
token_cache_time = -1
[oslo_limit]
auth_url = $KS_URL
auth_type = password
username = glance
password = glancepass
user_domain_name = Default
system_scope = all
endpoint_service_type = image
endpoint_region_name = $([ "$name" = glance-r2 ] && echo RegionTwo || echo RegionOne)
endpoint_interface = public
EOF
        # Tasks for members, as public clouds do (Glance 33 only enforces
        # tasks_api_access; the others are kept for older releases).
        cat > "$dir/etc/policy.yaml" <<EOF
"tasks_api_access": "role:admin or role:member"
"get_task": "role:admin or role:member"
"get_tasks": "role:admin or role:member"
"add_task": "role:admin or role:member"
EOF
    else
        # noauth: default policies (tasks admin-only).
        echo '{}' > "$dir/etc/policy.yaml"
    fi
    # Glance's stock paste file plus a "noauth" flavor: ContextMiddleware
    # without authtoken builds the request context from X-Identity-Status,
    # X-Project-Id, X-Roles, X-User-Id headers.
    cat > "$dir/etc/glance-api-paste.ini" <<'EOF'
[composite:glance-api-noauth]
paste.composite_factory = glance.api:root_app_factory
/: api
/healthcheck: healthcheck

[composite:glance-api-keystone]
paste.composite_factory = glance.api:root_app_factory
/: api
/healthcheck: healthcheck

[composite:api]
paste.composite_factory = glance.api:pipeline_factory
noauth = cors http_proxy_to_wsgi versionnegotiation context rootapp
keystone = cors http_proxy_to_wsgi versionnegotiation authtoken context rootapp

[composite:rootapp]
paste.composite_factory = glance.api:root_app_factory
/: apiversions
/v2: apiv2app

[app:apiversions]
paste.app_factory = glance.api.versions:create_resource

[app:apiv2app]
paste.app_factory = glance.api.v2.router:API.factory

[app:healthcheck]
paste.app_factory = oslo_middleware:Healthcheck.app_factory
backends = disable_by_file
disable_by_file_path = /nonexistent/glance-healthcheck-disable

[filter:versionnegotiation]
paste.filter_factory = glance.api.middleware.version_negotiation:VersionNegotiationFilter.factory

[filter:context]
paste.filter_factory = glance.api.middleware.context:ContextMiddleware.factory

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
delay_auth_decision = true

[filter:cors]
paste.filter_factory = oslo_middleware.cors:filter_factory
oslo_config_project = glance
oslo_config_program = glance-api

[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware:HTTPProxyToWSGI.factory
EOF
    # uWSGI with real HTTP/1.1 keep-alive (http11-socket). A kept-alive idle
    # connection holds its worker thread until the client sends again or
    # socket-timeout passes, so: many threads (32 per process) and a 10 s
    # socket-timeout. noauth gets 2 processes, the Keystone-backed ones 1.
    local procs=1
    [ "$flavor" = noauth ] && procs=2
    cat > "$dir/etc/uwsgi.ini" <<EOF
[uwsgi]
http11-socket = 127.0.0.1:$port
module = glance.wsgi.api:application
env = OS_GLANCE_CONFIG_DIR=$dir/etc
py-executable = $VENVS/glance/bin/python
master = true
processes = $procs
threads = 32
enable-threads = true
lazy-apps = true
need-app = true
thunder-lock = true
die-on-term = true
exit-on-reload = false
hook-master-start = unix_signal:15 gracefully_kill_them_all
worker-reload-mercy = 5
reload-mercy = 5
buffer-size = 65535
listen = 128
http-auto-chunked = true
chunked-input-limit = 134217728
socket-timeout = 10
EOF
}

# The DB (glance-manage db_sync, ~5 s, then db_load_metadefs, ~6 s: Glance's
# own etc/metadefs/*.json, 32 namespaces and their resource types, as a
# deployment has them) depends only on the Glance version: it is built once
# per pins hash under $CLOUD_HOME/templates/ and copied into each instance's
# fresh state.
prepare_glance() {
    local names=("$@") name tmpl pins_hash
    pins_hash="$(sha256sum "$LOCALCLOUD_DIR/pins/glance.txt" | cut -c1-16)"
    tmpl="$CLOUD_HOME/templates/glance-$pins_hash-metadefs.sqlite"
    if [ ! -s "$tmpl" ]; then
        local work="$STATE/glance-template"
        mkdir -p "$work" "$CLOUD_HOME/templates"
        cat > "$work/glance-manage.conf" <<EOF
[DEFAULT]
use_stderr = true
[database]
connection = sqlite:///$work/glance.sqlite
EOF
        "$VENVS/glance/bin/glance-manage" --config-file "$work/glance-manage.conf" \
            db_sync > "$LOGS/glance-manage.log" 2>&1 || {
            log "glance-manage db_sync failed; last lines of $LOGS/glance-manage.log:"
            tail -n 30 "$LOGS/glance-manage.log" >&2
            exit 1
        }
        "$VENVS/glance/bin/glance-manage" --config-file "$work/glance-manage.conf" \
            db_load_metadefs "$VENVS/glance/etc/glance/metadefs" >> "$LOGS/glance-manage.log" 2>&1 || {
            log "glance-manage db_load_metadefs failed; last lines of $LOGS/glance-manage.log:"
            tail -n 30 "$LOGS/glance-manage.log" >&2
            exit 1
        }
        cp "$work/glance.sqlite" "$tmpl.tmp.$$" && mv "$tmpl.tmp.$$" "$tmpl"
        rm -rf "$work"
    fi
    for name in "${names[@]}"; do
        cp "$tmpl" "$(glance_dir "$name")/glance.sqlite"
        sqlite_wal "$(glance_dir "$name")/glance.sqlite"
    done
}

start_glance() {  # start_glance NAME
    launch "$1" env OS_GLANCE_CONFIG_DIR="$(glance_dir "$1")/etc" \
        "$VENVS/glance/bin/uwsgi" --ini "$(glance_dir "$1")/etc/uwsgi.ini"
}

# -------------------------------------------------------------- cloud.json --
write_cloud_files() {
    python3 - "$STATE" "$MODE" <<'EOF'
import json, os, shlex, sys
state, mode = sys.argv[1], sys.argv[2]
cloud = {
    "mode": mode,
    "state_dir": state,
    "glance_noauth_url": "http://127.0.0.1:9292",
}
if mode == "full":
    with open(os.path.join(state, "keystone", "ids.json")) as fh:
        ids = json.load(fh)
    p, u = ids["projects"], ids["users"]
    cloud.update({
        "keystone_url": "http://127.0.0.1:5000",
        "keystone_v3_url": "http://127.0.0.1:5000/v3",
        "swift_url": "http://127.0.0.1:8080",
        "memcached": "127.0.0.1:11211",
        "regions": {
            "RegionOne": {"image": "http://127.0.0.1:9293",
                          "image_internal": "http://localhost:9293",
                          "object_store": "http://127.0.0.1:8080/v1/AUTH_%(project_id)s",
                          "object_store_internal": "http://localhost:8080/v1/AUTH_%(project_id)s"},
            "RegionTwo": {"image": "http://127.0.0.1:9294",
                          "image_internal": "http://localhost:9294"},
        },
        "domain": "Default",
        "admin": {"username": "admin", "password": "adminpass",
                  "project_name": "admin", "project_id": p["admin"],
                  "user_id": u["admin"], "user_domain_name": "Default",
                  "project_domain_name": "Default"},
        "users": {
            "alice": {"password": "alicepass", "project_name": "alpha",
                      "project_id": p["alpha"], "user_id": u["alice"]},
            "bob": {"password": "bobpass", "project_name": "beta",
                    "project_id": p["beta"], "user_id": u["bob"]},
        },
        "service_users": {
            "glance": {"password": "glancepass", "project_name": "service",
                       "project_id": p["service"], "user_id": u["glance"]},
            "swift": {"password": "swiftpass", "project_name": "service",
                      "project_id": p["service"], "user_id": u["swift"]},
        },
        "swift_tempauth": {"auth_url": "http://127.0.0.1:8080/auth/v1.0",
                           "user": "test:tester", "key": "testing"},
    })
with open(os.path.join(state, "cloud.json.tmp"), "w") as fh:
    json.dump(cloud, fh, indent=2, sort_keys=True)
    fh.write("\n")
os.replace(os.path.join(state, "cloud.json.tmp"), os.path.join(state, "cloud.json"))

env = {"PYRAX_IMAGE_CLOUD_JSON": os.path.join(state, "cloud.json"),
       "PYRAX_IMAGE_CLOUD_MODE": mode,
       "GLANCE_NOAUTH_URL": cloud["glance_noauth_url"]}
if mode == "full":
    env.update({
        "KEYSTONE_URL": cloud["keystone_url"],
        "KEYSTONE_V3_URL": cloud["keystone_v3_url"],
        "SWIFT_URL": cloud["swift_url"],
        "GLANCE_REGIONONE_URL": cloud["regions"]["RegionOne"]["image"],
        "GLANCE_REGIONTWO_URL": cloud["regions"]["RegionTwo"]["image"],
        "CLOUD_DOMAIN": "Default",
        "ADMIN_USERNAME": "admin", "ADMIN_PASSWORD": "adminpass",
        "ADMIN_PROJECT_NAME": "admin", "ADMIN_PROJECT_ID": p["admin"],
        "ALICE_PASSWORD": "alicepass", "ALICE_PROJECT_NAME": "alpha",
        "ALICE_PROJECT_ID": p["alpha"], "ALICE_USER_ID": u["alice"],
        "BOB_PASSWORD": "bobpass", "BOB_PROJECT_NAME": "beta",
        "BOB_PROJECT_ID": p["beta"], "BOB_USER_ID": u["bob"],
    })
with open(os.path.join(state, "cloud.env"), "w") as fh:
    for k, v in env.items():
        fh.write("export %s=%s\n" % (k, shlex.quote(v)))
EOF
}

# --------------------------------------------------------------------- main --
if [ "$MODE" = noauth ]; then
    log "starting Glance noauth only (state: $STATE)"
    write_glance_conf glance-noauth "$PORT_GLANCE_NOAUTH" noauth
    prepare_glance glance-noauth
    start_glance glance-noauth
    wait_http glance-noauth "http://127.0.0.1:$PORT_GLANCE_NOAUTH/versions" 90
else
    log "starting the full local cloud (state: $STATE)"
    # Keystone (DB, keys, bootstrap, then gunicorn) is on the critical path:
    # in the background while Swift and Glance are prepared.
    { prepare_keystone && start_keystone; } & KS_PREP=$!
    start_memcached
    prepare_swift
    start_swift
    write_glance_conf glance-noauth "$PORT_GLANCE_NOAUTH" noauth
    write_glance_conf glance-r1 "$PORT_GLANCE_R1" keystone
    write_glance_conf glance-r2 "$PORT_GLANCE_R2" keystone
    prepare_glance glance-noauth glance-r1 glance-r2
    wait "$KS_PREP" || fail_with_log keystone-manage "Keystone preparation failed"
    log "swift and glance prepared, keystone bootstrapped (+$((SECONDS - T0)) s)"
    start_glance glance-noauth
    start_glance glance-r1
    start_glance glance-r2
    wait_port swift-account "$PORT_SWIFT_ACCOUNT" 30
    wait_port swift-container "$PORT_SWIFT_CONTAINER" 30
    wait_port swift-object "$PORT_SWIFT_OBJECT" 30
    wait_http swift-proxy "http://127.0.0.1:$PORT_SWIFT/healthcheck" 30
    wait_http keystone "$KS_URL/v3" 90
    log "keystone answers (+$((SECONDS - T0)) s)"
    "$VENVS/keystone/bin/python" "$LOCALCLOUD_DIR/lib/keystone_bootstrap.py" \
        "$KS_URL" adminpass "$KS_DIR/ids.json" >> "$LOGS/keystone-manage.log" 2>&1 \
        || fail_with_log keystone-manage "creating projects/users/catalog failed"
    log "keystone populated (+$((SECONDS - T0)) s)"
    wait_http glance-noauth "http://127.0.0.1:$PORT_GLANCE_NOAUTH/versions" 90
    wait_http glance-r1 "http://127.0.0.1:$PORT_GLANCE_R1/versions" 90
    wait_http glance-r2 "http://127.0.0.1:$PORT_GLANCE_R2/versions" 90
fi

write_cloud_files
STARTED_OK=1
log "local cloud ($MODE) up in $((SECONDS - T0)) s; source $STATE/cloud.env for shell use"
echo "$STATE/cloud.json"
