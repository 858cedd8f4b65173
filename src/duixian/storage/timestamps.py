"""Instants are stored in UTC and shown in Asia/Shanghai (北京时间).

``UtcDateTime`` refuses naive datetimes, so nothing is stored in an unknown zone; SQLite keeps no zone
(its column holds naive UTC), PostgreSQL keeps ``timestamptz``. Both return aware UTC datetimes, with
microseconds kept, so a value read back equals the value written (the audit chain hashes it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import DateTime, Dialect
from sqlalchemy.types import TypeDecorator

UTC = dt.UTC
try:
    SHANGHAI: dt.tzinfo = ZoneInfo("Asia/Shanghai")
except ZoneInfoNotFoundError:  # pragma: no cover - no tz database on the machine
    # China has kept UTC+8 without daylight saving since 1991, so the fixed offset is exact here.
    SHANGHAI = dt.timezone(dt.timedelta(hours=8), "CST")


def utc_now() -> dt.datetime:
    return dt.datetime.now(UTC)


def shown(instant: dt.datetime) -> str:
    """An instant as a person in Wenzhou reads it: '2020-03-01 09:30:00（北京时间）'."""
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S") + "（北京时间）"


def iso_utc(instant: dt.datetime) -> str:
    """The one text form of an instant that is hashed: UTC, microseconds, '+00:00'."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: an instant must carry its time zone")
    return instant.astimezone(UTC).isoformat(timespec="microseconds")


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware instant, stored as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: an instant must carry its time zone")
        utc = value.astimezone(UTC)
        # SQLite's DATETIME text has no zone: store the UTC wall time.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
