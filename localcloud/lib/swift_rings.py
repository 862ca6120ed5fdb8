"""Build one-replica Swift rings (part power 8) in a config dir.

Usage: swift_rings.py SWIFT_DIR OBJECT_PORT CONTAINER_PORT ACCOUNT_PORT
Same result as three rounds of ``swift-ring-builder create/add/rebalance``,
in one interpreter start. Device ``d1`` on 127.0.0.1 in region 1, zone 1.
"""
import os
import sys

from swift.common.ring import RingBuilder

swift_dir = sys.argv[1]
ports = {"object": int(sys.argv[2]), "container": int(sys.argv[3]),
         "account": int(sys.argv[4])}

for kind, port in ports.items():
    builder = RingBuilder(8, 1, 1)
    builder.add_dev({"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1",
                     "port": port, "device": "d1", "weight": 1,
                     "meta": ""})
    builder.rebalance()
    builder.save(os.path.join(swift_dir, "%s.builder" % kind))
    builder.get_ring().save(os.path.join(swift_dir, "%s.ring.gz" % kind))
