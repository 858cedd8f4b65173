"""Databases for the storage tests: every test runs on a fresh SQLite file and on PostgreSQL.

PostgreSQL: ``DUIXIAN_TEST_PG_URL`` or postgresql+psycopg://postgres@127.0.0.1:5432/test. Each test gets
its own schema (search_path), dropped afterwards, so parallel or repeated runs never meet. The
PostgreSQL variant is skipped, saying why, only when the server cannot be reached.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from duixian.storage import migrate
from duixian.storage.db import Database

PG_URL = os.environ.get("DUIXIAN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_unreachable() -> str | None:
    engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        return f"PostgreSQL not reachable at {PG_URL}: {type(exc).__name__}: {str(exc).splitlines()[0]}"
    finally:
        engine.dispose()
    return None


_PG_STATE: dict[str, str | None] = {}


def pg_unreachable() -> str | None:
    if "reason" not in _PG_STATE:
        _PG_STATE["reason"] = _pg_unreachable()
    return _PG_STATE["reason"]


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL on a fresh PostgreSQL schema of its own; the schema is dropped afterwards."""
    reason = pg_unreachable()
    if reason:
        pytest.skip(reason)
    schema = f"duixian_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.connect() as connection:
            # a connection a failed test left open must not make the clean-up wait for ever
            connection.execute(text("SET lock_timeout = '10s'"))
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'duixian.db'}"
    else:
        yield request.getfixturevalue("pg_url")


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A migrated database (schema at head)."""
    database = Database(db_url)
    migrate.upgrade(database)
    yield database
    database.dispose()
