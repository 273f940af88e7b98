"""Thin views for the carer's journey: each turns a request into one service call and a page."""

from __future__ import annotations

from collections.abc import Mapping

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as WerkzeugResponse

from app.extensions import db, limiter
from app.i18n.questionnaires import localised, note_english_on_pages
from app.models import Response
from app.models.clock import utc_now
from app.questionnaire import Questionnaire, path
from app.services import answer_pages
from app.services import areas as area_service
from app.services import responses as response_service
from app.services import withdrawal as withdrawal_service
from app.services.encryption import contact_cipher
from app.services.errors import (
    AreaNotFound,
    InvitationNotFound,
    PageAnswersInvalid,
    PageNotOnRoute,
    ResponseAlreadySubmitted,
    ResponseNotFound,
)
from app.survey import bp
from app.survey.context import (
    bind_response,
    bound_response_id,
    current_open_response,
    questionnaire_for,
    questionnaire_for_area,
)
from app.survey.locale import current_language
from app.survey.rendering import build_check_rows, build_page_view, raw_form_for_page

PageResult = str | WerkzeugResponse | tuple[str, int]


@bp.get("/s/<token>")
@limiter.limit("30 per minute")
def invitation_link(token: str) -> PageResult:
    try:
        invitation = response_service.invitation_for_token(db.session(), token)
        response = response_service.response_for_invitation(
            db.session(), invitation, questionnaire_for_area(invitation.area_id)
        )
    except InvitationNotFound:
        abort(404)
    bind_response(response)
    # Redirect at once so the token leaves the address bar and the browser history.
    if response.consent_given_at is None:
        return redirect(url_for("survey.welcome"))
    return _redirect_to_resume_point(response)


@bp.get("/a/<slug>")
def open_link(slug: str) -> PageResult:
    try:
        area = area_service.area_by_slug(db.session(), slug, on=utc_now().date())
    except AreaNotFound:
        abort(404)
    group = area_service.group_for_area(db.session(), request.args.get("group"), area)
    return render_template(
        "survey/welcome.html",
        start_url=url_for("survey.start_open_link", slug=area.slug),
        group_slug=group.slug if group else "",
        area=area,
    )


@bp.post("/a/<slug>/start")
def start_open_link(slug: str) -> PageResult:
    try:
        area = area_service.area_by_slug(db.session(), slug, on=utc_now().date())
    except AreaNotFound:
        abort(404)
    # A second click or a second tab carries on with the response already started here.
    try:
        existing = current_open_response()
        if existing.area_id == area.id and existing.invitation_id is None:
            return _redirect_after_start(existing)
    except (ResponseNotFound, ResponseAlreadySubmitted):
        pass
    group = area_service.group_for_area(db.session(), request.form.get("group"), area)
    response = response_service.start_response(
        db.session(),
        questionnaire_for_area(area.id),
        area=area,
        channel="web",
        community_group=group,
        # A language chosen on the welcome page (?lang= or the switcher) carries into the survey.
        language=current_language(),
    )
    bind_response(response)
    return redirect(url_for("survey.consent"))


@bp.get("/survey/welcome")
def welcome() -> PageResult:
    response = _open_response_or_redirect()
    if isinstance(response, WerkzeugResponse):
        return response
    return render_template(
        "survey/welcome.html", start_url=url_for("survey.consent"), method="get", group_slug=""
    )


@bp.route("/survey/consent", methods=["GET", "POST"])
def consent() -> PageResult:
    response = _open_response_or_redirect()
    if isinstance(response, WerkzeugResponse):
        return response
    error = None
    if request.method == "POST":
        choice = request.form.get("consent")
        if choice == "yes":
            response_service.record_consent(db.session(), response)
            return redirect(url_for("survey.person"))
        if choice == "no":
            return render_template("survey/not_now.html")
        error = gettext("Choose yes if you would like to answer the questions, or no if not")
    status = 400 if error else 200
    return render_template("survey/consent.html", error=error), status


@bp.route("/survey/person", methods=["GET", "POST"])
def person() -> PageResult:
    response = _open_response_or_redirect()
    if isinstance(response, WerkzeugResponse):
        return response
    if response.consent_given_at is None:
        return redirect(url_for("survey.consent"))
    name = (
        response_service.person_name(db.session(), response, contact_cipher(current_app.config))
        or ""
    )
    if request.method == "POST":
        name = request.form.get("person_name", "")
        try:
            response_service.set_person_name(
                db.session(), response, name, contact_cipher(current_app.config)
            )
        except PageAnswersInvalid as invalid:
            return render_template("survey/person.html", name=name, errors=invalid.errors), 400
        return _redirect_to_resume_point(response, after_person=True)
    return render_template("survey/person.html", name=name, errors={})


@bp.route("/survey/q/<page_id>", methods=["GET", "POST"])
def question_page(page_id: str) -> PageResult:
    # The busiest page of the survey: one query for the response (with the name), one for
    # the answers, and a save that goes straight to answer_pages.save_page.
    # The request looked up once: each read through Flask's proxy finds the context again.
    page_request = request._get_current_object()  # type: ignore[attr-defined]
    method = page_request.method
    try:
        # A save reads the response as the first step of its own write transaction.
        response = answer_pages.read_open_response(
            db.session(),
            bound_response_id(),
            contact_cipher(current_app.config),
            for_saving=method == "POST",
        )
    except ResponseAlreadySubmitted:
        return redirect(url_for("survey.thank_you"))
    except ResponseNotFound:
        return redirect(url_for("survey.resume"))
    g.survey_language = response.language
    if response.consent_given_at is None:
        return redirect(url_for("survey.consent"))
    questionnaire = questionnaire_for(response)
    return_to_check = page_request.values.get("return_to") == "check"
    if method == "GET":
        page = _render_question_page(
            response, questionnaire, page_id, None, {}, None, return_to_check
        )
        return page if page is not None else _redirect_to_resume_point(response)

    if not questionnaire.has_page(page_id):
        return _redirect_to_resume_point(response)
    form = raw_form_for_page(questionnaire.page(page_id), page_request.form)
    if page_request.form.get("page_id") != page_id:
        # A stale tab or an edited form: show the page as it is now, keep what was stored.
        message = gettext(
            "This page changed since you opened it. Please check your answers and try again."
        )
        page = _render_question_page(
            response, questionnaire, page_id, None, {}, message, return_to_check
        )
        return (page, 400) if page is not None else _redirect_to_resume_point(response)
    try:
        # save_page re-reads the response under a lock and checks the route itself, so the
        # common path costs one lock, one read of the answers and one commit.
        saved = answer_pages.save_page(db.session(), response, questionnaire, page_id, form)
    except PageAnswersInvalid as invalid:
        page = _render_question_page(
            response, questionnaire, page_id, form, invalid.errors, None, return_to_check
        )
        return (page, 400) if page is not None else _redirect_to_resume_point(response)
    except PageNotOnRoute:
        return _redirect_to_resume_point(response)
    except ResponseAlreadySubmitted:
        return redirect(url_for("survey.thank_you"))
    if request.form.get("action") == "save_and_exit":
        return redirect(url_for("survey.saved"))
    if return_to_check:
        return _redirect_to_resume_point(response, prefer_check=True)
    if saved.next_page_id is None:
        return redirect(url_for("survey.check_answers"))
    return redirect(url_for("survey.question_page", page_id=saved.next_page_id))


@bp.get("/survey/check")
def check_answers() -> PageResult:
    response = _open_response_or_redirect()
    if isinstance(response, WerkzeugResponse):
        return response
    questionnaire = questionnaire_for(response)
    answers = answer_pages.load_answers(db.session(), response, questionnaire)
    name = response_service.person_name(db.session(), response, contact_cipher(current_app.config))
    shown = localised(questionnaire, current_language())
    note_english_on_pages(shown, path(shown.questionnaire, answers))
    sections = build_check_rows(shown.questionnaire, answers, name)
    return render_template("survey/check.html", sections=sections, person_name=name)


@bp.post("/survey/submit")
def submit() -> PageResult:
    response_id = bound_response_id()
    try:
        response = response_service.response_by_public_id(db.session(), response_id)
    except ResponseNotFound:
        return redirect(url_for("survey.resume"))
    if not response.is_submitted:
        response_service.submit_response(db.session(), response, questionnaire_for(response))
    # Submitting twice (double click, back button, retry) lands on the same thank-you page.
    return redirect(url_for("survey.thank_you"))


@bp.get("/survey/thank-you")
def thank_you() -> PageResult:
    try:
        response = response_service.response_by_public_id(db.session(), bound_response_id())
    except ResponseNotFound:
        return redirect(url_for("main.home"))
    if not response.is_submitted:
        return redirect(url_for("survey.check_answers"))
    # Sending ends the resume code, so a fresh withdrawal code is the way back (docs/security.md).
    code = withdrawal_service.issue_withdrawal_code(
        db.session(), response, str(current_app.config["SECRET_KEY"])
    )
    return render_template("survey/thank_you.html", withdrawal_code=code)


@bp.get("/survey/saved")
def saved() -> PageResult:
    response = _open_response_or_redirect()
    if isinstance(response, WerkzeugResponse):
        return response
    code = response_service.issue_resume_code(
        db.session(), response, str(current_app.config["SECRET_KEY"])
    )
    return render_template(
        "survey/saved.html", resume_code=code, by_invitation=response.invitation_id is not None
    )


@bp.route("/resume", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def resume() -> PageResult:
    error = None
    code = ""
    if request.method == "POST":
        code = request.form.get("resume_code", "")[:40]
        try:
            response = response_service.response_for_resume_code(
                db.session(), code, str(current_app.config["SECRET_KEY"])
            )
        except ResponseNotFound:
            error = gettext(
                "We could not find answers for that code. Check the code and try again. "
                "If you used a link from a letter or text message, you can open that link again."
            )
        else:
            bind_response(response)
            return _redirect_to_resume_point(response)
    status = 400 if error else 200
    return render_template("survey/resume.html", error=error, code=code), status


def _open_response_or_redirect() -> WerkzeugResponse | Response:
    try:
        return current_open_response()
    except ResponseAlreadySubmitted:
        return redirect(url_for("survey.thank_you"))
    except ResponseNotFound:
        return redirect(url_for("survey.resume"))


def _redirect_after_start(response: Response) -> WerkzeugResponse:
    if response.consent_given_at is None:
        return redirect(url_for("survey.consent"))
    return _redirect_to_resume_point(response)


def _redirect_to_resume_point(
    response: Response | answer_pages.OpenResponse,
    *,
    after_person: bool = False,
    prefer_check: bool = False,
) -> WerkzeugResponse:
    questionnaire = questionnaire_for(response)
    answers = answer_pages.load_answers(db.session(), response, questionnaire)
    if not answers and not after_person and not prefer_check:
        return redirect(url_for("survey.person"))
    page_id = answer_pages.resume_page_id(questionnaire, answers)
    if page_id is None:
        return redirect(url_for("survey.check_answers"))
    return redirect(url_for("survey.question_page", page_id=page_id))


def _render_question_page(
    response: answer_pages.OpenResponse,
    structure: Questionnaire,
    page_id: str,
    posted: dict[str, str | list[str]] | None,
    errors: dict[str, str],
    page_message: str | None,
    return_to_check: bool,
) -> str | None:
    """The question page, or None when the page is not on this carer's route.

    ``structure`` is the response's questionnaire, looked up once by the view (for an area's
    published version that is a database read).
    """
    stored = answer_pages.load_answers(db.session(), response, structure)
    # Same ids, codes and rules as `structure`, with every text in the page's language.
    shown = localised(structure, current_language())
    questionnaire = shown.questionnaire
    route = path(questionnaire, stored)
    position = next((i for i, page in enumerate(route) if page.id == page_id), None)
    if position is None:
        return None
    name = response.person_name
    shown_values: Mapping[str, object] = posted if posted is not None and errors else stored
    view = build_page_view(questionnaire, route, position, stored, shown_values, errors, name)
    note_english_on_pages(shown, [route[position]])
    if return_to_check:
        back_url = url_for("survey.check_answers")
    elif position > 0:
        back_url = url_for("survey.question_page", page_id=route[position - 1].id)
    else:
        back_url = url_for("survey.person")
    return render_template(
        "survey/question.html",
        view=view,
        back_url=back_url,
        page_message=page_message,
        return_to_check=return_to_check,
    )
