"""Community co-design: groups propose local questions, commissioners review them, all recorded."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.access.permissions import Permission, Role
from app.access.scoping import scope_of
from app.models import (
    Area,
    CommunityGroup,
    LocalQuestion,
    LocalQuestionEvent,
    LocalQuestionStatus,
    Notification,
    RoleAssignment,
    User,
)
from app.models.clock import utc_now
from app.questionnaire import sms_segments
from app.questionnaire.modules import local_item_id
from app.services.errors import ServiceError
from app.services.transactions import begin_write

QUESTION_TYPES = ("single", "multiple", "yes_no", "text")
TEXT_MAX, HINT_MAX, REASON_MAX, COMMENT_MAX, SMS_MAX = 300, 600, 2000, 2000, 480
OPTION_MAX, MAX_OPTIONS = 120, 12
DEFAULT_TEXT_LENGTH = 1000
YES_NO_OPTIONS: tuple[dict[str, object], ...] = (
    {"code": "yes", "label": "Yes"},
    {"code": "no", "label": "No"},
    {"code": "dk", "label": "Don't know", "substantive": False},
)
_CODE_CHARACTERS = re.compile(r"[^a-z0-9]+")
# Fields compared for the review trail's "what changed", in the order they are shown.
DIFF_FIELDS: tuple[str, ...] = (
    "question_type",
    "text",
    "hint",
    "options",
    "max_length",
    "sms_text",
    "reason",
    "for_groups",
)


class LocalQuestionNotFound(ServiceError):
    """No such proposal, or one the user may not see: the two look the same."""


class LocalQuestionInvalid(ServiceError):
    """The proposal form has problems; ``errors`` maps field name to a kind message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("the local question has problems: " + ", ".join(errors))
        self.errors = dict(errors)


class WrongStepForQuestion(ServiceError):
    """The step does not fit where the question is (editing an approved one, approving a draft)."""


@dataclass(frozen=True)
class ProposalInput:
    """What a facilitator writes on the proposal form, as plain values."""

    question_type: str
    text: str
    hint: str = ""
    option_labels: tuple[str, ...] = ()
    max_length: int | None = None
    sms_text: str = ""
    reason: str = ""
    for_groups: tuple[str, ...] = ()


def _code_for(label: str, taken: set[str]) -> str:
    base = _CODE_CHARACTERS.sub("_", label.lower()).strip("_")[:40] or "option"
    code, number = base, 2
    while code in taken:
        code, number = f"{base}_{number}", number + 1
    taken.add(code)
    return code


def options_for(data: ProposalInput) -> list[dict[str, object]]:
    """The engine options of a proposal: yes/no/don't know for yes_no, codes made from labels."""
    if data.question_type == "yes_no":
        return [dict(option) for option in YES_NO_OPTIONS]
    if data.question_type not in ("single", "multiple"):
        return []
    taken: set[str] = set()
    return [{"code": _code_for(label, taken), "label": label} for label in data.option_labels]


def check_proposal(data: ProposalInput) -> dict[str, str]:
    """Every problem with the form, as field -> message; empty when it can be saved."""
    errors: dict[str, str] = {}
    if data.question_type not in QUESTION_TYPES:
        errors["question_type"] = str(_l("Choose the type of question"))
    if not data.text.strip():
        errors["text"] = str(_l("Enter the question"))
    elif len(data.text) > TEXT_MAX:
        errors["text"] = str(_l("The question must be %(n)s characters or fewer", n=TEXT_MAX))
    if "{" in data.text.replace("{person}", "") or "}" in data.text.replace("{person}", ""):
        errors["text"] = str(_l("Use {person} to name the person who died; no other braces"))
    if len(data.hint) > HINT_MAX:
        errors["hint"] = str(_l("The help text must be %(n)s characters or fewer", n=HINT_MAX))
    if data.question_type in ("single", "multiple"):
        labels = [label for label in data.option_labels if label.strip()]
        if len(labels) < 2 or len(labels) > MAX_OPTIONS:
            errors["options"] = str(
                _l("Give between 2 and %(n)s answers, one a line", n=MAX_OPTIONS)
            )
        elif any(len(label) > OPTION_MAX for label in labels):
            errors["options"] = str(
                _l("Each answer must be %(n)s characters or fewer", n=OPTION_MAX)
            )
        elif len({label.strip().lower() for label in labels}) != len(labels):
            errors["options"] = str(_l("Each answer must be different"))
    if data.max_length is not None and not 1 <= data.max_length <= 10_000:
        errors["max_length"] = str(_l("Enter a length between 1 and 10,000 characters"))
    if len(data.sms_text) > SMS_MAX:
        errors["sms_text"] = str(
            _l("The text message must be %(n)s characters or fewer", n=SMS_MAX)
        )
    elif data.sms_text.strip() and data.question_type == "multiple":
        errors["sms_text"] = str(
            _l("Questions with several answers cannot be asked by text message")
        )
    if not data.reason.strip():
        errors["reason"] = str(_l("Say why your group wants to ask this"))
    elif len(data.reason) > REASON_MAX:
        errors["reason"] = str(_l("The reason must be %(n)s characters or fewer", n=REASON_MAX))
    return errors


def _snapshot(question: LocalQuestion) -> dict[str, object]:
    return {
        "question_type": question.question_type,
        "text": question.text,
        "hint": question.hint or "",
        "options": [str(o["label"]) for o in json.loads(question.options_json)],
        "max_length": question.max_length,
        "sms_text": question.sms_text or "",
        "reason": question.reason,
        "for_groups": json.loads(question.for_groups_json),
    }


def _apply(question: LocalQuestion, data: ProposalInput) -> None:
    labels = tuple(label.strip() for label in data.option_labels if label.strip())
    cleaned = ProposalInput(**{**asdict(data), "option_labels": labels})
    question.question_type = data.question_type
    question.text = data.text.strip()
    question.hint = data.hint.strip() or None
    question.options_json = json.dumps(options_for(cleaned), ensure_ascii=False)
    question.max_length = (
        (data.max_length or DEFAULT_TEXT_LENGTH) if data.question_type == "text" else None
    )
    question.sms_text = data.sms_text.strip() or None
    # Counted here on every save: the page's live count is a convenience, this is the record.
    question.sms_segments = sms_segments(question.sms_text or "")
    question.reason = data.reason.strip()
    question.for_groups_json = json.dumps(sorted(set(data.for_groups)))
    question.updated_at = utc_now()


def _record(
    session: Session,
    question: LocalQuestion,
    actor: User,
    kind: str,
    comment: str = "",
    changes: Mapping[str, object] | None = None,
) -> None:
    session.add(
        LocalQuestionEvent(
            question=question,
            actor_id=actor.id,
            actor_label=actor.email,
            kind=kind,
            comment=comment.strip()[:COMMENT_MAX],
            changes_json=json.dumps(changes or {}, ensure_ascii=False),
        )
    )


def _notify(session: Session, user_ids: Sequence[int], question: LocalQuestion, kind: str) -> None:
    for user_id in dict.fromkeys(user_ids):
        session.add(Notification(user_id=user_id, question=question, kind=kind))


def _unique_item_id(session: Session, area_id: int, text: str) -> str:
    words = " ".join(text.replace("{person}", "").split()[:5])
    base = local_item_id(words)
    candidate, number = base, 2
    taken = set(
        session.scalars(select(LocalQuestion.item_id).where(LocalQuestion.area_id == area_id))
    )
    while candidate in taken:
        candidate, number = f"{base}_{number}", number + 1
    return candidate


def _group_problems(session: Session, area_id: int, slugs: Sequence[str]) -> dict[str, str]:
    """The groups a question is for must exist and work in its area (or across areas)."""
    if not slugs:
        return {}
    known = set(
        session.scalars(
            select(CommunityGroup.slug).where(
                CommunityGroup.slug.in_(list(slugs)),
                or_(CommunityGroup.area_id == area_id, CommunityGroup.area_id.is_(None)),
            )
        )
    )
    if set(slugs) - known:
        return {"for_groups": str(_l("Choose groups that work in this area"))}
    return {}


def can_review(user: User, question: LocalQuestion) -> bool:
    return user.can(Permission.REVIEW_LOCAL_QUESTIONS, scope_of(question))


def can_propose_for(user: User, question: LocalQuestion) -> bool:
    return user.can(Permission.CODESIGN, scope_of(question))


def question_for(session: Session, user: User, question_id: int) -> LocalQuestion:
    """A proposal the user may see: their group's (facilitators) or their area's (reviewers)."""
    question = session.get(LocalQuestion, question_id)
    if question is None or not (can_propose_for(user, question) or can_review(user, question)):
        raise LocalQuestionNotFound()
    return question


def visible_questions(session: Session, user: User) -> list[LocalQuestion]:
    """Every proposal the user may see, newest first."""
    areas = [a.area_id for a in user.assignments if a.role == Role.COMMISSIONER and a.area_id]
    groups = [
        a.community_group_id
        for a in user.assignments
        if a.role == Role.GROUP_FACILITATOR and a.community_group_id
    ]
    statement = select(LocalQuestion).order_by(LocalQuestion.updated_at.desc())
    if Role.ADMIN not in user.roles:
        statement = statement.where(
            or_(
                LocalQuestion.area_id.in_(areas),
                LocalQuestion.community_group_id.in_(groups),
            )
        )
    return list(session.scalars(statement))


def propose(
    session: Session,
    actor: User,
    *,
    group: CommunityGroup,
    area: Area,
    data: ProposalInput,
    based_on: LocalQuestion | None = None,
) -> LocalQuestion:
    """Save a new draft for the facilitator's group (raise LocalQuestionInvalid on problems)."""
    errors = check_proposal(data) | _group_problems(session, area.id, data.for_groups)
    if errors:
        raise LocalQuestionInvalid(errors)
    if group.area_id not in (None, area.id):
        raise LocalQuestionInvalid({"area": str(_l("Your group does not work in that area"))})
    begin_write(session)
    question = LocalQuestion(
        area_id=area.id,
        community_group_id=group.id,
        proposed_by_id=actor.id,
        based_on_id=based_on.id if based_on is not None else None,
        item_id=_unique_item_id(session, area.id, data.text),
        status=LocalQuestionStatus.DRAFT,
    )
    _apply(question, data)
    session.add(question)
    if not actor.can(Permission.CODESIGN, scope_of(question)):
        session.rollback()
        raise LocalQuestionNotFound()
    source = f"question bank #{based_on.id}" if based_on is not None else ""
    _record(session, question, actor, "created", source)
    session.commit()
    return question


def update_proposal(
    session: Session, actor: User, question: LocalQuestion, data: ProposalInput, why: str = ""
) -> LocalQuestion:
    """Change a draft (or one sent back for changes), recording which fields changed and why."""
    if not can_propose_for(actor, question):
        raise LocalQuestionNotFound()
    if not question.is_editable:
        raise WrongStepForQuestion("only drafts and questions sent back for changes can be edited")
    errors = check_proposal(data) | _group_problems(session, question.area_id, data.for_groups)
    if errors:
        raise LocalQuestionInvalid(errors)
    begin_write(session)
    before = _snapshot(question)
    _apply(question, data)
    after = _snapshot(question)
    changes = {
        name: [before[name], after[name]] for name in DIFF_FIELDS if before[name] != after[name]
    }
    _record(session, question, actor, "edited", why, changes)
    session.commit()
    return question


def _reviewer_ids(session: Session, area_id: int) -> list[int]:
    statement = select(RoleAssignment.user_id).where(
        RoleAssignment.role == Role.COMMISSIONER, RoleAssignment.area_id == area_id
    )
    return list(session.scalars(statement))


def submit_for_review(
    session: Session, actor: User, question: LocalQuestion, note: str = ""
) -> None:
    """Send a draft to the area's commissioners, who are told in the app."""
    if not can_propose_for(actor, question):
        raise LocalQuestionNotFound()
    if not question.is_editable:
        raise WrongStepForQuestion("the question is already with the reviewers")
    begin_write(session)
    question.status = LocalQuestionStatus.IN_REVIEW
    question.updated_at = utc_now()
    _record(session, question, actor, "submitted", note)
    _notify(session, _reviewer_ids(session, question.area_id), question, "submitted")
    session.commit()


def add_comment(session: Session, actor: User, question: LocalQuestion, text: str) -> None:
    """A discussion comment by the group or a reviewer; the other side is told."""
    if not (can_propose_for(actor, question) or can_review(actor, question)):
        raise LocalQuestionNotFound()
    if not text.strip():
        raise LocalQuestionInvalid({"comment": str(_l("Write a comment"))})
    begin_write(session)
    _record(session, question, actor, "comment", text)
    others = [question.proposed_by_id] if question.proposed_by_id else []
    others += _reviewer_ids(session, question.area_id)
    _notify(session, [uid for uid in others if uid != actor.id], question, "comment")
    session.commit()


REVIEW_DECISIONS = {
    "request_changes": LocalQuestionStatus.CHANGES_REQUESTED,
    "approve": LocalQuestionStatus.APPROVED,
    "reject": LocalQuestionStatus.REJECTED,
}


def review(
    session: Session, actor: User, question: LocalQuestion, decision: str, reason: str = ""
) -> None:
    """A commissioner's (or admin's) decision on a question in review; the proposer is told."""
    if not can_review(actor, question):
        raise LocalQuestionNotFound()
    if decision not in REVIEW_DECISIONS:
        raise LocalQuestionInvalid({"decision": str(_l("Choose what to do with the question"))})
    if question.status != LocalQuestionStatus.IN_REVIEW:
        raise WrongStepForQuestion("only questions in review can be decided")
    if decision != "approve" and not reason.strip():
        raise LocalQuestionInvalid({"reason": str(_l("Say why, so the group knows what to do"))})
    begin_write(session)
    question.status = REVIEW_DECISIONS[decision]
    question.updated_at = utc_now()
    _record(session, question, actor, REVIEW_DECISIONS[decision].value, reason)
    if question.proposed_by_id is not None:
        _notify(session, [question.proposed_by_id], question, REVIEW_DECISIONS[decision].value)
    session.commit()


def history(question: LocalQuestion) -> list[tuple[LocalQuestionEvent, dict[str, list[object]]]]:
    """The review trail, oldest first, with each step's field diff decoded."""
    return [(event, json.loads(event.changes_json)) for event in question.events]


def options_of(question: LocalQuestion) -> list[dict[str, object]]:
    return list(json.loads(question.options_json))


def for_groups_of(question: LocalQuestion) -> list[str]:
    return list(json.loads(question.for_groups_json))


def proposal_from(question: LocalQuestion) -> ProposalInput:
    """A new proposal's starting values, copied from a bank question (or for an edit form)."""
    return ProposalInput(
        question_type=question.question_type,
        text=question.text,
        hint=question.hint or "",
        option_labels=tuple(str(o["label"]) for o in options_of(question))
        if question.question_type in ("single", "multiple")
        else (),
        max_length=question.max_length,
        sms_text=question.sms_text or "",
        reason=question.reason,
        for_groups=tuple(for_groups_of(question)),
    )
