"""Storing checked import rows: new ones inserted a batch per transaction, stored ones compared."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session, aliased

from app.models import Answer, Area, CommunityGroup, Response
from app.models.clock import utc_now
from app.services.bulk_answers import driver_placeholder, insert_answer_maps
from app.services.response_csv_format import FIXED_COLUMNS, format_timestamp
from app.services.response_import_checks import CheckedRow
from app.services.response_import_problems import ImportSummary, RowProblem
from app.services.transactions import begin_write

RESPONSES = cast(Table, Response.__table__)


def store_batch(
    session: Session, batch: list[CheckedRow], summary: ImportSummary, dry_run: bool
) -> None:
    """Insert the new rows in one transaction; stored ones are compared, never changed."""
    if not dry_run:
        # Checking for existing ids inside the write transaction means a concurrent import of
        # the same file cannot slip a row in between the check and the insert.
        begin_write(session)
    try:
        existing = _stored_versions(session, [row.response_id for row in batch])
        new_rows: list[CheckedRow] = []
        for row in batch:
            stored = existing.get(row.response_id)
            if stored is None:
                new_rows.append(row)
                continue
            summary.already_present += 1
            differences = _differences(row.comparable(), stored)
            if differences:
                summary.add_conflict(
                    RowProblem(
                        row.line,
                        "response_id",
                        f"{row.response_id!r} is already stored with different content "
                        f"({', '.join(differences)}); nothing was changed",
                    )
                )
        if dry_run:
            summary.imported += len(new_rows)
            session.rollback()
            return
        _insert(session, new_rows)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    summary.imported += len(new_rows)


def _differences(incoming: Mapping[str, str], stored: Mapping[str, str]) -> list[str]:
    names = [name for name in {**stored, **incoming} if incoming.get(name) != stored.get(name)]
    ordered = [name for name in FIXED_COLUMNS if name in names] + sorted(
        name for name in names if name not in FIXED_COLUMNS
    )
    shown = ordered[:5]
    if len(ordered) > len(shown):
        shown.append(f"and {len(ordered) - len(shown)} more")
    return shown


def _stored_versions(session: Session, response_ids: list[str]) -> dict[str, dict[str, str]]:
    """The stored responses among ``response_ids``, as comparable fields and answers."""
    group = aliased(CommunityGroup)
    rows = session.execute(
        select(
            Response.id,
            Response.response_id,
            Response.questionnaire_id,
            Response.questionnaire_version,
            Area.slug,
            group.slug,
            Response.language,
            Response.channel,
            Response.status,
            Response.submitted_at,
        )
        .join(Area, Area.id == Response.area_id)
        .outerjoin(group, group.id == Response.community_group_id)
        .where(Response.response_id.in_(response_ids))
    ).all()
    if not rows:
        return {}
    by_key: dict[int, dict[str, str]] = {}
    by_response_id: dict[str, dict[str, str]] = {}
    for row in rows:
        fields = {
            "questionnaire_id": row[2],
            "questionnaire_version": str(row[3]),
            "area": row[4],
            "community_group": row[5] or "",
            "language": row[6],
            "channel": row[7],
            "status": row[8],
            "submitted_at": format_timestamp(row[9]),
        }
        by_key[row[0]] = fields
        by_response_id[row[1]] = fields
    answers = session.execute(
        select(Answer.response_id, Answer.item_id, Answer.value).where(
            Answer.response_id.in_(list(by_key)), Answer.value.is_not(None)
        )
    )
    for key, item_id, value in answers:
        if value:
            by_key[key][item_id] = value
    return by_response_id


def _insert(session: Session, rows: list[CheckedRow]) -> None:
    if not rows:
        return
    now = utc_now()
    key_of = _insert_responses(session, rows, now)
    insert_answer_maps(session, [(key_of[row.response_id], row.answers) for row in rows], now)


# The columns an imported response fills, in the order _response_row gives them.
_RESPONSE_COLUMNS = (
    "response_id",
    "questionnaire_id",
    "questionnaire_version",
    "channel",
    "language",
    "status",
    "area_id",
    "community_group_id",
    "invitation_id",
    "current_page_id",
    "consent_given_at",
    "resume_code_hash",
    "started_at",
    "updated_at",
    "submitted_at",
)


def _insert_responses(session: Session, rows: list[CheckedRow], now: datetime) -> dict[str, int]:
    """Insert the responses; their new keys by response_id."""
    connection = session.connection()
    dialect = connection.dialect
    placeholder = driver_placeholder(dialect)
    if placeholder is None:  # a driver we have not met: SQLAlchemy's multi-row INSERT
        # RETURNING gives each key with its response_id, so no parameter order is needed.
        created = session.execute(
            insert(RESPONSES).returning(RESPONSES.c.id, RESPONSES.c.response_id),
            [dict(zip(_RESPONSE_COLUMNS, _response_row(row, now), strict=True)) for row in rows],
        )
        return {response_id: key for key, response_id in created}
    # Plain tuples to the driver, the times converted as SQLAlchemy would convert them: its
    # own per-row parameter work cost more than the insert (and asking it to keep parameter
    # order made it one statement per row on SQLite).
    to_driver = RESPONSES.c.submitted_at.type.dialect_impl(dialect).bind_processor(dialect)
    connection.exec_driver_sql(
        f"INSERT INTO {RESPONSES.name} ({', '.join(_RESPONSE_COLUMNS)}) "
        f"VALUES ({', '.join([placeholder] * len(_RESPONSE_COLUMNS))})",
        [_response_row(row, now, to_driver) for row in rows],
    )
    # The batch's keys in one look-up by the unique index, inside the same write transaction.
    ids = [row.response_id for row in rows]
    found = connection.exec_driver_sql(
        f"SELECT id, response_id FROM {RESPONSES.name} "
        f"WHERE response_id IN ({', '.join([placeholder] * len(ids))})",
        tuple(ids),
    )
    return {response_id: key for key, response_id in found}


def _response_row(
    row: CheckedRow, now: datetime, to_driver: Callable[[Any], Any] | None = None
) -> tuple[Any, ...]:
    """The response's values in _RESPONSE_COLUMNS order (times through ``to_driver`` if given)."""
    convert = to_driver or _unchanged
    submitted = None if row.submitted_at is None else convert(row.submitted_at)
    stamp = convert(now)
    return (
        row.response_id,
        row.questionnaire.id,
        row.questionnaire.version,
        row.channel,
        row.language,
        row.status,
        row.area_id,
        row.community_group_id,
        None,  # invitation_id
        None,  # current_page_id
        None,  # consent_given_at
        None,  # resume_code_hash
        # When it was started is not in the file; the submission time is the best estimate.
        stamp if submitted is None else submitted,
        stamp,
        submitted,
    )


def _unchanged(value: Any) -> Any:
    return value
