"""One clock for stored times: naive UTC, identical on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """The current time in UTC without tzinfo (SQLite cannot keep an offset)."""
    return datetime.now(UTC).replace(tzinfo=None)
