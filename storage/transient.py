"""Which database errors pass by themselves: a busy SQLite file, a dropped PostgreSQL connection.

After one of these the transaction was rolled back, so running the same work again is safe.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import asyncpg
from sqlalchemy import exc as sa_exc

# SQLSTATE classes: 08 connection exception, 53 insufficient resources, 57P operator intervention
# (pg_terminate_backend, a restart); 40001/40P01 a serialization failure or deadlock; 55P03 lock
# not available.
_TRANSIENT_STATE_PREFIXES = ("08", "53", "57P", "40001", "40P01", "55P03")


def is_transient(error: BaseException) -> bool:
    """Whether `error` (or what caused it) is a database failure that a later retry may not meet."""
    for cause in _causes(error):
        if isinstance(cause, sa_exc.DBAPIError) and cause.connection_invalidated:
            return True
        if isinstance(cause, sa_exc.DisconnectionError | sa_exc.TimeoutError):
            return True
        if isinstance(cause, sqlite3.OperationalError):
            text = str(cause).lower()
            if "locked" in text or "busy" in text:
                return True
        if isinstance(cause, asyncpg.PostgresConnectionError | ConnectionError):
            return True
        if isinstance(cause, asyncpg.InterfaceError) and "closed" in str(cause).lower():
            return True
        state = getattr(cause, "sqlstate", None)
        if isinstance(state, str) and state.startswith(_TRANSIENT_STATE_PREFIXES):
            return True
    return False


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error, then what it wraps (`orig`, `__cause__`, `__context__`), each once."""
    seen: set[int] = set()
    pending = [error]
    while pending and len(seen) < 20:
        cause = pending.pop(0)
        if id(cause) in seen:
            continue
        seen.add(id(cause))
        yield cause
        for inner in (getattr(cause, "orig", None), cause.__cause__, cause.__context__):
            if isinstance(inner, BaseException):
                pending.append(inner)
