#!/usr/bin/env bash
# Smoke check of the running local cloud (see smoke.py for what it checks).
# Usage: localcloud/smoke.sh [--noauth-only] [path/to/cloud.json]
# Uses only the Python standard library (any python3 >= 3.8).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Bounded: a hung server must not hang the caller.
exec timeout 300 python3 "$HERE/smoke.py" "$@"
