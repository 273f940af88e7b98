"""Responses as CSV, one row per response, streamed in constant memory and count-checked."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TextIO

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from app.models import Answer, Area, CommunityGroup, Response
from app.models.response import ResponseStatus
from app.questionnaire import Item, Questionnaire
from app.services.errors import AreaNotFound, ServiceError

# The fixed columns, in this order, before one column per answerable item; imports rely on it.
FIXED_COLUMNS: tuple[str, ...] = (
    "response_id",
    "questionnaire_id",
    "questionnaire_version",
    "area",
    "community_group",
    "language",
    "channel",
    "status",
    "submitted_at",
)
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
EXPORT_BATCH_SIZE = 2_000

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection,
# OWASP ASVS 5.0 1.2.10), so such cells are written with a leading apostrophe.
FORMULA_TRIGGERS = frozenset("=+-@\t\r")
NEUTRALISING_PREFIX = "'"
# The first characters that send a cell through neutralise_cell (a cheap test per cell).
_RISKY_FIRST_CHARACTERS = FORMULA_TRIGGERS | {NEUTRALISING_PREFIX}


def needs_neutralising(cell: str) -> bool:
    """Whether a text cell must get the apostrophe prefix on export.

    Cells that already start with apostrophes followed by a trigger ("'=x") are prefixed too:
    without that, the import could not tell a neutralised "=x" from a carer's own "'=x", and
    export → import → export would not give back the same text.
    """
    if not cell:
        return False
    if cell[0] in FORMULA_TRIGGERS:
        return True
    return (
        cell[0] == NEUTRALISING_PREFIX and cell.lstrip(NEUTRALISING_PREFIX)[:1] in FORMULA_TRIGGERS
    )


def neutralise_cell(cell: str) -> str:
    """Export rule: prefix one apostrophe to a cell a spreadsheet would run as a formula."""
    return NEUTRALISING_PREFIX + cell if needs_neutralising(cell) else cell


def restore_cell(cell: str) -> str:
    """Import rule, the exact reverse of neutralise_cell.

    Strip ONE leading apostrophe when, after all the leading apostrophes, the next character is
    one of = + - @ TAB CR. Any other cell, including a plain "'hello", is kept as written.
    """
    if cell[:1] == NEUTRALISING_PREFIX and needs_neutralising(cell):
        return cell[1:]
    return cell


def is_neutralised_column(item: Item | None) -> bool:
    """Every column is text except number answers, which stay numeric for spreadsheets."""
    return item is None or item.type != "number"


def format_timestamp(moment: datetime | None) -> str:
    """Stored times are naive UTC; exports write them as ISO 8601 with a Z, to the second."""
    return "" if moment is None else moment.strftime(TIMESTAMP_FORMAT)


def item_columns(questionnaire: Questionnaire) -> tuple[Item, ...]:
    """The answerable items, in file order: the columns after the fixed ones."""
    return questionnaire.answerable_items


def header_row(questionnaire: Questionnaire) -> list[str]:
    return [*FIXED_COLUMNS, *(item.id for item in item_columns(questionnaire))]


class ExportCountMismatch(ServiceError):
    """The rows written do not match the rows the database holds: the file is not trusted."""

    def __init__(self, expected: int, written: int) -> None:
        super().__init__(
            f"the export wrote {written} rows but {expected} responses match; the file was not kept"
        )
        self.expected = expected
        self.written = written


@dataclass(frozen=True)
class ExportResult:
    """How many responses were written, and how many others were left out and why."""

    rows_written: int
    # Responses matching the filters but answering another questionnaire: id -> count.
    other_questionnaires: dict[str, int] = field(default_factory=dict)


def write_responses_csv(
    session: Session,
    questionnaire: Questionnaire,
    out: TextIO,
    *,
    area_slug: str | None = None,
    include_in_progress: bool = False,
    batch_size: int = EXPORT_BATCH_SIZE,
    on_rows: Callable[[int], None] | None = None,
) -> ExportResult:
    """Write the header and one row per response to ``out`` (opened with newline="").

    Responses are read in id order, a batch at a time by keyset (id > last id seen), with the
    answers of each batch fetched together, so memory stays flat however many there are. The
    count is taken in the same read transaction and checked against the rows written.
    """
    _begin_read_snapshot(session)
    try:
        area_id = _area_id(session, area_slug)
        columns = item_columns(questionnaire)
        column_of = {item.id: index for index, item in enumerate(columns)}
        neutralised = [is_neutralised_column(item) for item in columns]
        expected = _count(session, questionnaire.id, area_id, include_in_progress)
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header_row(questionnaire))
        written = 0
        for batch in _response_batches(
            session, questionnaire.id, area_id, include_in_progress, batch_size
        ):
            answers = _answers_for(session, [row.id for row in batch], column_of)
            for response in batch:
                cells = [""] * len(columns)
                for index, value in answers.get(response.id, ()):
                    if neutralised[index] and value[0] in _RISKY_FIRST_CHARACTERS:
                        value = neutralise_cell(value)
                    cells[index] = value
                writer.writerow([*_fixed_cells(response), *cells])
            written += len(batch)
            if on_rows is not None:
                on_rows(len(batch))
        if written != expected:
            raise ExportCountMismatch(expected, written)
        others = _other_questionnaires(session, questionnaire.id, area_id, include_in_progress)
        return ExportResult(written, others)
    finally:
        # End the read transaction: a long export must not hold a snapshot open afterwards.
        session.rollback()


def export_responses_to_file(
    session: Session,
    questionnaire: Questionnaire,
    destination: Path,
    *,
    area_slug: str | None = None,
    include_in_progress: bool = False,
    batch_size: int = EXPORT_BATCH_SIZE,
    on_rows: Callable[[int], None] | None = None,
) -> ExportResult:
    """Write to a temporary file beside ``destination``, re-count its rows, then rename it.

    A reader never sees a half-written export, and a file whose record count differs from
    the rows written (a full disk, a crash) is deleted rather than left looking complete.
    """
    destination = destination.resolve()
    handle, temporary_name = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.name}.", suffix=".part"
    )
    temporary = Path(temporary_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            result = write_responses_csv(
                session,
                questionnaire,
                out,
                area_slug=area_slug,
                include_in_progress=include_in_progress,
                batch_size=batch_size,
                on_rows=on_rows,
            )
            out.flush()
            os.fsync(out.fileno())
        records = count_csv_records(temporary) - 1  # the header
        if records != result.rows_written:
            raise ExportCountMismatch(result.rows_written, records)
        os.replace(temporary, destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return result


def count_csv_records(path: Path) -> int:
    """CSV records in a file (not lines: a comment may hold newlines inside quotes)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle))


def _begin_read_snapshot(session: Session) -> None:
    # The count and every batch must see the same data. SQLite in WAL mode keeps one snapshot
    # for a whole read transaction; PostgreSQL needs REPEATABLE READ for the same promise.
    # (Flask-SQLAlchemy hands services a scoped_session proxy, which lacks in_transaction().)
    real_session = session() if callable(session) else session
    if real_session.in_transaction():
        real_session.rollback()
    if real_session.get_bind().dialect.name == "postgresql":
        real_session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def _area_id(session: Session, area_slug: str | None) -> int | None:
    if area_slug is None:
        return None
    area_id = session.scalar(select(Area.id).where(Area.slug == area_slug))
    if area_id is None:
        raise AreaNotFound(area_slug)
    return area_id


def _filters(area_id: int | None, include_in_progress: bool) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if area_id is not None:
        conditions.append(Response.area_id == area_id)
    if not include_in_progress:
        conditions.append(Response.status == ResponseStatus.SUBMITTED.value)
    return conditions


def _count(
    session: Session, questionnaire_id: str, area_id: int | None, include_in_progress: bool
) -> int:
    statement = select(func.count(Response.id)).where(
        Response.questionnaire_id == questionnaire_id, *_filters(area_id, include_in_progress)
    )
    return int(session.scalar(statement) or 0)


def _other_questionnaires(
    session: Session, questionnaire_id: str, area_id: int | None, include_in_progress: bool
) -> dict[str, int]:
    statement = (
        select(Response.questionnaire_id, func.count(Response.id))
        .where(
            Response.questionnaire_id != questionnaire_id, *_filters(area_id, include_in_progress)
        )
        .group_by(Response.questionnaire_id)
        .order_by(Response.questionnaire_id)
    )
    rows = session.execute(statement)
    return {str(other): int(count) for other, count in rows}


@dataclass(frozen=True, slots=True)
class _ResponseRow:
    id: int
    response_id: str
    questionnaire_id: str
    questionnaire_version: int
    area: str
    community_group: str | None
    language: str
    channel: str
    status: str
    submitted_at: datetime | None


def _fixed_cells(response: _ResponseRow) -> list[str]:
    return [
        neutralise_cell(response.response_id),
        response.questionnaire_id,
        str(response.questionnaire_version),
        response.area,
        response.community_group or "",
        response.language,
        response.channel,
        response.status,
        format_timestamp(response.submitted_at),
    ]


def _response_batches(
    session: Session,
    questionnaire_id: str,
    area_id: int | None,
    include_in_progress: bool,
    batch_size: int,
) -> Iterable[list[_ResponseRow]]:
    group = aliased(CommunityGroup)
    last_id = 0
    while True:
        statement = (
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
            .where(
                Response.questionnaire_id == questionnaire_id,
                Response.id > last_id,
                *_filters(area_id, include_in_progress),
            )
            .order_by(Response.id)
            .limit(batch_size)
        )
        batch = [
            _ResponseRow(
                id=row[0],
                response_id=row[1],
                questionnaire_id=row[2],
                questionnaire_version=row[3],
                area=row[4],
                community_group=row[5],
                language=row[6],
                channel=row[7],
                status=row[8],
                submitted_at=row[9],
            )
            for row in session.execute(statement)
        ]
        if not batch:
            return
        yield batch
        last_id = batch[-1].id


def _answers_for(
    session: Session, response_ids: Sequence[int], column_of: dict[str, int]
) -> dict[int, list[tuple[int, str]]]:
    """Each response's answered cells as (column index, stored text); skips and NULLs are empty."""
    by_response: dict[int, list[tuple[int, str]]] = {}
    # Core, not ORM, execution: at tens of millions of answers the ORM's per-row work dominates.
    rows = session.connection().execute(
        select(Answer.response_id, Answer.item_id, Answer.value).where(
            Answer.response_id.in_(response_ids), Answer.value.is_not(None)
        )
    )
    for response_id, item_id, value in rows:
        index = column_of.get(item_id)
        # Items of another version that the exported version lacks have no column.
        if index is not None and value:
            by_response.setdefault(response_id, []).append((index, value))
    return by_response
