"""INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL, for once-only rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_or_ignore(
    session: Session,
    model: type[Any],
    values: Mapping[str, object],
    conflict: Sequence[str],
    *,
    returning: str | None = None,
) -> Any:
    """Insert a row unless one with the same ``conflict`` columns exists.

    Returns the inserted row's ``returning`` column (its first conflict column by default),
    or None when the row was already there. Unlike catching IntegrityError this keeps a
    PostgreSQL transaction usable, and when another transaction is inserting the same key it
    waits for that one to finish first.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=conflict)
        # RETURNING says whether a row went in; rowcount is not reliable on every driver.
        .returning(getattr(model, returning or conflict[0]))
    )
    return session.connection().execute(statement).scalar()
