"""Responses as CSV, one row per response, streamed in constant memory and count-checked."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Response
from app.questionnaire import Item, Questionnaire
from app.services import areas
from app.services.errors import NotASubArea, ServiceError

# The format's rules live in response_csv_format; they are re-exported here for callers.
from app.services.response_csv_format import (
    FIXED_COLUMNS,
    FORMULA_TRIGGERS,
    NEUTRALISING_PREFIX,
    TIMESTAMP_FORMAT,
    format_timestamp,
    header_row,
    is_neutralised_column,
    item_columns,
    needs_neutralising,
    neutralise_cell,
    restore_cell,
)
from app.services.response_export_rows import ExportFilter, RowLayout, row_batches

__all__ = [
    "EXPORT_BATCH_SIZE",
    "FIXED_COLUMNS",
    "FORMULA_TRIGGERS",
    "NEUTRALISING_PREFIX",
    "TIMESTAMP_FORMAT",
    "ExportCountMismatch",
    "ExportResult",
    "count_csv_records",
    "export_responses_to_file",
    "format_timestamp",
    "header_row",
    "is_neutralised_column",
    "item_columns",
    "needs_neutralising",
    "neutralise_cell",
    "restore_cell",
    "write_responses_csv",
]

EXPORT_BATCH_SIZE = 2_000


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
    sub_area_slug: str | None = None,
    include_in_progress: bool = False,
    batch_size: int = EXPORT_BATCH_SIZE,
    on_rows: Callable[[int], None] | None = None,
    also: Sequence[Questionnaire] = (),
) -> ExportResult:
    """Write the header and one row per response to ``out`` (opened with newline="").

    An area's export holds its sub-areas' responses too, as its report counts them (the
    ``area`` column names the place each was collected in); ``sub_area_slug`` keeps one of
    them, as the report's sub-area filter does.

    ``also`` adds responses to other versions built on the same core (an area's published
    core + local module versions): the core columns stay exactly as they are, and each local
    item not in ``questionnaire`` gets its own column after them.

    Responses are read in id order, a batch at a time by keyset (id > last id seen), with the
    answers of each batch fetched together, so memory stays flat however many there are. The
    count is taken in the same read transaction and checked against the rows written.
    """
    begin_read_snapshot(session)
    try:
        area_ids = area_ids_for_export(session, area_slug, sub_area_slug)
        ids = tuple(dict.fromkeys([questionnaire.id, *(other.id for other in also)]))
        which = ExportFilter(questionnaire.id, area_ids, include_in_progress, ids)
        expected = matching_count(session, ids, area_ids, include_in_progress)
        columns = combined_item_columns(questionnaire, also)
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([*FIXED_COLUMNS, *(item.id for item in columns)])
        written = 0
        layout = RowLayout(questionnaire, columns)
        for rows in row_batches(session.connection(), layout, which, batch_size):
            writer.writerows(rows)
            written += len(rows)
            if on_rows is not None:
                on_rows(len(rows))
        if written != expected:
            raise ExportCountMismatch(expected, written)
        others = other_questionnaires(session, ids, area_ids, include_in_progress)
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
    sub_area_slug: str | None = None,
    include_in_progress: bool = False,
    batch_size: int = EXPORT_BATCH_SIZE,
    on_rows: Callable[[int], None] | None = None,
    also: Sequence[Questionnaire] = (),
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
                sub_area_slug=sub_area_slug,
                include_in_progress=include_in_progress,
                batch_size=batch_size,
                on_rows=on_rows,
                also=also,
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
    """CSV records in a file the export wrote (not lines: a comment may hold line breaks).

    A record ends at a line feed outside quotes, and a line holding an odd number of quote
    characters opens or closes a quoted cell (csv.writer doubles a quote inside one), so
    counting quotes per line finds the records without parsing every cell: a full parse of a
    national export cost several seconds more, for the same count.
    """
    records = 0
    inside_quotes = False
    with path.open("rb") as handle:
        for line in handle:
            if line.count(b'"') % 2:
                inside_quotes = not inside_quotes
            if not inside_quotes:
                records += 1
    # A last record cut off inside a quoted cell is a record too, as csv.reader counts it.
    return records + inside_quotes


def begin_read_snapshot(session: Session) -> None:
    # The count and every batch must see the same data. SQLite in WAL mode keeps one snapshot
    # for a whole read transaction; PostgreSQL needs REPEATABLE READ for the same promise.
    # (Flask-SQLAlchemy hands services a scoped_session proxy, which lacks in_transaction().)
    real_session = session() if callable(session) else session
    if real_session.in_transaction():
        real_session.rollback()
    if real_session.get_bind().dialect.name == "postgresql":
        real_session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def area_ids_for_export(
    session: Session, area_slug: str | None, sub_area_slug: str | None = None
) -> tuple[int, ...] | None:
    """The areas an export holds: the area and its sub-areas, or one sub-area of it.

    None (every area) when no area is named. A sub-area named must be one of the area's own
    (read from its ``parent_id``): another area's place is refused like an unknown one.
    """
    if area_slug is None:
        if sub_area_slug is not None:
            raise NotASubArea(sub_area_slug)
        return None
    area = areas.area_by_slug(session, area_slug)
    if sub_area_slug is not None:
        return (areas.sub_area_of(session, area, sub_area_slug).id,)
    return tuple(sorted([area.id, *(place.id for place in areas.sub_areas(session, area))]))


def combined_item_columns(
    questionnaire: Questionnaire, also: Sequence[Questionnaire]
) -> tuple[Item, ...]:
    """The item columns of ``questionnaire``, then any item of ``also`` it lacks, in order."""
    columns = list(item_columns(questionnaire))
    seen = {item.id for item in columns}
    for other in also:
        for item in item_columns(other):
            if item.id not in seen:
                seen.add(item.id)
                columns.append(item)
    return tuple(columns)


def matching_count(
    session: Session,
    ids: Sequence[str],
    area_ids: tuple[int, ...] | None,
    include_in_progress: bool,
) -> int:
    which = ExportFilter(ids[0], area_ids, include_in_progress)
    statement = select(func.count(Response.id)).where(
        Response.questionnaire_id.in_(ids), *which.conditions()
    )
    return int(session.scalar(statement) or 0)


def other_questionnaires(
    session: Session,
    ids: Sequence[str],
    area_ids: tuple[int, ...] | None,
    include_in_progress: bool,
) -> dict[str, int]:
    which = ExportFilter(ids[0], area_ids, include_in_progress)
    statement = (
        select(Response.questionnaire_id, func.count(Response.id))
        .where(Response.questionnaire_id.not_in(ids), *which.conditions())
        .group_by(Response.questionnaire_id)
        .order_by(Response.questionnaire_id)
    )
    rows = session.execute(statement)
    return {str(other): int(count) for other, count in rows}
