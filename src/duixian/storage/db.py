"""Which database, and sessions on it.

The URL comes from ``--db``, else ``DUIXIAN_DATABASE_URL``, else an embedded SQLite file in the user's
data directory. A bare path (no ``://``) is a SQLite file. PostgreSQL is reached through psycopg 3:
``postgresql+psycopg://user@host:5432/dbname`` (``?options=-csearch_path%3Dschema`` selects a schema).

SQLite transactions begin with ``BEGIN IMMEDIATE``: a writer takes the file's write lock before it reads,
so two writers cannot both read the same audit-chain head and then collide; the second waits
(``busy_timeout``) instead of failing. The pysqlite driver's own implicit transactions are switched
off for this, as SQLAlchemy's documentation recommends, which also makes DDL transactional.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

from duixian.errors import InputError

ENV_URL = "DUIXIAN_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def default_sqlite_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "duixian" / "duixian.db"


def resolve_url(option: str | None = None) -> str:
    """The database URL: the option, else the environment variable, else the embedded default."""
    chosen = option or os.environ.get(ENV_URL) or str(default_sqlite_path())
    return chosen if "://" in chosen else f"sqlite:///{Path(chosen).expanduser().resolve()}"


def shown_url(url: str) -> str:
    """The URL with any password masked, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise InputError("--db", f"数据库地址无法解析：{url!r}（{exc}）") from exc
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True)
    raise InputError(
        "--db", f"不支持的数据库：{parsed.get_backend_name()}（支持 sqlite 与 postgresql+psycopg）"
    )


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")  # readers do not block the writer
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Database:
    """An engine and its session factory. ``with db.transaction() as s:`` commits or rolls back whole."""

    def __init__(self, url: str | None = None) -> None:
        self.url = resolve_url(url)
        self.engine = make_engine(self.url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.sessions.begin() as session:
            yield session

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A read-only transaction that sees one state throughout, however long it reads: on PostgreSQL
        REPEATABLE READ (READ COMMITTED would let a commit land between two of its queries); a SQLite
        transaction holds the write lock, so nothing commits meanwhile. Closing ends it without a
        commit; objects read stay readable (detached, not expired)."""
        options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        with self.sessions() as session:
            session.connection(execution_options=options if self.dialect == "postgresql" else {})
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
