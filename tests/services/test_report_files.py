"""Queued reports' files are deleted when old or replaced, their rows marked expired, once."""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.report.model import ReportPeriod, ReportScope
from app.models import AuditEvent, ReportBuild
from app.models.clock import utc_now
from app.services import report_builds
from app.services.report_files import ReportFilesPurge, purge_report_files

NORTH = "north-riverside"


def ready_build(
    session: Session,
    folder: Path,
    *,
    version: str = "v1",
    file_format: str = "csv",
    language: str = "en",
    sub_area: str | None = None,
    age: timedelta = timedelta(hours=1),
) -> ReportBuild:
    """A build claimed and finished by a worker ``age`` ago, with its file in ``folder``."""
    build = report_builds.request_build(
        session,
        scope=ReportScope("area", NORTH, "North", sub_area=sub_area),
        period=ReportPeriod(),
        file_format=file_format,
        language=language,
        data_version=version,
        requested_by_user_id=None,
    )
    claimed = report_builds.claim_next(session, lease_seconds=60)
    assert claimed is not None and claimed.id == build.id
    name = f"{build.id}-report-north.{file_format}"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text("table,row,key,column,value\r\n")
    report_builds.finish(session, build.id, name)
    build.finished_at = utc_now() - age
    session.commit()
    return build


def state(session: Session, build_id: int) -> tuple[str, str | None]:
    session.expire_all()
    build = session.get(ReportBuild, build_id)
    assert build is not None
    return build.status, build.file_name


def test_a_file_older_than_the_kept_days_is_deleted_and_its_build_expired_once(
    session: Session, tmp_path: Path
) -> None:
    folder = tmp_path / "reports"
    old = ready_build(session, folder, age=timedelta(days=8))
    old_file = folder / str(old.file_name)
    recent = ready_build(session, folder, version="v1", file_format="xlsx", age=timedelta(days=6))

    done = purge_report_files(session, folder, keep_days=7, batch_size=1)

    assert done.report_builds_expired_by_age == 1 and done.report_files_deleted == 1
    assert state(session, old.id) == ("expired", None)
    assert not old_file.exists()
    assert state(session, recent.id)[0] == "ready"
    assert (folder / str(recent.file_name)).is_file()
    again = purge_report_files(session, folder, keep_days=7)
    assert set(again.as_detail().values()) == {0}
    # The audit log holds counts, never an area, a file name or a person.
    details = [
        json.loads(event.detail)
        for event in session.scalars(
            select(AuditEvent).where(AuditEvent.action == "retention.purge").order_by(AuditEvent.id)
        )
    ]
    assert details[0]["report_builds_expired_by_age"] == 1
    assert all(isinstance(value, int) for detail in details for value in detail.values())


def test_a_newer_build_of_the_same_report_replaces_the_older_file_and_no_other(
    session: Session, tmp_path: Path
) -> None:
    folder = tmp_path / "reports"
    older = ready_build(session, folder, version="v1")
    newer = ready_build(session, folder, version="v2")
    # The same data in another format, language or sub-area is another report.
    others = [
        ready_build(session, folder, version="v1", file_format="pdf"),
        ready_build(session, folder, version="v1", language="cy"),
        ready_build(session, folder, version="v1", sub_area="riverside-west"),
    ]

    done = purge_report_files(session, folder, keep_days=7)

    assert done.report_builds_superseded == 1 and done.report_files_deleted == 1
    assert state(session, older.id) == ("expired", None)
    assert [state(session, build.id)[0] for build in [newer, *others]] == ["ready"] * 4


def test_a_dry_run_counts_and_deletes_nothing(session: Session, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    old = ready_build(session, folder, age=timedelta(days=30))
    ready_build(session, folder, version="v2", age=timedelta(days=20))
    # Too old and gone too: counted once, as too old, as a real run would count it.
    gone = ready_build(session, folder, version="v1", file_format="pdf", age=timedelta(days=9))
    (folder / str(gone.file_name)).unlink()

    counted = purge_report_files(session, folder, keep_days=7, dry_run=True)

    # All three are too old; the oldest is replaced too, but is counted once.
    assert counted.as_detail() == {
        **ReportFilesPurge().as_detail(),
        "report_builds_expired_by_age": 3,
    }
    assert state(session, old.id)[0] == "ready"
    assert len(list(folder.iterdir())) == 2
    assert session.scalar(select(AuditEvent.id)) is None


def test_a_ready_build_whose_file_went_missing_is_expired_rather_than_served(
    session: Session, tmp_path: Path
) -> None:
    folder = tmp_path / "reports"
    build = ready_build(session, folder)
    (folder / str(build.file_name)).unlink()

    done = purge_report_files(session, folder, keep_days=7)

    assert done.report_builds_missing_file == 1
    assert state(session, build.id) == ("expired", None)


def test_a_file_that_cannot_be_deleted_stays_named_and_is_tried_again(
    session: Session, tmp_path: Path
) -> None:
    folder = tmp_path / "reports"
    build = ready_build(session, folder, age=timedelta(days=8))
    stuck = folder / str(build.file_name)
    stuck.unlink()
    stuck.mkdir()  # unlink() refuses a directory, as it would a file on a read-only disk

    first = purge_report_files(session, folder, keep_days=7)

    assert (first.report_builds_expired_by_age, first.report_files_not_deleted) == (1, 1)
    assert state(session, build.id) == ("expired", build.file_name)
    stuck.rmdir()
    second = purge_report_files(session, folder, keep_days=7)
    assert (second.report_files_deleted, second.report_files_not_deleted) == (1, 0)
    assert state(session, build.id) == ("expired", None)


def test_a_temporary_file_left_by_a_dead_worker_goes_after_a_day(
    session: Session, tmp_path: Path
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    abandoned = folder / ".7-report-north.pdf.abc123"
    fresh = folder / ".8-report-north.pdf.def456"
    unrelated = folder / ".keep"
    for path in (abandoned, fresh, unrelated):
        path.write_bytes(b"%PDF")
    two_days_ago = time.time() - 2 * 86400
    os.utime(abandoned, (two_days_ago, two_days_ago))
    os.utime(unrelated, (two_days_ago, two_days_ago))

    done = purge_report_files(session, folder, keep_days=7)

    assert done.report_temporary_files_deleted == 1
    assert not abandoned.exists() and fresh.exists() and unrelated.exists()


def test_an_expired_report_asked_for_again_on_the_same_data_is_a_new_job(
    session: Session, tmp_path: Path
) -> None:
    folder = tmp_path / "reports"
    old = ready_build(session, folder, age=timedelta(days=8))
    purge_report_files(session, folder, keep_days=7)
    again = report_builds.request_build(
        session,
        scope=ReportScope("area", NORTH, "North"),
        period=ReportPeriod(),
        file_format="csv",
        language="en",
        data_version="v1",
        requested_by_user_id=None,
    )
    assert again.id != old.id and again.status == "queued"
