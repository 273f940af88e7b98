"""One page of a carer's answers: read what is stored, and save a page in one transaction.

These are the hottest paths of the web survey, so they use Core statements on plain rows
rather than ORM objects: the ORM's identity map and unit of work cost more than the SQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, cast

from sqlalchemy import Table, and_, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from app.i18n.answer_messages import problem_message
from app.models import Answer, Response, ResponsePerson
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
from app.services.encryption import ContactCipher
from app.services.errors import (
    PageAnswersInvalid,
    PageNotOnRoute,
    ResponseAlreadySubmitted,
    ResponseNotFound,
)
from app.services.transactions import begin_write

RawForm = Mapping[str, str | Sequence[str]]
Answers = dict[str, AnswerValue | None]


class HasResponseKey(Protocol):
    """Anything that names a stored response by its primary key (a model or a CarerPage)."""

    @property
    def id(self) -> int: ...


@dataclass(frozen=True)
class SavedPage:
    """Where the carer goes after a page is saved: the next page, or None for the check page."""

    next_page_id: str | None


@dataclass(frozen=True)
class OpenResponse:
    """What a question page needs to know about the carer's response, read in one query."""

    id: int
    response_id: str
    questionnaire_id: str
    questionnaire_version: int
    language: str
    consent_given_at: datetime | None
    invitation_id: int | None
    person_name: str | None


def read_open_response(
    session: Session, response_id: str | None, cipher: ContactCipher
) -> OpenResponse:
    """The response a carer may still change, with the name they gave, in a single query."""
    if not response_id:
        raise ResponseNotFound()
    row = session.execute(
        select(
            Response.id,
            Response.response_id,
            Response.questionnaire_id,
            Response.questionnaire_version,
            Response.language,
            Response.consent_given_at,
            Response.invitation_id,
            Response.status,
            ResponsePerson.person_name_encrypted,
        )
        .outerjoin(ResponsePerson, ResponsePerson.response_id == Response.id)
        .where(Response.response_id == response_id)
    ).first()
    if row is None:
        raise ResponseNotFound()
    if row.status == ResponseStatus.SUBMITTED:
        raise ResponseAlreadySubmitted()
    return OpenResponse(
        id=row.id,
        response_id=row.response_id,
        questionnaire_id=row.questionnaire_id,
        questionnaire_version=row.questionnaire_version,
        language=row.language,
        consent_given_at=row.consent_given_at,
        invitation_id=row.invitation_id,
        person_name=cipher.decrypt_optional(row.person_name_encrypted),
    )


def load_answers(
    session: Session, response: HasResponseKey, questionnaire: Questionnaire
) -> Answers:
    """Stored answers as engine values; items no longer in the questionnaire are ignored."""
    return _as_answers(questionnaire, _stored_texts(session, response.id))


def parse_page(
    questionnaire: Questionnaire,
    page_id: str,
    answers: Mapping[str, AnswerValue | None],
    form: RawForm,
) -> Answers:
    """Every visible item's answer from the form, or PageAnswersInvalid naming each problem."""
    page = questionnaire.page(page_id)
    parsed: Answers = {}
    errors: dict[str, str] = {}
    for item in visible_items(questionnaire, page, answers):
        if not item.is_answerable:
            continue
        try:
            parsed[item.id] = parse_answer(item, form.get(item.id))
        except InvalidAnswer as problem:
            errors[item.id] = problem_message(problem)
    if errors:
        raise PageAnswersInvalid(errors)
    return parsed


def save_page(
    session: Session,
    response: HasResponseKey,
    questionnaire: Questionnaire,
    page_id: str,
    form: RawForm,
) -> SavedPage:
    """Validate a page, then store it in one transaction: all of it or none of it."""
    if not questionnaire.has_page(page_id):
        raise PageNotOnRoute(page_id)
    begin_write(session)
    _lock_open_response(session, response.id)
    stored = _stored_texts(session, response.id)
    answers = _as_answers(questionnaire, stored)
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
    following = next_page(questionnaire, kept, page_id)
    _write_changes(session, response.id, questionnaire, stored, kept)
    session.execute(
        update(Response)
        .where(Response.id == response.id)
        .values(current_page_id=following.id if following else None, updated_at=utc_now())
    )
    session.commit()
    return SavedPage(next_page_id=following.id if following else None)


def resume_page_id(
    questionnaire: Questionnaire, answers: Mapping[str, AnswerValue | None]
) -> str | None:
    """Where a returning carer carries on: the first page they have not seen yet."""
    unseen = first_unseen_page(questionnaire, answers)
    return unseen.id if unseen is not None else None


def _stored_texts(session: Session, response_key: int) -> dict[str, str | None]:
    rows = session.execute(
        select(Answer.item_id, Answer.value).where(Answer.response_id == response_key)
    )
    return {item_id: value for item_id, value in rows}


def _as_answers(questionnaire: Questionnaire, stored: Mapping[str, str | None]) -> Answers:
    return {
        item_id: deserialise_answer(questionnaire.item(item_id), value)
        for item_id, value in stored.items()
        if questionnaire.has_item(item_id)
    }


def _write_changes(
    session: Session,
    response_key: int,
    questionnaire: Questionnaire,
    stored: Mapping[str, str | None],
    kept: Mapping[str, AnswerValue | None],
) -> None:
    """Delete, insert and update only the answers that changed, each as one statement."""
    now = utc_now()
    gone = [item_id for item_id in stored if item_id not in kept]
    new_rows: list[dict[str, object]] = []
    changed_rows: list[dict[str, object]] = []
    for item_id, value in kept.items():
        text = None if value is None else serialise_answer(questionnaire.item(item_id), value)
        if item_id not in stored:
            new_rows.append(
                {"response_id": response_key, "item_id": item_id, "value": text, "updated_at": now}
            )
        elif stored[item_id] != text:
            changed_rows.append({"key": response_key, "item": item_id, "text": text, "now": now})
    if gone:
        session.execute(
            delete(Answer).where(Answer.response_id == response_key, Answer.item_id.in_(gone))
        )
    if new_rows:
        session.execute(insert(Answer), new_rows)
    if changed_rows:
        answers_table = cast(Table, Answer.__table__)
        session.connection().execute(
            update(answers_table)
            .where(
                and_(
                    answers_table.c.response_id == bindparam("key"),
                    answers_table.c.item_id == bindparam("item"),
                )
            )
            .values(value=bindparam("text"), updated_at=bindparam("now")),
            changed_rows,
        )


def _lock_open_response(session: Session, response_key: int) -> None:
    """Lock the response row so two tabs cannot interleave their saves of the same response."""
    status = session.execute(
        select(Response.status).where(Response.id == response_key).with_for_update()
    ).scalar_one_or_none()
    if status is None:
        session.rollback()
        raise ResponseNotFound()
    if status == ResponseStatus.SUBMITTED:
        session.rollback()
        raise ResponseAlreadySubmitted()
