"""The staff home, the analyst's response downloads and the commissioner's invitation summary."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from flask import abort, render_template, request, send_file
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from app.access.permissions import Permission
from app.access.routes import require_scope, requires
from app.access.scoping import scope_of
from app.extensions import db
from app.models import Area
from app.models.clock import utc_now
from app.questionnaire import Questionnaire
from app.services import areas as area_service
from app.services import codesign_notifications
from app.services.accounts import describe_grant
from app.services.audit import Actor, AuditAction, record_event
from app.services.codesign_publishing import versions_built_on
from app.services.errors import AreaNotFound, NotASubArea
from app.services.invitation_summary import invitation_summary
from app.services.response_codebook import ExportCodeUnknown, StatsFormat, build_codebook
from app.services.response_dictionary import DictionaryFormat, write_dictionary_file
from app.services.response_export import area_ids_for_export, export_responses_to_file
from app.staff import bp
from app.survey.context import default_questionnaire


def actor() -> Actor:
    return Actor(current_user.user_id, current_user.email)


def areas_where(permission: Permission) -> list[Area]:
    """The areas over which the signed-in user holds ``permission`` (every area for admins)."""
    return [
        area
        for area in area_service.list_areas(db.session())
        if current_user.can(permission, scope_of(area))
    ]


@bp.get("/staff")
@requires(Permission.STAFF_HOME)
def home() -> str:
    return render_template(
        "staff/home.html",
        grants=[describe_grant(grant) for grant in current_user.user.assignments],
        export_areas=areas_where(Permission.EXPORT_RESPONSES),
        invitation_areas=areas_where(Permission.MANAGE_INVITATIONS),
        can_manage_users=current_user.can(Permission.MANAGE_USERS),
        can_read_audit=current_user.can(Permission.VIEW_AUDIT_LOG),
        can_translate=current_user.can(Permission.EDIT_TRANSLATIONS),
        can_codesign=current_user.can(Permission.CODESIGN)
        or current_user.can(Permission.REVIEW_LOCAL_QUESTIONS),
        unread_notifications=codesign_notifications.unread_count(
            db.session(), current_user.user_id
        ),
    )


def _area_or_404(slug: str | None, permission: Permission) -> Area:
    """The area named, checked against the user's scope from the area row itself."""
    if not slug:
        choices = areas_where(permission)
        if len(choices) != 1:
            abort(404)
        return choices[0]
    try:
        area = area_service.area_by_slug(db.session(), slug[:64])
    except AreaNotFound:
        abort(404)
    require_scope(permission, scope_of(area))
    return area


def _exported_area() -> tuple[Area, Area | None]:
    """The area of an export and, with ``?sub_area=``, the one of its own sub-areas it keeps.

    The area's file holds its sub-areas' responses, as its report counts them. The sub-area is
    looked up under the area (its ``parent_id``), so another area's place is refused (400),
    exactly like a report download with a sub-area that is not the area's.
    """
    area = _area_or_404(request.args.get("area"), Permission.EXPORT_RESPONSES)
    sub_area_slug = request.args.get("sub_area")
    if not sub_area_slug:
        return area, None
    try:
        return area, area_service.sub_area_of(db.session(), area, sub_area_slug)
    except NotASubArea:
        abort(400)


def _published_versions(area: Area, sub_area: Area | None) -> list[Questionnaire]:
    """The published versions of the areas an export holds (the area and its places)."""
    exported = area_ids_for_export(db.session(), area.slug, sub_area.slug if sub_area else None)
    return versions_built_on(db.session(), default_questionnaire().id, exported)


@bp.get("/exports/responses.csv")
@requires(Permission.EXPORT_RESPONSES)
def export_responses() -> WerkzeugResponse:
    """One area's sent responses as CSV, written to a private temporary file then streamed."""
    area, sub_area = _exported_area()
    area_slug = area.slug
    sub_area_slug = sub_area.slug if sub_area else None
    # The published versions (core + local questions) of the areas exported add their columns.
    also = _published_versions(area, sub_area)
    return _private_download(
        sub_area or area,
        "csv",
        lambda path: (
            export_responses_to_file(
                db.session(),
                default_questionnaire(),
                path,
                area_slug=area_slug,
                sub_area_slug=sub_area_slug,
                also=also,
            ).rows_written
        ),
    )


@bp.get("/exports/responses.<any(sav, dta):file_format>")
@requires(Permission.EXPORT_RESPONSES)
def export_responses_stats_file(file_format: StatsFormat) -> WerkzeugResponse | tuple[str, int]:
    """One area's sent responses as SPSS .sav or Stata .dta, with value labels."""
    # Here, not at the top: pandas and pyreadstat load only when an analyst asks for a file.
    from app.services.response_export_stats import export_responses_stats

    area, sub_area = _exported_area()
    area_slug = area.slug
    sub_area_slug = sub_area.slug if sub_area else None
    also = _published_versions(area, sub_area)
    try:
        return _private_download(
            sub_area or area,
            file_format,
            lambda path: (
                export_responses_stats(
                    db.session(),
                    default_questionnaire(),
                    path,
                    file_format,
                    area_slug=area_slug,
                    sub_area_slug=sub_area_slug,
                    also=also,
                ).rows_written
            ),
        )
    except ExportCodeUnknown as problem:
        page = render_template(
            "staff/export_problem.html",
            item_id=problem.item_id,
            code=problem.code,
            area_slug=area_slug,
        )
        return page, 409


@bp.get("/exports/data-dictionary.<any(csv, xlsx):file_format>")
@requires(Permission.EXPORT_RESPONSES)
def export_dictionary(file_format: DictionaryFormat) -> WerkzeugResponse:
    """The data dictionary of the response files: variables, codes, labels, who was asked."""
    area = _area_or_404(request.args.get("area"), Permission.EXPORT_RESPONSES)
    codebook = build_codebook(default_questionnaire())
    return _private_download(
        area,
        file_format,
        lambda path: write_dictionary_file(codebook, path, file_format),
        name="data-dictionary",
        action=AuditAction.EXPORT_DICTIONARY,
        counted="variables",
    )


_MIMETYPES = {
    "csv": "text/csv",
    "sav": "application/x-spss-sav",
    "dta": "application/x-stata-dta",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _private_download(
    area: Area,
    file_format: str,
    write: Callable[[Path], int],
    *,
    name: str = "responses",
    action: AuditAction = AuditAction.EXPORT_RESPONSES,
    counted: str = "rows",
) -> WerkzeugResponse:
    """Write a file with ``write`` into a private temporary folder, audit it, then stream it."""
    area_id, area_slug = area.id, area.slug
    # Outside the static folder and deleted before the download starts: never reachable by URL.
    folder = Path(tempfile.mkdtemp(prefix="cv-export-"))
    try:
        path = folder / f"{name}.{file_format}"
        count = write(path)
        record_event(
            db.session(),
            actor(),
            action,
            scope=scope_of(db.session.get(Area, area_id)),
            object_ref=f"area:{area_slug}",
            detail={counted: count, "format": file_format},
        )
        handle = path.open("rb")
    finally:
        # The open handle keeps the data readable on POSIX until the download finishes.
        shutil.rmtree(folder, ignore_errors=True)
    return send_file(
        handle,
        mimetype=_MIMETYPES[file_format],
        as_attachment=True,
        download_name=f"{name}-{area_slug}-{utc_now():%Y%m%d}.{file_format}",
        max_age=0,
    )


@bp.get("/areas/<slug>/invitations")
@requires(Permission.MANAGE_INVITATIONS)
def invitation_summary_page(slug: str) -> str:
    area = _area_or_404(slug, Permission.MANAGE_INVITATIONS)
    summary = invitation_summary(db.session(), area.id)
    record_event(
        db.session(),
        actor(),
        AuditAction.VIEW_INVITATION_SUMMARY,
        scope=scope_of(area),
        object_ref=f"area:{area.slug}",
    )
    return render_template("staff/invitation_summary.html", area=area, summary=summary)
