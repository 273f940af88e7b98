"""`flask reports build`: one area's report, or every area's, as PDF, XLSX, CSV or HTML files."""

from __future__ import annotations

import getpass
import logging
import multiprocessing
import os
import tempfile
import time
from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from analysis.report.model import ReportModel, ReportPeriod, ReportScope
from app.access.permissions import Scope
from app.cli.progress import Progress
from app.dashboard.documents import FORMATS, render
from app.dashboard.printed import warm_up_renderer
from app.extensions import db
from app.models import Area
from app.services import areas as area_service
from app.services import report_builds, report_files, reporting
from app.services.audit import Actor, AuditAction, record_event
from app.services.errors import AreaNotFound, NotASubArea
from app.survey.context import default_questionnaire

reports_cli = AppGroup("reports", help="Build commissioners' reports outside the web server.")
NATIONAL = "national"
log = logging.getLogger(__name__)


def _write_atomically(destination: Path, body: bytes) -> None:
    """Write beside the destination and rename, so nobody opens half a report."""
    destination = destination.resolve()
    handle, name = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(body)
        os.replace(name, destination)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _scope(slug: str, sub_area_slug: str | None = None) -> tuple[ReportScope, Scope]:
    if slug == NATIONAL:
        if sub_area_slug:
            raise click.UsageError("--sub-area narrows an area's report, not the national one.")
        return ReportScope("national", NATIONAL, "All areas"), Scope()
    session = db.session()
    area = area_service.area_by_slug(session, slug)
    access = Scope(area_id=area.id, parent_area_id=area.parent_id)
    if not sub_area_slug:
        return ReportScope("area", area.slug, area.name), access
    try:
        sub_area = area_service.sub_area_of(session, area, sub_area_slug)
    except NotASubArea as problem:
        raise click.ClickException(
            f"There is no sub-area {sub_area_slug!r} in the area {slug!r}"
        ) from problem
    name = f"{area.name}: {sub_area.name}"
    return ReportScope("area", area.slug, name, sub_area=sub_area.slug), access


def _build(scope: ReportScope, period: ReportPeriod) -> ReportModel:
    return reporting.build_or_cached_report(
        db.session(),
        default_questionnaire(),
        scope,
        period,
        questionnaires_dir=str(current_app.config["QUESTIONNAIRES_DIR"]),
        published_path=str(current_app.config["VOICES_REFERENCE_CSV"]),
    )


def _audit(scope: ReportScope, access: Scope, file_format: str, target: Path) -> None:
    # The actor is the operating-system account that ran the command, as for exports.
    record_event(
        db.session(),
        Actor(None, f"cli:{getpass.getuser()}"),
        AuditAction.BUILD_REPORT,
        scope=access,
        object_ref=f"report:{scope.kind}:{scope.slug}",
        detail={
            "format": file_format,
            "file": target.name,
            **({"sub_area": scope.sub_area} if scope.sub_area else {}),
        },
    )


@reports_cli.command("build")
@click.option("--area", "area_slug", help=f"The area's slug, or '{NATIONAL}' for all areas.")
@click.option("--all-areas", is_flag=True, help="Build every area's report into --out-dir.")
@click.option(
    "--format", "file_format", type=click.Choice(FORMATS), default="pdf", show_default=True
)
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out-dir", "out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--from", "start", help="First submission date to include (YYYY-MM-DD).")
@click.option("--to", "end", help="Last submission date to include (YYYY-MM-DD).")
@click.option(
    "--sub-area",
    "sub_area_slug",
    default=None,
    help="With --area: only the responses and invitations of this sub-area of the area.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 32),
    default=min(2, os.cpu_count() or 1),
    show_default=True,
    help="Reports built at once with --all-areas (processes forked after the data is read).",
)
def build(
    area_slug: str | None,
    all_areas: bool,
    file_format: str,
    out_path: Path | None,
    out_dir: Path | None,
    start: str | None,
    end: str | None,
    jobs: int,
    sub_area_slug: str | None = None,
) -> None:
    """Build a report file; every file written is recorded in the audit log."""
    if all_areas == bool(area_slug):
        raise click.UsageError(
            "Give either --area SLUG (with --out) or --all-areas (with --out-dir)."
        )
    if area_slug and out_path is None:
        raise click.UsageError("--area needs --out FILE.")
    if all_areas and out_dir is None:
        raise click.UsageError("--all-areas needs --out-dir DIR.")
    if sub_area_slug and not area_slug:
        raise click.UsageError("--sub-area goes with --area SLUG.")
    try:
        period = reporting.parse_period(start, end)
    except reporting.InvalidReportPeriod as problem:
        raise click.UsageError(str(problem)) from problem
    with current_app.test_request_context("/"):
        if area_slug:
            assert out_path is not None
            _build_one(area_slug, period, file_format, out_path, sub_area_slug)
        else:
            assert out_dir is not None
            _build_all(period, file_format, out_dir, jobs)


def _build_one(
    slug: str,
    period: ReportPeriod,
    file_format: str,
    out_path: Path,
    sub_area_slug: str | None = None,
) -> None:
    try:
        scope, access = _scope(slug, sub_area_slug)
    except AreaNotFound as problem:
        raise click.ClickException(f"There is no area with the slug {slug!r}") from problem
    progress = Progress("Building report")
    with progress:
        body = render(_build(scope, period), file_format)
        try:
            _write_atomically(out_path, body)
        except OSError as problem:
            raise click.ClickException(f"Cannot write {out_path}: {problem.strerror}") from problem
        progress.advance()
    _audit(scope, access, file_format, out_path)
    progress.finish(f"Wrote the {file_format.upper()} report for {scope.name} to {out_path}")


# The application a forked worker builds with (set just before the workers are forked).
_worker_app: Flask | None = None


def _forget_inherited_connections() -> None:
    # A forked worker must never use the parent's database connections: open its own.
    assert _worker_app is not None
    with _worker_app.app_context():
        db.engine.dispose(close=False)


def _build_and_write(job: tuple[str, str, ReportPeriod, str, str]) -> str:
    """Build and write one area's report in a worker; returns the file written."""
    slug, name, period, file_format, target = job
    assert _worker_app is not None
    with _worker_app.app_context(), _worker_app.test_request_context("/"):
        body = render(_build(ReportScope("area", slug, name), period), file_format)
        _write_atomically(Path(target), body)
        db.session.remove()
    return target


def _build_all(period: ReportPeriod, file_format: str, out_dir: Path, jobs: int) -> None:
    global _worker_app
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as problem:
        raise click.ClickException(f"Cannot create {out_dir}: {problem.strerror}") from problem
    areas: list[Area] = area_service.list_areas(db.session())
    # Read the responses and analyse the comments once, before any worker is forked, so every
    # worker shares them (copy-on-write) instead of reading them again.
    reporting.responses_data(
        db.session(), default_questionnaire(), str(current_app.config["QUESTIONNAIRES_DIR"])
    )
    if file_format == "pdf":
        # Likewise the PDF renderer and its fonts: loaded once here, inherited by each worker.
        warm_up_renderer()
    jobs_to_run = [
        (
            area.slug,
            area.name,
            period,
            file_format,
            str(out_dir / f"report-{area.slug}.{file_format}"),
        )
        for area in areas
    ]
    scopes = {
        area.slug: (ReportScope("area", area.slug, area.name), Scope(area_id=area.id))
        for area in areas
    }
    progress = Progress("Building area reports", total=len(areas))
    written = 0
    with progress:
        if jobs > 1 and len(jobs_to_run) > 1 and "fork" in multiprocessing.get_all_start_methods():
            _worker_app = current_app._get_current_object()  # type: ignore[attr-defined]
            db.session.remove()
            context = multiprocessing.get_context("fork")
            with context.Pool(jobs, initializer=_forget_inherited_connections) as pool:
                results = pool.imap(_build_and_write, jobs_to_run)
                for job, target in zip(jobs_to_run, results, strict=True):
                    written += _finished(scopes[job[0]], file_format, Path(target), progress)
        else:
            for slug, name, _period, _format, target in jobs_to_run:
                body = render(_build(ReportScope("area", slug, name), period), file_format)
                try:
                    _write_atomically(Path(target), body)
                except OSError as problem:
                    raise click.ClickException(
                        f"Cannot write {target}: {problem.strerror}"
                    ) from problem
                written += _finished(scopes[slug], file_format, Path(target), progress)
    progress.finish(f"Wrote {written} area reports to {out_dir}")


def _finished(
    scopes: tuple[ReportScope, Scope], file_format: str, target: Path, progress: Progress
) -> int:
    scope, access = scopes
    _audit(scope, access, file_format, target)
    progress.advance()
    click.echo(f"{datetime.now():%H:%M:%S} {scope.slug}: {target}", err=True)
    return 1


@reports_cli.command("worker")
@click.option("--once", is_flag=True, help="Build every queued report, then stop.")
@click.option(
    "--poll",
    type=click.FloatRange(0.1, 600),
    default=5.0,
    show_default=True,
    help="Seconds to wait when nothing is queued.",
)
def worker(once: bool, poll: float) -> None:
    """Build the reports queued by web downloads into REPORTS_DIR (any number may run)."""
    from app.dashboard.queued_reports import build_file

    directory = Path(current_app.config["REPORTS_DIR"])
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as problem:
        raise click.ClickException(f"Cannot create {directory}: {problem.strerror}") from problem
    lease = int(current_app.config["REPORT_BUILD_LEASE_SECONDS"])
    built = 0
    while True:
        session = db.session()
        build = report_builds.claim_next(session, lease_seconds=lease)
        if build is None:
            if once:
                break
            time.sleep(poll)
            continue
        build_id = build.id
        try:
            with current_app.test_request_context("/"), force_locale(build.language):
                body, name = build_file(build)
            file_name = f"{build_id}-{name}"
            _write_atomically(directory / file_name, body)
        except Exception as problem:  # noqa: BLE001  (any failure re-queues the job, logged)
            db.session.rollback()
            log.exception("report build %s failed", build_id)
            failed = report_builds.fail(db.session(), build_id, type(problem).__name__)
            click.echo(f"Report build {build_id} failed ({failed.status})", err=True)
            continue
        report_builds.finish(db.session(), build_id, file_name)
        record_event(
            db.session(),
            Actor(None, f"worker:{getpass.getuser()}"),
            AuditAction.BUILD_REPORT,
            scope=Scope(area_id=build.area_id, group_id=build.community_group_id),
            object_ref=f"report_build:{build_id}",
            detail={"format": build.file_format, "file": file_name},
        )
        # A newer file of the same report makes the older ones misleading: delete them now.
        report_files.expire_superseded(db.session(), directory)
        built += 1
        click.echo(f"Built report {build_id}: {file_name}")
    click.echo(f"Built {built} queued reports")
