"""A loopback HTTP/1.1 proxy that injects network faults (tests only, stdlib only).

``FaultProxy(upstream)`` listens on 127.0.0.1 (a free port) and forwards each
request to ``upstream``, keeping client connections alive; it records every
exchange (``proxy.requests()``, ``proxy.count()``). A test arms faults with
``proxy.add(fault, method=..., path=..., skip=..., times=...)``:

- :func:`reset_request` — the request is reset after ``after`` body bytes
  (those reach the server);
- :func:`reset_response` — the response is cut after ``after`` body bytes;
- :func:`stall` — nothing is sent for ``seconds`` (before the response, or
  after ``after`` body bytes), then the response goes on;
- :func:`trickle` — the body comes one byte every ``interval`` seconds;
- :func:`throttle` — the body is paced to a rate (per exchange, hence per
  connection); :func:`corrupt` — one body byte is flipped;
  :func:`drop_request_headers` — the request is forwarded without some
  headers (``Range``: the server answers 200, as one that ignores it);
- :func:`respond`, :func:`retry_after`, :func:`redirect` — a canned answer,
  the server never sees the request;
- :func:`close_idle` — the connection is closed without notice after the
  response; :func:`race_close` — a request arriving on a kept-alive
  connection finds it closed, unanswered.

Body offsets (``after``) count bytes as sent on the wire (chunk framing
included). ``Chaos(seed, rate)`` closes idle connections at random for a
whole run. See docs/testing.md.
"""

from tests.faultproxy.rules import (
    Chaos,
    Exchange,
    Fault,
    Rule,
    close_idle,
    corrupt,
    drop_request_headers,
    race_close,
    redirect,
    reset_request,
    reset_response,
    respond,
    retry_after,
    stall,
    throttle,
    trickle,
)
from tests.faultproxy.server import FaultProxy

__all__ = [
    "Chaos",
    "Exchange",
    "Fault",
    "FaultProxy",
    "Rule",
    "close_idle",
    "corrupt",
    "drop_request_headers",
    "race_close",
    "redirect",
    "reset_request",
    "reset_response",
    "respond",
    "retry_after",
    "stall",
    "throttle",
    "trickle",
]
