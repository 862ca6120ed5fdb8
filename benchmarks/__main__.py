"""Run the benchmarks: ``python -m benchmarks [calls|data|peers|sync|wan|all] [options]``.

``all`` is the peers benchmark on loopback, then the WAN one, in one command:
the loopback and WAN tables, every client side by side (``--quick`` and
``--write-docs`` go to both)."""

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
    if name == "all":
        return loopback_and_wan(rest)
    print("unknown benchmark %r (calls, data, peers, sync, wan, all)" % name, file=sys.stderr)
    return 2


def loopback_and_wan(argv: list[str]) -> int:
    """The peers benchmark, then the WAN one; ``--quick``/``--write-docs`` go to both."""
    import argparse

    from benchmarks import peers, wan

    parser = argparse.ArgumentParser(prog="python -m benchmarks all", description=loopback_and_wan.__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds, smaller transfers")
    parser.add_argument(
        "--write-docs", action="store_true", help="write both sections of docs/performance.md"
    )
    options = parser.parse_args(argv)
    shared = [flag for flag, on in (("--quick", options.quick), ("--write-docs", options.write_docs)) if on]
    return peers.main(shared) or wan.main(shared)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
