"""Publishing, preview (web and simulated SMS) and a group's invitation page with a QR code."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import segno
from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select
from werkzeug.wrappers import Response as WerkzeugResponse

from app.access.permissions import Permission
from app.access.routes import require_scope, requires
from app.access.scoping import scope_of
from app.codesign import bp
from app.codesign.translation import translator_for
from app.codesign.views import question_or_404
from app.extensions import db
from app.models import Area, CommunityGroup, PublishedQuestionnaire, Response
from app.models.response import ResponseStatus
from app.questionnaire import Questionnaire, sms_segments
from app.questionnaire.localisation import LOCAL_SECTION_ID
from app.services import areas as area_service
from app.services import codesign_publishing as publishing
from app.services.errors import AreaNotFound, CommunityGroupNotFound
from app.sms.texts import question_prompt
from app.survey.context import default_questionnaire, questionnaire_library
from app.survey.rendering import PageView, build_page_view

PageResult = str | WerkzeugResponse | tuple[str, int]


@dataclass(frozen=True)
class SmsTurn:
    """One text the engine would send, with what it costs."""

    item_id: str
    text: str
    segments: int


def _area_or_404(slug: str) -> Area:
    try:
        area = area_service.area_by_slug(db.session(), slug[:64])
    except AreaNotFound:
        abort(404)
    require_scope(Permission.REVIEW_LOCAL_QUESTIONS, scope_of(area))
    return area


def _core_data() -> dict[str, object]:
    return publishing.core_data(questionnaire_library(), default_questionnaire())


@bp.get("/areas/<slug>")
@requires(Permission.REVIEW_LOCAL_QUESTIONS)
def area_page(slug: str) -> str:
    area = _area_or_404(slug)
    return render_template(
        "codesign/area.html",
        area=area,
        approved=publishing.approved_questions(db.session(), area.id),
        versions=publishing.published_versions(db.session(), area.id),
        problems=None,
    )


@bp.post("/areas/<slug>/publish")
@requires(Permission.REVIEW_LOCAL_QUESTIONS)
def publish(slug: str) -> PageResult:
    area = _area_or_404(slug)
    try:
        publishing.publish_area_module(db.session(), current_user.user, area, _core_data())
    except publishing.NothingToPublish:
        problems = [_("There are no approved local questions to publish.")]
    except publishing.ModuleRefused as refused:
        problems = [problem.message for problem in refused.problems]
    else:
        return redirect(url_for("codesign.area_page", slug=area.slug))
    page = render_template(
        "codesign/area.html",
        area=area,
        approved=publishing.approved_questions(db.session(), area.id),
        versions=publishing.published_versions(db.session(), area.id),
        problems=problems,
    )
    return page, 400


def _preview_pages(questionnaire: Questionnaire, whole: bool) -> list[PageView]:
    """Every page (or the local section's), ignoring routing, rendered for an empty response."""
    pages = [p for p in questionnaire.pages if whole or p.section_id == LOCAL_SECTION_ID]
    return [
        build_page_view(questionnaire, pages, position, {}, {}, {}, None)
        for position in range(len(pages))
    ]


def _sms_thread(questionnaire: Questionnaire, language: str, whole: bool) -> list[SmsTurn]:
    turns = []
    for item_id in questionnaire.sms_form:
        item = questionnaire.item(item_id)
        if whole or item.section_id == LOCAL_SECTION_ID:
            text = question_prompt(questionnaire, item, language, {}, None)
            turns.append(SmsTurn(item_id, text, sms_segments(text)))
    return turns


def _render_preview(
    questionnaire: Questionnaire | None, problems: list[str], title: str, back: str
) -> str:
    language = request.args.get("lang", "en")[:16]
    whole = request.args.get("all") == "1"
    return render_template(
        "codesign/preview.html",
        title=title,
        back=back,
        problems=problems,
        pages=_preview_pages(questionnaire, whole) if questionnaire else [],
        thread=_sms_thread(questionnaire, language, whole) if questionnaire else [],
        languages=questionnaire.languages if questionnaire else (),
        language=language,
        whole=whole,
        whole_url=request.path + "?" + urlencode({"lang": language, "all": "0" if whole else "1"}),
    )


@bp.get("/questions/<int:question_id>/preview")
@requires(Permission.STAFF_HOME)
def preview_question(question_id: int) -> str:
    found = question_or_404(question_id)
    language = request.args.get("lang", "en")[:16]
    module = publishing.draft_module(db.session(), found.area, [found])
    composed, problems = publishing.compose_for_preview(
        _core_data(), module, translator_for(language)
    )
    return _render_preview(
        composed,
        [problem.message for problem in problems],
        _("Preview of the draft local questions for %(area)s", area=found.area.name),
        url_for("codesign.question", question_id=found.id),
    )


@bp.get("/areas/<slug>/preview")
@requires(Permission.REVIEW_LOCAL_QUESTIONS)
def preview_draft(slug: str) -> str:
    area = _area_or_404(slug)
    language = request.args.get("lang", "en")[:16]
    module = publishing.draft_module(db.session(), area)
    composed, problems = publishing.compose_for_preview(
        _core_data(), module, translator_for(language)
    )
    return _render_preview(
        composed,
        [problem.message for problem in problems],
        _("Preview of the next version for %(area)s", area=area.name),
        url_for("codesign.area_page", slug=area.slug),
    )


@bp.get("/areas/<slug>/versions/<int:version>/preview")
@requires(Permission.REVIEW_LOCAL_QUESTIONS)
def preview_version(slug: str, version: int) -> str:
    area = _area_or_404(slug)
    row = db.session.scalar(
        select(PublishedQuestionnaire).where(
            PublishedQuestionnaire.area_id == area.id, PublishedQuestionnaire.version == version
        )
    )
    if row is None:
        abort(404)
    return _render_preview(
        publishing.questionnaire_of(row),
        [],
        _("Preview of version %(version)s for %(area)s", version=version, area=area.name),
        url_for("codesign.area_page", slug=area.slug),
    )


# ------------------------------------------------------------------ reaching people


def _group_or_404(slug: str) -> CommunityGroup:
    try:
        group = area_service.group_by_slug(db.session(), slug[:64])
    except CommunityGroupNotFound:
        abort(404)
    scope = scope_of(group)
    if not (
        current_user.can(Permission.CODESIGN, scope)
        or current_user.can(Permission.REVIEW_LOCAL_QUESTIONS, scope)
    ):
        abort(404)
    return group


def group_link(group: CommunityGroup, area: Area) -> str:
    """The group's own open link: the area's open link tagged with the group's slug."""
    base = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    path = url_for("survey.open_link", slug=area.slug, group=group.slug)
    return base + path


def qr_svg(link: str) -> Markup:
    # segno writes only path data and fixed attributes, never the link as text: safe inline.
    return Markup(segno.make(link, error="m").svg_inline(scale=5, title=_("QR code")))


def group_counts(group: CommunityGroup) -> dict[str, int | None]:
    """Started and sent responses from the group, with small counts suppressed (NHS rule)."""
    rows = db.session.execute(
        select(Response.status, func.count(Response.id))
        .where(Response.community_group_id == group.id)
        .group_by(Response.status)
    )
    by_status = {str(status): int(count) for status, count in rows}
    sent = by_status.get(ResponseStatus.SUBMITTED.value, 0)
    started = sum(by_status.values())
    # Here, not at the top: web workers load pandas only when a page needs the disclosure rules.
    import pandas as pd

    from analysis.disclosure import round_counts

    rounded = round_counts(pd.Series([started, sent]))
    return {
        "started": None if pd.isna(rounded[0]) else int(rounded[0]),
        "sent": None if pd.isna(rounded[1]) else int(rounded[1]),
    }


@bp.get("/groups/<slug>/invite")
@requires(Permission.STAFF_HOME)
def group_invitation(slug: str) -> str:
    group = _group_or_404(slug)
    areas = [group.area] if group.area is not None else area_service.list_areas(db.session())
    links = [(area, group_link(group, area)) for area in areas]
    return render_template(
        "codesign/invite.html",
        group=group,
        links=[(area, link, qr_svg(link)) for area, link in links],
        counts=group_counts(group),
    )


@bp.get("/groups/<slug>/counts.json")
@requires(Permission.STAFF_HOME)
def group_counts_json(slug: str) -> WerkzeugResponse:
    return jsonify(group_counts(_group_or_404(slug)))
