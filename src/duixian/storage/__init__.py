"""Persistence: SQLAlchemy 2.0 models, the database URL and sessions, Alembic migrations.

A SQLite file is the embedded default; PostgreSQL (``postgresql+psycopg://``) is the production store.
Domain code (registry, audit, and later applications and payments) uses :class:`Database` and the
models here; nothing in the engine or the rulebook knows about storage.
"""

from __future__ import annotations

from duixian.storage import redemption  # noqa: F401  (its tables join Base's metadata)
from duixian.storage.db import Database, resolve_url
from duixian.storage.models import Base

__all__ = ["Base", "Database", "resolve_url"]
