"""The carer's response: start, save a page of answers atomically, resume, and submit."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models import Answer, Area, CommunityGroup, Invitation, Response, ResponsePerson
from app.models.clock import utc_now
from app.models.response import ResponseStatus
from app.questionnaire import (
    AnswerValue,
    InvalidAnswer,
    Questionnaire,
    deserialise_answer,
    first_unseen_page,
    next_page,
    page_is_shown,
    parse_answer,
    prune_answers,
    serialise_answer,
    visible_items,
)
from app.services.errors import (
    InvitationNotFound,
    PageAnswersInvalid,
    PageNotOnRoute,
    ResponseAlreadySubmitted,
    ResponseNotFound,
)
from app.services.secrets_for_links import (
    hash_link_token,
    hash_resume_code,
    new_resume_code,
)
from app.services.transactions import begin_write

RawForm = Mapping[str, str | Sequence[str]]
PERSON_NAME_MAX = 60


@dataclass(frozen=True)
class SavedPage:
    """Where the carer goes after a page is saved: the next page, or None for the check page."""

    next_page_id: str | None


def start_response(
    session: Session,
    questionnaire: Questionnaire,
    *,
    area: Area,
    channel: str,
    language: str = "en",
    community_group: CommunityGroup | None = None,
    invitation: Invitation | None = None,
) -> Response:
    begin_write(session)
    response = Response(
        response_id=str(uuid.uuid4()),
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        channel=channel,
        language=language,
        status=ResponseStatus.IN_PROGRESS,
        area=area,
        community_group=community_group,
        invitation=invitation,
    )
    session.add(response)
    session.commit()
    return response


def invitation_for_token(session: Session, token: str, *, now: datetime | None = None) -> Invitation:
    """The invitation a personal link opens; unknown and expired links raise the same error."""
    invitation = session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_link_token(token))
    )
    moment = now or utc_now()
    if invitation is None or (invitation.expires_at is not None and invitation.expires_at < moment):
        raise InvitationNotFound()
    return invitation


def response_for_invitation(
    session: Session, invitation: Invitation, questionnaire: Questionnaire
) -> Response:
    """The invitation's response, started on first use; a used-up link opens nothing."""
    begin_write(session)
    existing = session.scalar(select(Response).where(Response.invitation_id == invitation.id))
    if existing is not None:
        session.rollback()
        if existing.is_submitted:
            raise InvitationNotFound()
        return existing
    return start_response(
        session,
        questionnaire,
        area=invitation.area,
        channel="web",
        language=invitation.language,
        community_group=invitation.community_group,
        invitation=invitation,
    )


def response_by_public_id(session: Session, response_id: str | None) -> Response:
    if not response_id:
        raise ResponseNotFound()
    response = session.scalar(select(Response).where(Response.response_id == response_id))
    if response is None:
        raise ResponseNotFound()
    return response


def open_response(session: Session, response_id: str | None) -> Response:
    """A response the carer may still change."""
    response = response_by_public_id(session, response_id)
    if response.is_submitted:
        raise ResponseAlreadySubmitted()
    return response


def load_answers(
    session: Session, response: Response, questionnaire: Questionnaire
) -> dict[str, AnswerValue | None]:
    """Stored answers as engine values; items no longer in the questionnaire are ignored."""
    answers: dict[str, AnswerValue | None] = {}
    rows = session.execute(
        select(Answer.item_id, Answer.value).where(Answer.response_id == response.id)
    )
    for item_id, value in rows:
        if questionnaire.has_item(item_id):
            answers[item_id] = deserialise_answer(questionnaire.item(item_id), value)
    return answers


def person_name(session: Session, response: Response) -> str | None:
    person = session.get(ResponsePerson, response.id)
    return person.person_name if person else None


def record_consent(session: Session, response: Response) -> None:
    begin_write(session)
    locked = _lock_open_response(session, response)
    if locked.consent_given_at is None:
        locked.consent_given_at = utc_now()
        locked.updated_at = utc_now()
    session.commit()


def set_person_name(session: Session, response: Response, name: str | None) -> None:
    """Keep the name (apart from the answers) or forget it when the carer clears it."""
    cleaned = " ".join((name or "").split())
    if len(cleaned) > PERSON_NAME_MAX:
        raise PageAnswersInvalid(
            {
                "person_name": (
                    f"The name is {len(cleaned)} characters long. Please use "
                    f"{PERSON_NAME_MAX} characters or fewer, or leave it blank."
                )
            }
        )
    begin_write(session)
    locked = _lock_open_response(session, response)
    person = session.get(ResponsePerson, locked.id)
    if cleaned and person is None:
        session.add(ResponsePerson(response_id=locked.id, person_name=cleaned))
    elif cleaned and person is not None:
        person.person_name = cleaned
    elif person is not None:
        session.delete(person)
    locked.updated_at = utc_now()
    session.commit()


def parse_page(
    questionnaire: Questionnaire,
    page_id: str,
    answers: Mapping[str, AnswerValue | None],
    form: RawForm,
) -> dict[str, AnswerValue | None]:
    """Every visible item's answer from the form, or PageAnswersInvalid naming each problem."""
    page = questionnaire.page(page_id)
    parsed: dict[str, AnswerValue | None] = {}
    errors: dict[str, str] = {}
    for item in visible_items(questionnaire, page, answers):
        if not item.is_answerable:
            continue
        raw = form.get(item.id)
        try:
            parsed[item.id] = parse_answer(item, raw)
        except InvalidAnswer as problem:
            errors[item.id] = problem.message
    if errors:
        raise PageAnswersInvalid(errors)
    return parsed


def save_page(
    session: Session,
    response: Response,
    questionnaire: Questionnaire,
    page_id: str,
    form: RawForm,
) -> SavedPage:
    """Validate a page, then store it in one transaction: all of it or none of it."""
    if not questionnaire.has_page(page_id):
        raise PageNotOnRoute(page_id)
    begin_write(session)
    locked = _lock_open_response(session, response)
    stored = session.scalars(select(Answer).where(Answer.response_id == locked.id)).all()
    rows = {row.item_id: row for row in stored}
    answers = {
        item_id: deserialise_answer(questionnaire.item(item_id), row.value)
        for item_id, row in rows.items()
        if questionnaire.has_item(item_id)
    }
    page = questionnaire.page(page_id)
    if not page_is_shown(questionnaire, page, answers):
        session.rollback()
        raise PageNotOnRoute(page_id)
    try:
        parsed = parse_page(questionnaire, page_id, answers, form)
    except PageAnswersInvalid:
        session.rollback()
        raise
    # Items of this page that are hidden now (by an answer on this very page) lose old answers.
    for item in page.items:
        if item.is_answerable and item.id not in parsed:
            answers.pop(item.id, None)
    answers.update(parsed)
    # Changing an earlier answer can take later sections off the route: their answers must go,
    # so no stored answer ever contradicts the routing (the import checks the same rule).
    kept = prune_answers(questionnaire, answers)
    now = utc_now()
    for item_id, stale in rows.items():
        if item_id not in kept:
            session.delete(stale)
    for item_id, value in kept.items():
        text = None if value is None else serialise_answer(questionnaire.item(item_id), value)
        existing = rows.get(item_id)
        if existing is None:
            session.add(Answer(response_id=locked.id, item_id=item_id, value=text, updated_at=now))
        elif existing.value != text:
            existing.value = text
            existing.updated_at = now
    following = next_page(questionnaire, kept, page_id)
    locked.current_page_id = following.id if following else None
    locked.updated_at = now
    session.commit()
    return SavedPage(next_page_id=following.id if following else None)


def resume_page_id(
    questionnaire: Questionnaire, response: Response, answers: Mapping[str, AnswerValue | None]
) -> str | None:
    """Where a returning carer carries on: the first page they have not seen yet."""
    unseen = first_unseen_page(questionnaire, answers)
    if unseen is not None:
        return unseen.id
    return None


def issue_resume_code(session: Session, response: Response, key: str) -> str:
    """A fresh resume code (the old one stops working); only its keyed hash is stored."""
    begin_write(session)
    locked = _lock_open_response(session, response)
    code = new_resume_code()
    locked.resume_code_hash = hash_resume_code(code, key)
    session.commit()
    return code


def response_for_resume_code(session: Session, code: str, key: str) -> Response:
    response = session.scalar(
        select(Response).where(Response.resume_code_hash == hash_resume_code(code, key))
    )
    if response is None or response.is_submitted:
        raise ResponseNotFound()
    return response


def submit_response(session: Session, response: Response, questionnaire: Questionnaire) -> Response:
    """Mark the response submitted exactly once; a second submit changes nothing."""
    begin_write(session)
    result = session.execute(
        update(Response)
        .where(Response.id == response.id, Response.status == ResponseStatus.IN_PROGRESS)
        .values(
            status=ResponseStatus.SUBMITTED,
            submitted_at=utc_now(),
            updated_at=utc_now(),
            current_page_id=None,
            resume_code_hash=None,
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    session.refresh(response)
    if getattr(result, "rowcount", 1) == 0 and not response.is_submitted:
        raise ResponseNotFound()
    return response


def _lock_open_response(session: Session, response: Response) -> Response:
    """Re-read the response under a row lock so two tabs cannot interleave their saves."""
    locked = session.scalar(select(Response).where(Response.id == response.id).with_for_update())
    if locked is None:
        session.rollback()
        raise ResponseNotFound()
    if locked.is_submitted:
        session.rollback()
        raise ResponseAlreadySubmitted()
    return locked
