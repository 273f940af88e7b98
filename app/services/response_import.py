"""Import responses from the export's CSV format: check every row, then insert in batches."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from app.questionnaire import QuestionnaireLibrary
from app.services.bulk_answers import insert_answers
from app.services.response_import_checks import CHANNELS, STATUSES, CheckedRow, RowChecker
from app.services.response_import_problems import (
    MAX_REPORTED,
    ImportFileChanged,
    ImportFileUnreadable,
    ImportRowsInvalid,
    ImportSummary,
    RowProblem,
)
from app.services.response_import_reading import MAX_LINE_BYTES, csv_rows, read_header
from app.services.response_import_storing import store_batch

__all__ = [
    "CHANNELS",
    "IMPORT_BATCH_SIZE",
    "MAX_IMPORT_BYTES",
    "MAX_LINE_BYTES",
    "MAX_REPORTED",
    "STATUSES",
    "CheckedRow",
    "ImportFileChanged",
    "ImportFileUnreadable",
    "ImportRowsInvalid",
    "ImportSummary",
    "ProgressCallback",
    "RowProblem",
    "import_responses_csv",
    "insert_answers",
]

MAX_IMPORT_BYTES = 512 * 1024 * 1024
IMPORT_BATCH_SIZE = 2_000


ProgressCallback = Callable[[str, int], None]


def import_responses_csv(
    session: Session,
    library: QuestionnaireLibrary,
    source: Path,
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    batch_size: int = IMPORT_BATCH_SIZE,
    on_progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Check every row of ``source``; then insert the valid, new ones in batched transactions.

    The first pass reads the whole file and writes nothing, so without ``skip_invalid`` one
    bad row means nothing at all is imported. The second pass re-reads the file and commits a
    batch at a time, which keeps SQLite's write lock short enough for carers saving pages at
    the same time. Should it stop half way (a crash, a full disk), running the same import
    again completes it: rows already present are skipped, never duplicated or changed.

    An empty cell is stored as no answer at all, even for a question on the route: a paper
    form cannot say whether the carer saw a question and skipped it, so "never seen" (no row)
    is the honest record; it exports as an empty cell, exactly as a skipped question does.
    """
    advance = on_progress or (lambda _phase, _rows: None)
    stamp = _file_stamp(source)
    summary = ImportSummary(dry_run=dry_run)
    checker = RowChecker(session, library)
    invalid_lines: set[int] = set()
    with csv_rows(source) as rows:
        checker.use_header(read_header(rows))
        for line, cells in rows:
            summary.rows += 1
            result = checker.check(line, cells, first_pass=True)
            if isinstance(result, list):
                invalid_lines.add(line)
                summary.add_problems(result)
            # Told a batch at a time: a call per row costs seconds over a million rows.
            if summary.rows % batch_size == 0:
                advance("checking", batch_size)
        if summary.rows % batch_size:
            advance("checking", summary.rows % batch_size)
    # An unknown column is reported once against the header; each row with something in it is
    # invalid too, so --skip-invalid still imports the rows that leave it empty.
    header_problems = checker.unknown_columns()
    summary.problems[:0] = header_problems
    summary.problem_count += len(header_problems)
    summary.invalid_skipped = len(invalid_lines)
    session.rollback()  # end the first pass's read transaction before anything else
    if summary.problem_count and not skip_invalid:
        raise ImportRowsInvalid(summary.problems, summary.problem_count, len(invalid_lines))
    if _file_stamp(source) != stamp:
        raise ImportFileChanged("the file changed while it was being checked; nothing was imported")

    with csv_rows(source) as rows:
        read_header(rows)
        batch: list[CheckedRow] = []
        for line, cells in rows:
            if line in invalid_lines:
                continue
            result = checker.check(line, cells, first_pass=False)
            if isinstance(result, list):
                raise ImportFileChanged(f"line {line} changed after it was checked")
            batch.append(result)
            if len(batch) >= batch_size:
                store_batch(session, batch, summary, dry_run)
                advance("importing", len(batch))
                batch = []
        if batch:
            store_batch(session, batch, summary, dry_run)
            advance("importing", len(batch))
    return summary


def _file_stamp(source: Path) -> tuple[int, int]:
    try:
        status = source.stat()
    except OSError as problem:
        raise ImportFileUnreadable([f"cannot read {source}: {problem.strerror}"]) from problem
    if status.st_size > MAX_IMPORT_BYTES:
        raise ImportFileUnreadable(
            [
                f"the file is {status.st_size / 2**20:,.0f} MB; the limit is "
                f"{MAX_IMPORT_BYTES // 2**20} MB (split it and import the parts)"
            ]
        )
    return status.st_size, status.st_mtime_ns
