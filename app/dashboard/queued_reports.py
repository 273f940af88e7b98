"""Report files built by `flask reports worker`: the job's report, rebuilt from the job's row."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from analysis.report.model import ReportPeriod, ReportScope
from app.dashboard.documents import download_name, render
from app.extensions import db
from app.models import Area, CommunityGroup, ReportBuild
from app.services import reporting
from app.survey.context import default_questionnaire


def scope_of_build(build: ReportBuild) -> ReportScope:
    """The report scope the job was asked for, named from the area or group rows."""
    session = db.session()
    if build.scope_kind == "national":
        return ReportScope("national", build.scope_slug, _("All areas"))
    if build.scope_kind == "group":
        group = session.get(CommunityGroup, build.community_group_id)
        return ReportScope("group", build.scope_slug, group.name if group else build.scope_slug)
    area = session.get(Area, build.area_id)
    name = area.name if area else build.scope_slug
    if build.sub_area:
        sub_area = session.scalar(select(Area).where(Area.slug == build.sub_area))
        name = _(
            "%(area)s: %(sub_area)s",
            area=name,
            sub_area=sub_area.name if sub_area else build.sub_area,
        )
    return ReportScope("area", build.scope_slug, name, sub_area=build.sub_area)


def build_file(build: ReportBuild) -> tuple[bytes, str]:
    """The job's file and its download name (call inside a request context in its language)."""
    model = reporting.build_or_cached_report(
        db.session(),
        default_questionnaire(),
        scope_of_build(build),
        ReportPeriod(build.period_start, build.period_end),
        questionnaires_dir=str(current_app.config["QUESTIONNAIRES_DIR"]),
        published_path=str(current_app.config["VOICES_REFERENCE_CSV"]),
    )
    return render(model, build.file_format), download_name(model, build.file_format)
