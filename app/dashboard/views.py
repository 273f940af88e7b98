"""Report pages and downloads: scope from the area or group row itself, every view audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Response, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from analysis.report.model import ReportModel, ReportPeriod, ReportScope
from app.access.permissions import Permission, Scope
from app.access.routes import require_scope, requires
from app.access.scoping import scope_of
from app.dashboard import bp
from app.dashboard.build_views import queue_if_large
from app.dashboard.documents import FORMATS, MEDIA_TYPES, download_name, render
from app.extensions import db
from app.services import areas as area_service
from app.services import reporting
from app.services.audit import Actor, AuditAction, record_event
from app.services.errors import AreaNotFound, CommunityGroupNotFound, NotASubArea
from app.survey.context import default_questionnaire

NATIONAL_SLUG = "national"
# Everyone's scope: only a platform-wide grant (an administrator) holds a permission over it.
PLATFORM = Scope()


def _actor() -> Actor:
    return Actor(current_user.user_id, current_user.email)


def _period() -> tuple[ReportPeriod, str | None]:
    """The period in the query string; on a mistake, the whole period and the reason."""
    try:
        return reporting.parse_period(request.args.get("from"), request.args.get("to")), None
    except reporting.InvalidReportPeriod as problem:
        return ReportPeriod(), str(problem)


@dataclass
class SubAreaChoice:
    """The sub-area filter of an area's report: the choices, the one chosen, any mistake."""

    options: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)
    chosen: str = ""
    problem: str | None = None


def _area_scope(area_slug: str) -> tuple[ReportScope, Scope, SubAreaChoice]:
    """The report scope of /reports/<area_slug>, checked against the user's own grants.

    ``?sub_area=`` narrows an area's report to one of its own sub-areas; the sub-area is
    looked up under this area, so another area's slug is refused like an unknown one.
    """
    if area_slug == NATIONAL_SLUG:
        require_scope(Permission.VIEW_REPORTS, PLATFORM)
        return ReportScope("national", NATIONAL_SLUG, _("All areas")), PLATFORM, SubAreaChoice()
    session = db.session()
    try:
        area = area_service.area_by_slug(session, area_slug[:64])
    except AreaNotFound:
        abort(404)
    access = scope_of(area)
    require_scope(Permission.VIEW_REPORTS, access)
    choice = SubAreaChoice(
        options=[(sub.slug, sub.name) for sub in area_service.sub_areas(session, area)]
    )
    wanted = (request.args.get("sub_area") or "").strip()
    if wanted:
        try:
            sub_area = area_service.sub_area_of(session, area, wanted)
        except NotASubArea:
            choice.problem = _("There is no such sub-area in this area; the whole area is shown.")
        else:
            require_scope(Permission.VIEW_REPORTS, scope_of(sub_area))
            choice.chosen = sub_area.slug
            name = _("%(area)s: %(sub_area)s", area=area.name, sub_area=sub_area.name)
            return ReportScope("area", area.slug, name, sub_area=sub_area.slug), access, choice
    return ReportScope("area", area.slug, area.name), access, choice


def _group_scope(group_slug: str) -> tuple[ReportScope, Scope]:
    try:
        group = area_service.group_by_slug(db.session(), group_slug[:64])
    except CommunityGroupNotFound:
        abort(404)
    access = scope_of(group)
    require_scope(Permission.VIEW_GROUP_RESULTS, access)
    return ReportScope("group", group.slug, group.name), access


def _model(scope: ReportScope, period: ReportPeriod) -> ReportModel:
    return reporting.build_or_cached_report(
        db.session(),
        default_questionnaire(),
        scope,
        period,
        questionnaires_dir=str(current_app.config["QUESTIONNAIRES_DIR"]),
        published_path=str(current_app.config["VOICES_REFERENCE_CSV"]),
    )


def _audit(
    action: AuditAction, scope: ReportScope, access: Scope, period: ReportPeriod, **detail: str
) -> None:
    record_event(
        db.session(),
        _actor(),
        action,
        scope=access,
        object_ref=f"report:{scope.kind}:{scope.slug}",
        detail={
            "from": period.start.isoformat() if period.start else "",
            "to": period.end.isoformat() if period.end else "",
            **({"sub_area": scope.sub_area} if scope.sub_area else {}),
            **detail,
        },
    )


def _page(
    scope: ReportScope,
    access: Scope,
    endpoint: str,
    slug_arg: str,
    sub_areas: SubAreaChoice | None = None,
) -> str:
    period, problem = _period()
    sub_areas = sub_areas or SubAreaChoice()
    model = _model(scope, period)
    _audit(AuditAction.VIEW_REPORT, scope, access, period)
    query: dict[str, Any] = {
        key: value
        for key, value in (("from", request.args.get("from")), ("to", request.args.get("to")))
        if value and not problem
    }
    if sub_areas.chosen:
        query["sub_area"] = sub_areas.chosen
    names = {
        "pdf": _("PDF report"),
        "xlsx": _("Spreadsheet (XLSX)"),
        "csv": _("Tidy data (CSV)"),
        "html": _("Web page (HTML)"),
    }
    links = [
        (
            file_format,
            {
                "href": url_for(
                    endpoint, **{"file_format": file_format, slug_arg: scope.slug, **query}
                ),
                "text": names[file_format],
            },
        )
        for file_format in FORMATS
    ]
    from app.dashboard.documents import report_context

    data = reporting.responses_data(
        db.session(), default_questionnaire(), str(current_app.config["QUESTIONNAIRES_DIR"])
    )
    return render_template(
        "dashboard/report.html",
        download_links=links,
        period_error=problem,
        sub_areas=sub_areas,
        period_from=request.args.get("from", "") if not problem else "",
        period_to=request.args.get("to", "") if not problem else "",
        themes_available=data.themes_available,
        **report_context(model),
    )


def _download(
    scope: ReportScope, access: Scope, file_format: str, sub_areas: SubAreaChoice | None = None
) -> WerkzeugResponse:
    if file_format not in FORMATS:
        abort(404)
    period, problem = _period()
    if problem or (sub_areas is not None and sub_areas.problem):
        abort(400)
    queued = queue_if_large(scope, access, period, file_format)
    if queued is not None:
        return queued
    model = _model(scope, period)
    body = render(model, file_format)
    _audit(AuditAction.DOWNLOAD_REPORT, scope, access, period, format=file_format)
    return Response(
        body,
        mimetype=MEDIA_TYPES[file_format],
        headers={
            "Content-Disposition": f'attachment; filename="{download_name(model, file_format)}"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/reports")
@requires(Permission.STAFF_HOME)
def index() -> str:
    session = db.session()
    areas = [
        area
        for area in area_service.list_areas(session)
        if current_user.can(Permission.VIEW_REPORTS, scope_of(area))
    ]
    groups = [
        group
        for group in area_service.list_groups(session)
        if current_user.can(Permission.VIEW_GROUP_RESULTS, scope_of(group))
    ]
    return render_template(
        "dashboard/index.html",
        national=current_user.can(Permission.VIEW_REPORTS, PLATFORM),
        areas=areas,
        groups=groups,
    )


@bp.get("/reports/<area_slug>")
@requires(Permission.VIEW_REPORTS)
def area_report(area_slug: str) -> str:
    scope, access, sub_areas = _area_scope(area_slug)
    return _page(scope, access, "dashboard.area_download", "area_slug", sub_areas)


@bp.get("/reports/<area_slug>/report.<file_format>")
@requires(Permission.VIEW_REPORTS)
def area_download(area_slug: str, file_format: str) -> WerkzeugResponse:
    scope, access, sub_areas = _area_scope(area_slug)
    return _download(scope, access, file_format, sub_areas)


@bp.get("/reports/groups/<group_slug>")
@requires(Permission.VIEW_GROUP_RESULTS)
def group_report(group_slug: str) -> str:
    scope, access = _group_scope(group_slug)
    return _page(scope, access, "dashboard.group_download", "group_slug")


@bp.get("/reports/groups/<group_slug>/report.<file_format>")
@requires(Permission.VIEW_GROUP_RESULTS)
def group_download(group_slug: str, file_format: str) -> WerkzeugResponse:
    scope, access = _group_scope(group_slug)
    return _download(scope, access, file_format)
