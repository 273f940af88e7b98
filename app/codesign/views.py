"""Proposals and review: thin views over app.services.codesign; other people's objects are 404."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as WerkzeugResponse

from app.access.permissions import Permission, Role
from app.access.routes import requires
from app.access.scoping import scope_of
from app.codesign import bp
from app.extensions import db
from app.models import Area, CommunityGroup, LocalQuestion
from app.questionnaire import sms_segments
from app.services import areas as area_service
from app.services import codesign, codesign_bank, codesign_notifications
from app.services.codesign import ProposalInput

PageResult = str | WerkzeugResponse | tuple[str, int]
QUESTION_TYPE_LABELS = {
    "single": _l("One answer from a list"),
    "multiple": _l("Several answers from a list"),
    "yes_no": _l("Yes or no"),
    "text": _l("Free text"),
}


def facilitator_groups() -> list[CommunityGroup]:
    """The community groups the signed-in person facilitates."""
    return [
        grant.community_group
        for grant in current_user.user.assignments
        if grant.role == Role.GROUP_FACILITATOR and grant.community_group is not None
    ]


def reviewer_areas() -> list[Area]:
    """The areas whose local questions the signed-in person reviews (every area for admins)."""
    return [
        area
        for area in area_service.list_areas(db.session())
        if current_user.can(Permission.REVIEW_LOCAL_QUESTIONS, scope_of(area))
    ]


def question_or_404(question_id: int) -> LocalQuestion:
    try:
        return codesign.question_for(db.session(), current_user.user, question_id)
    except codesign.LocalQuestionNotFound:
        abort(404)


def proposal_from_form(form: MultiDict[str, str]) -> ProposalInput:
    """The form's values, cut to sane lengths before any check (bad input never gets stored)."""
    length = form.get("max_length", "").strip()
    return ProposalInput(
        question_type=form.get("question_type", "")[:20],
        text=form.get("text", "")[:2000],
        hint=form.get("hint", "")[:2000],
        option_labels=tuple(line.strip() for line in form.get("options", "")[:4000].splitlines()),
        max_length=int(length) if length.isdigit() and len(length) <= 6 else None,
        sms_text=form.get("sms_text", "")[:2000],
        reason=form.get("reason", "")[:4000],
        for_groups=tuple(slug[:64] for slug in form.getlist("for_groups")[:50]),
    )


def _form_values(data: ProposalInput) -> dict[str, object]:
    return {
        "question_type": data.question_type,
        "text": data.text,
        "hint": data.hint,
        "options": "\n".join(data.option_labels),
        "max_length": data.max_length or "",
        "sms_text": data.sms_text,
        "reason": data.reason,
        "for_groups": list(data.for_groups),
    }


def _areas_for(group: CommunityGroup) -> list[Area]:
    if group.area is not None:
        return [group.area]
    return area_service.list_areas(db.session())


@bp.get("")
@requires(Permission.STAFF_HOME)
def index() -> str:
    return render_template(
        "codesign/index.html",
        questions=codesign.visible_questions(db.session(), current_user.user),
        groups=facilitator_groups(),
        areas=reviewer_areas(),
        can_propose=current_user.can(Permission.CODESIGN),
    )


@bp.route("/questions/new", methods=["GET", "POST"])
@requires(Permission.CODESIGN)
def new_question() -> PageResult:
    groups = facilitator_groups()
    if not groups:
        abort(404)  # an administrator proposes through a group's facilitator, not alone
    group = groups[0]
    areas = _areas_for(group)
    errors: dict[str, str] = {}
    based_on = None
    source = request.values.get("from", "")
    if source.isdigit() and len(source) < 10:
        based_on = codesign_bank.bank_question(db.session(), int(source))
    data = codesign.proposal_from(based_on) if based_on else ProposalInput("single", "")
    if request.method == "POST":
        data = proposal_from_form(request.form)
        area_slug = request.form.get("area", areas[0].slug if areas else "")
        area = next((a for a in areas if a.slug == area_slug), None)
        if area is None:
            errors["area"] = _("Choose the area the question is for")
        else:
            try:
                question = codesign.propose(
                    db.session(),
                    current_user.user,
                    group=group,
                    area=area,
                    data=data,
                    based_on=based_on,
                )
            except codesign.LocalQuestionInvalid as invalid:
                errors = invalid.errors
            except codesign.LocalQuestionNotFound:
                abort(404)
            else:
                return redirect(url_for("codesign.question", question_id=question.id))
    return _form_page(group, areas, data, errors, based_on=based_on)


def _form_page(
    group: CommunityGroup,
    areas: list[Area],
    data: ProposalInput,
    errors: dict[str, str],
    *,
    question: LocalQuestion | None = None,
    based_on: LocalQuestion | None = None,
) -> PageResult:
    area_ids = {area.id for area in areas}
    area_groups = [
        other
        for other in area_service.list_groups(db.session())
        if other.area_id is None or other.area_id in area_ids
    ]
    page = render_template(
        "codesign/question_form.html",
        group=group,
        areas=areas,
        area_groups=area_groups,
        values=_form_values(data),
        errors=errors,
        question=question,
        based_on=based_on,
        type_labels=QUESTION_TYPE_LABELS,
        segments=sms_segments(data.sms_text),
    )
    return (page, 400) if errors else page


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@requires(Permission.CODESIGN)
def edit_question(question_id: int) -> PageResult:
    question = question_or_404(question_id)
    if not codesign.can_propose_for(current_user.user, question):
        abort(404)
    if not question.is_editable:
        return redirect(url_for("codesign.question", question_id=question.id))
    data = codesign.proposal_from(question)
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = proposal_from_form(request.form)
        try:
            codesign.update_proposal(
                db.session(), current_user.user, question, data, request.form.get("why", "")[:2000]
            )
        except codesign.LocalQuestionInvalid as invalid:
            errors = invalid.errors
        except codesign.WrongStepForQuestion:
            return redirect(url_for("codesign.question", question_id=question.id))
        else:
            return redirect(url_for("codesign.question", question_id=question.id))
    return _form_page(question.community_group, [question.area], data, errors, question=question)


@bp.get("/questions/<int:question_id>")
@requires(Permission.STAFF_HOME)
def question(question_id: int) -> str:
    found = question_or_404(question_id)
    user = current_user.user
    return render_template(
        "codesign/question.html",
        question=found,
        options=codesign.options_of(found),
        for_groups=codesign.for_groups_of(found),
        history=codesign.history(found),
        can_edit=codesign.can_propose_for(user, found) and found.is_editable,
        can_review=codesign.can_review(user, found) and found.status == "in_review",
        type_labels=QUESTION_TYPE_LABELS,
    )


@bp.post("/questions/<int:question_id>/submit")
@requires(Permission.CODESIGN)
def submit_question(question_id: int) -> WerkzeugResponse:
    found = question_or_404(question_id)
    try:
        codesign.submit_for_review(db.session(), current_user.user, found)
    except codesign.LocalQuestionNotFound:
        abort(404)
    except codesign.WrongStepForQuestion:
        pass  # a second click: it is already with the reviewers
    return redirect(url_for("codesign.question", question_id=found.id))


@bp.post("/questions/<int:question_id>/comment")
@requires(Permission.STAFF_HOME)
def comment_on_question(question_id: int) -> PageResult:
    found = question_or_404(question_id)
    try:
        codesign.add_comment(
            db.session(), current_user.user, found, request.form.get("comment", "")[:2000]
        )
    except codesign.LocalQuestionInvalid:
        pass  # an empty comment adds nothing
    return redirect(url_for("codesign.question", question_id=found.id) + "#discussion")


@bp.post("/questions/<int:question_id>/review")
@requires(Permission.REVIEW_LOCAL_QUESTIONS)
def review_question(question_id: int) -> PageResult:
    found = question_or_404(question_id)
    try:
        codesign.review(
            db.session(),
            current_user.user,
            found,
            request.form.get("decision", "")[:20],
            request.form.get("reason", "")[:2000],
        )
    except codesign.LocalQuestionNotFound:
        abort(404)
    except (codesign.LocalQuestionInvalid, codesign.WrongStepForQuestion) as problem:
        message = (
            next(iter(problem.errors.values()))
            if isinstance(problem, codesign.LocalQuestionInvalid)
            else _("This question is no longer waiting for review.")
        )
        page = render_template(
            "codesign/question.html",
            question=found,
            options=codesign.options_of(found),
            for_groups=codesign.for_groups_of(found),
            history=codesign.history(found),
            can_edit=False,
            can_review=found.status == "in_review",
            review_error=message,
            type_labels=QUESTION_TYPE_LABELS,
        )
        return page, 400
    return redirect(url_for("codesign.question", question_id=found.id))


@bp.get("/bank")
@requires(Permission.CODESIGN)
def bank() -> str:
    search = request.args.get("q", "")[:100]
    return render_template(
        "codesign/bank.html",
        search=search,
        entries=codesign_bank.question_bank(db.session(), search),
        type_labels=QUESTION_TYPE_LABELS,
    )


@bp.get("/notifications")
@requires(Permission.STAFF_HOME)
def notifications() -> str:
    user_id = current_user.user.id
    notes = codesign_notifications.notifications_for(db.session(), user_id)
    unread = {note.id for note in notes if note.read_at is None}
    page = render_template("codesign/notifications.html", notes=notes, unread=unread)
    if unread:
        codesign_notifications.mark_notifications_read(db.session(), user_id)
    return page
