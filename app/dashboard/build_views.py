"""Large report downloads: queued, a kind "being prepared" page, and the file when ready."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from analysis.report.model import ReportPeriod, ReportScope
from app.access.permissions import Permission, Scope
from app.access.routes import require_scope, requires
from app.access.scoping import scope_of
from app.dashboard import bp
from app.extensions import db
from app.models import Area, CommunityGroup, ReportBuild, ReportBuildStatus
from app.services import report_builds, report_files, reporting
from app.services.audit import Actor, AuditAction, record_event

# Seconds between automatic checks of the "being prepared" page (it can be switched off).
REFRESH_SECONDS = 15


def queue_if_large(
    scope: ReportScope, access: Scope, period: ReportPeriod, file_format: str
) -> WerkzeugResponse | None:
    """A redirect to the build's page when the scope is too large to build in a request."""
    session = db.session()
    threshold = int(current_app.config["REPORT_QUEUE_MIN_RESPONSES"])
    if report_builds.responses_in_scope(session, scope) < threshold:
        return None
    area_id = group_id = None
    if scope.kind == "area":
        area_id = access.area_id
    elif scope.kind == "group":
        area_id, group_id = access.area_id, access.group_id
    locale = get_locale()
    build = report_builds.request_build(
        session,
        scope=scope,
        period=period,
        file_format=file_format,
        language=str(locale) if locale else "en",
        data_version=report_builds.version_stamp(reporting.data_version(session)),
        requested_by_user_id=current_user.user_id,
        area_id=area_id,
        community_group_id=group_id,
    )
    record_event(
        session,
        Actor(current_user.user_id, current_user.email),
        AuditAction.QUEUE_REPORT,
        scope=access,
        object_ref=f"report_build:{build.id}",
        detail={"format": file_format, "report": f"{scope.kind}:{scope.slug}"},
    )
    return redirect(url_for("dashboard.report_build", build_id=build.id))


def _checked_build(build_id: int) -> tuple[ReportBuild, Scope]:
    """The build, if the signed-in user may open its report (404 otherwise, as for reports)."""
    session = db.session()
    try:
        build = report_builds.build_by_id(session, build_id)
    except report_builds.ReportBuildNotFound:
        abort(404)
    if build.scope_kind == "group":
        group = session.get(CommunityGroup, build.community_group_id)
        access = scope_of(group) if group is not None else None
        require_scope(Permission.VIEW_GROUP_RESULTS, access)
    elif build.scope_kind == "area":
        area = session.get(Area, build.area_id)
        access = scope_of(area) if area is not None else None
        require_scope(Permission.VIEW_REPORTS, access)
    else:
        access = Scope()
        require_scope(Permission.VIEW_REPORTS, access)
    assert access is not None
    return build, access


def _build_again_url(build: ReportBuild) -> str:
    """The download that asked for this file: asked again, it builds from the latest data."""
    filters: dict[str, Any] = {
        "from": build.period_start.isoformat() if build.period_start else None,
        "to": build.period_end.isoformat() if build.period_end else None,
    }
    if build.scope_kind == "group":
        return url_for(
            "dashboard.group_download",
            group_slug=build.scope_slug,
            file_format=build.file_format,
            **filters,
        )
    return url_for(
        "dashboard.area_download",
        area_slug=build.scope_slug,
        file_format=build.file_format,
        sub_area=build.sub_area,
        **filters,
    )


def _build_page(build: ReportBuild, status: int = 200) -> WerkzeugResponse:
    """The build's page in whatever state it is: being prepared, ready, failed or no longer kept.

    A file deleted by the retention purge (or found missing) gets the same page, offering the
    download again, which builds from the latest data.
    """
    expired = build.status == ReportBuildStatus.EXPIRED
    waiting = build.status in (ReportBuildStatus.QUEUED, ReportBuildStatus.BUILDING)
    refresh = waiting and request.args.get("refresh") != "off"
    page = render_template(
        "dashboard/report_build.html",
        build=build,
        waiting=waiting,
        refreshing=refresh,
        expired=expired,
        keep_days=int(current_app.config["REPORT_FILES_KEEP_DAYS"]),
        build_again_url=_build_again_url(build) if expired else None,
    )
    response = current_app.make_response((page, status))
    response.headers["Cache-Control"] = "no-store"
    if refresh:
        # WCAG 2.2.1: the page says it checks again and offers a link that stops it.
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


def _file_of(build: ReportBuild) -> Path | None:
    if not build.file_name:
        return None
    return report_files.file_path(Path(current_app.config["REPORTS_DIR"]), build.file_name)


@bp.get("/reports/builds/<int:build_id>")
@requires(Permission.STAFF_HOME)
def report_build(build_id: int) -> WerkzeugResponse:
    build, _access = _checked_build(build_id)
    if build.status == ReportBuildStatus.READY:
        path = _file_of(build)
        if path is None or not path.is_file():
            report_files.forget_missing_file(db.session(), build)
    return _build_page(build)


@bp.get("/reports/builds/<int:build_id>/file")
@requires(Permission.STAFF_HOME)
def report_build_file(build_id: int) -> WerkzeugResponse:
    build, access = _checked_build(build_id)
    if build.status == ReportBuildStatus.EXPIRED:
        # 410: the file existed and was deleted on purpose; the page offers a fresh one.
        return _build_page(build, 410)
    if build.status != ReportBuildStatus.READY or not build.file_name:
        abort(404)
    path = _file_of(build)
    try:
        # Opened before anything is sent: the purge may delete the file at any moment, and
        # an open file stays readable until the download ends.
        handle = path.open("rb") if path is not None else None
    except OSError:
        handle = None
    if handle is None:
        report_files.forget_missing_file(db.session(), build)
        return _build_page(build, 410)
    record_event(
        db.session(),
        Actor(current_user.user_id, current_user.email),
        AuditAction.DOWNLOAD_REPORT,
        scope=access,
        object_ref=f"report:{build.scope_kind}:{build.scope_slug}",
        detail={
            "format": build.file_format,
            "build": str(build.id),
            "from": build.period_start.isoformat() if build.period_start else "",
            "to": build.period_end.isoformat() if build.period_end else "",
            **({"sub_area": build.sub_area} if build.sub_area else {}),
        },
    )
    response = send_file(
        handle,
        as_attachment=True,
        download_name=build.file_name.split("-", 1)[1],
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
