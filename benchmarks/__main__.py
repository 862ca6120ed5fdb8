"""Run the benchmarks: ``python -m benchmarks [calls|data|peers|sync|wan] [options]``."""

from __future__ import annotations

import sys

from benchmarks import call_overhead


def main(argv: list[str]) -> int:
    """Dispatch to one benchmark (default: the per-call overhead)."""
    name = argv[0] if argv else "calls"
    rest = argv[1:]
    if name == "calls":
        return call_overhead.main(rest)
    if name == "data":
        from benchmarks import data_throughput

        return data_throughput.main(rest)
    if name == "peers":
        from benchmarks import peers

        return peers.main(rest)
    if name == "sync":
        from benchmarks import sync_bench

        return sync_bench.main(rest)
    if name == "wan":
        from benchmarks import wan

        return wan.main(rest)
    print("unknown benchmark %r (calls, data, peers, sync, wan)" % name, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
