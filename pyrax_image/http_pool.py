"""Kept-alive connections that know how long they have sat idle.

A server closes a kept-alive connection once it has been idle for its
keep-alive timeout; a request sent at that moment meets the close
(``RemoteDisconnected``). An idempotent request is simply resent, but one
that may not be (a POST, a body that cannot be read again) would fail. So
the transport sends such a request inside :func:`idle_limit`, and the pools of
:class:`IdleAwareAdapter` hand it a connection idle no longer than that: an
older one is closed first and a fresh one opened in its place.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Any, Dict, Iterator, Optional

from requests.adapters import HTTPAdapter
from urllib3 import ProxyManager
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

clock = time.monotonic
_local = threading.local()  # the limit of the request this thread is sending


@contextmanager
def idle_limit(seconds: Optional[float]) -> Iterator[None]:
    """Within it, this thread's requests go out on a connection idle at most
    ``seconds`` (None: any kept-alive connection)."""
    previous = getattr(_local, "seconds", None)
    _local.seconds = seconds
    try:
        yield
    finally:
        _local.seconds = previous


class _IdleAwarePool:
    """A urllib3 pool that stamps each connection it takes back and closes an
    older one than this thread's :func:`idle_limit` before handing it out."""

    def _put_conn(self, conn: Any) -> None:
        if conn is not None:
            conn.pyrax_idle_since = clock()
        super()._put_conn(conn)  # type: ignore[misc]

    def _get_conn(self, timeout: Optional[float] = None) -> Any:
        conn = super()._get_conn(timeout)  # type: ignore[misc]
        limit = getattr(_local, "seconds", None)
        since = getattr(conn, "pyrax_idle_since", None)
        if limit is not None and since is not None and clock() - since > limit:
            conn.close()  # as urllib3 does with a dropped one: the request opens a new socket
            conn.pyrax_idle_since = None
        return conn


class IdleAwareHTTPPool(_IdleAwarePool, HTTPConnectionPool):
    """An ``http`` pool that knows its connections' idle time."""


class IdleAwareHTTPSPool(_IdleAwarePool, HTTPSConnectionPool):
    """An ``https`` pool that knows its connections' idle time."""


POOL_CLASSES: Dict[str, Any] = {"http": IdleAwareHTTPPool, "https": IdleAwareHTTPSPool}


class IdleAwareAdapter(HTTPAdapter):
    """``requests``' adapter with :class:`IdleAwareHTTPPool` /
    :class:`IdleAwareHTTPSPool` pools (directly and through an HTTP proxy)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = POOL_CLASSES

    def proxy_manager_for(self, proxy: Any, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if type(manager) is ProxyManager:  # a SOCKS manager keeps its own pools
            manager.pool_classes_by_scheme = POOL_CLASSES
        return manager
