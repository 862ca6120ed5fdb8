"""Start every SQLAlchemy SQLite transaction with BEGIN IMMEDIATE.

Keystone and Glance (oslo.db) open their SQLite transactions with a plain,
deferred BEGIN: a transaction that has read and then writes must upgrade to
the write lock. When another connection holds it or, in WAL mode, has
committed since the read, SQLite fails the upgrade at once with "database is
locked" (waiting cannot help, so the busy timeout is not used): an HTTP 500
under concurrent clients. BEGIN IMMEDIATE takes the write lock up front, so
concurrent transactions queue behind each other (up to the busy timeout).

install.sh copies this module into the glance and keystone venvs with a
.pth file that calls install(). That runs in every interpreter of the venv,
so install() only adds a finder to sys.meta_path; the listeners are
registered on SQLAlchemy's Engine class right after sqlalchemy itself is
first imported (processes that never import it, pip included, pay nothing).
"""

from __future__ import annotations

import sys

# Importing typing would cost several ms at every interpreter start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any

BUSY_TIMEOUT_MS = 30000
# oslo.db's own "begin" listener emits a plain BEGIN unless this key is set.
OSLO_MARKER = "in_transaction"


def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    """New pysqlite connection: no implicit BEGIN by the driver, long busy wait."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _on_begin(conn: Any) -> None:
    """Open the transaction with BEGIN IMMEDIATE (sqlite, non-autocommit only)."""
    if conn.dialect.name != "sqlite":
        return
    import sqlite3

    raw = conn.connection.dbapi_connection
    # _is_autocommit_isolation: engine- or connection-level AUTOCOMMIT
    # (SQLAlchemy 2.0 and 2.1, as pinned).
    if not isinstance(raw, sqlite3.Connection) or raw.in_transaction or conn._is_autocommit_isolation():
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE")
    conn.info[OSLO_MARKER] = True


def _on_end(conn: Any) -> None:
    """Transaction over: drop the marker (as oslo.db does for its engines)."""
    conn.info.pop(OSLO_MARKER, None)


def _register() -> None:
    """Add the listeners to every Engine (class-level: they run before oslo.db's)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    event.listen(Engine, "connect", _on_connect)
    event.listen(Engine, "begin", _on_begin)
    event.listen(Engine, "commit", _on_end)
    event.listen(Engine, "rollback", _on_end)


class _Loader:
    """Runs sqlalchemy's own loader, then registers the listeners."""

    def __init__(self, loader: Any, finder: _Finder) -> None:
        self.loader = loader
        self.finder = finder

    def create_module(self, spec: Any) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        # The module keeps its real loader (importlib.resources & co use it).
        module.__loader__ = self.loader
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        self.loader.exec_module(module)
        if self.finder in sys.meta_path:
            sys.meta_path.remove(self.finder)
            _register()


class _Finder:
    """Meta path finder: wraps the loader of sqlalchemy until it is imported.

    (Not removed at find_spec: importlib.util.find_spec("sqlalchemy") from a
    mere availability check must not use up the hook.)
    """

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != "sqlalchemy":
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _Loader(spec.loader, self)
                return spec
        return None


def install() -> None:
    """Hook SQLAlchemy: now if it is already imported, else at its first import."""
    if "sqlalchemy" in sys.modules:
        _register()
    elif not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
