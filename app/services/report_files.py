"""Queued reports' files kept only while useful: deleted when old or replaced by a newer build.

A built file holds an area's figures as they were when it was built. It is kept
``keep_days`` after it was built, and only until a newer build of the same report (the same
scope, sub-area, period, format and language) is ready; then its row is marked expired and
its file deleted. The row is marked first and the file deleted after, so a download never
finds a ready row without its file; a file whose deletion was interrupted is still named by
its expired row and is deleted by the next run. Work is done in batches, each its own
transaction, and a second run finds nothing left to do. Counts only are returned and audited.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from app.models import ReportBuild, ReportBuildStatus
from app.models.clock import utc_now
from app.services.audit import SYSTEM, AuditAction, add_event
from app.services.transactions import begin_write

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 200
# A worker writes ".<id>-<name>.<random>" and renames it; one left for a day was abandoned.
ABANDONED_TEMPORARY_AFTER = timedelta(days=1)
_TEMPORARY_NAME = re.compile(r"^\.\d+-")


@dataclass(frozen=True)
class ReportFilesPurge:
    """How many builds were expired and why, and how many files were deleted: counts only."""

    report_builds_expired_by_age: int = 0
    report_builds_superseded: int = 0
    report_builds_missing_file: int = 0
    report_files_deleted: int = 0
    report_files_not_deleted: int = 0
    report_temporary_files_deleted: int = 0

    def as_detail(self) -> dict[str, int]:
        return asdict(self)


def purge_report_files(
    session: Session,
    reports_dir: Path,
    *,
    keep_days: int,
    now: datetime | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    dry_run: bool = False,
) -> ReportFilesPurge:
    """Expire old and replaced builds and delete their files; with ``dry_run`` only count."""
    moment = now or utc_now()
    too_old = _built_before(moment - timedelta(days=keep_days))
    replaced = _superseded()
    if dry_run:
        return ReportFilesPurge(
            report_builds_expired_by_age=_count(session, too_old),
            report_builds_superseded=_count(session, and_(replaced, ~too_old)),
            # Counted as a real run counts them: after the old and the replaced are expired.
            report_builds_missing_file=len(
                _ready_without_file(session, reports_dir, and_(~too_old, ~replaced))
            ),
        )
    by_age = _expire_in_batches(session, too_old, batch_size)
    superseded = _expire_in_batches(session, replaced, batch_size)
    missing = _expire_ids(session, _ready_without_file(session, reports_dir))
    deleted, not_deleted = delete_expired_files(session, reports_dir, batch_size=batch_size)
    report = ReportFilesPurge(
        report_builds_expired_by_age=by_age,
        report_builds_superseded=superseded,
        report_builds_missing_file=missing,
        report_files_deleted=deleted,
        report_files_not_deleted=not_deleted,
        report_temporary_files_deleted=_delete_abandoned_temporaries(reports_dir),
    )
    begin_write(session)
    add_event(session, SYSTEM, AuditAction.RETENTION_PURGE, detail=report.as_detail())
    session.commit()
    return report


def expire_superseded(session: Session, reports_dir: Path) -> int:
    """After a build is ready: expire the older builds it replaces and delete their files."""
    expired = _expire_in_batches(session, _superseded(), DEFAULT_BATCH_SIZE)
    if expired:
        delete_expired_files(session, reports_dir)
    return expired


def forget_missing_file(session: Session, build: ReportBuild) -> None:
    """A ready build whose file is gone (deleted by hand, another host): expire it."""
    _expire_ids(session, [build.id])
    session.refresh(build)


def file_path(reports_dir: Path, file_name: str) -> Path | None:
    """Where a build's file is kept, or None for a name that would leave the folder."""
    folder = reports_dir.resolve()
    path = (folder / file_name).resolve()
    return path if path.parent == folder else None


def delete_expired_files(
    session: Session, reports_dir: Path, *, batch_size: int = DEFAULT_BATCH_SIZE
) -> tuple[int, int]:
    """Delete the files expired builds still name: (deleted or already gone, not deleted)."""
    deleted = 0
    refused: list[int] = []
    while True:
        begin_write(session)
        rows = session.execute(
            select(ReportBuild.id, ReportBuild.file_name)
            .where(
                ReportBuild.status == ReportBuildStatus.EXPIRED.value,
                ReportBuild.file_name.is_not(None),
                ReportBuild.id.not_in(refused),
            )
            .order_by(ReportBuild.id)
            .limit(batch_size)
        ).all()
        if not rows:
            session.rollback()
            return deleted, len(refused)
        gone: list[int] = []
        for build_id, file_name in rows:
            path = file_path(reports_dir, str(file_name))
            try:
                if path is not None:
                    path.unlink(missing_ok=True)
            except OSError as problem:
                # Left named by its row, so a later run tries again once the cause is fixed.
                log.warning("report build %s: file not deleted (%s)", build_id, problem.strerror)
                refused.append(build_id)
                continue
            gone.append(build_id)
        session.execute(
            update(ReportBuild)
            .where(ReportBuild.id.in_(gone))
            .values(file_name=None)
            .execution_options(synchronize_session=False)
        )
        session.commit()
        deleted += len(gone)


def _built_before(cutoff: datetime) -> ColumnElement[bool]:
    return and_(
        ReportBuild.status == ReportBuildStatus.READY.value, ReportBuild.finished_at <= cutoff
    )


def _superseded() -> ColumnElement[bool]:
    """A ready build with a newer ready build of the same report (newer data, same request)."""
    newer = aliased(ReportBuild)
    same_report = [
        getattr(newer, column).is_not_distinct_from(getattr(ReportBuild, column))
        for column in (
            "scope_kind",
            "scope_slug",
            "sub_area",
            "period_start",
            "period_end",
            "file_format",
            "language",
        )
    ]
    return and_(
        ReportBuild.status == ReportBuildStatus.READY.value,
        exists().where(
            newer.status == ReportBuildStatus.READY.value, newer.id > ReportBuild.id, *same_report
        ),
    )


def _count(session: Session, condition: ColumnElement[bool]) -> int:
    total = int(session.scalar(select(func.count(ReportBuild.id)).where(condition)) or 0)
    session.rollback()
    return total


def _expire_in_batches(session: Session, condition: ColumnElement[bool], batch_size: int) -> int:
    total = 0
    while True:
        begin_write(session)
        batch = list(
            session.scalars(
                select(ReportBuild.id).where(condition).order_by(ReportBuild.id).limit(batch_size)
            )
        )
        if not batch:
            session.rollback()
            return total
        total += _mark_expired(session, batch)
        session.commit()


def _expire_ids(session: Session, build_ids: list[int]) -> int:
    if not build_ids:
        return 0
    begin_write(session)
    expired = _mark_expired(session, build_ids)
    session.commit()
    return expired


def _mark_expired(session: Session, build_ids: list[int]) -> int:
    """Mark these builds expired; only rows still ready, so none is counted by two runs."""
    result: Any = session.execute(
        update(ReportBuild)
        .where(ReportBuild.id.in_(build_ids), ReportBuild.status == ReportBuildStatus.READY.value)
        .values(status=ReportBuildStatus.EXPIRED.value)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def _ready_without_file(
    session: Session, reports_dir: Path, among: ColumnElement[bool] | None = None
) -> list[int]:
    """Ready builds whose file is not where the download would look for it."""
    rows = session.execute(
        select(ReportBuild.id, ReportBuild.file_name).where(
            ReportBuild.status == ReportBuildStatus.READY.value,
            *([among] if among is not None else []),
        )
    ).all()
    session.rollback()
    missing: list[int] = []
    for build_id, file_name in rows:
        path = file_path(reports_dir, str(file_name or ""))
        if not file_name or path is None or not path.is_file():
            missing.append(build_id)
    return missing


def _delete_abandoned_temporaries(reports_dir: Path) -> int:
    if not reports_dir.is_dir():
        return 0
    # File times are the file system's clock, so the cutoff is too (not the database's).
    cutoff = time.time() - ABANDONED_TEMPORARY_AFTER.total_seconds()
    deleted = 0
    for path in reports_dir.iterdir():
        if not _TEMPORARY_NAME.match(path.name) or not path.is_file():
            continue
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                deleted += 1
        except OSError as problem:
            log.warning("temporary report file not deleted (%s)", problem.strerror)
    return deleted
