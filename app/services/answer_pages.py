"""One page of a carer's answers: read what is stored, and save a page in one transaction.

These are the hottest paths of the web survey, so they use Core statements on plain rows
rather than ORM objects: the ORM's identity map and unit of work cost more than the SQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
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
from app.services.stored_answers_json import DIALECTS_WITH_ANSWERS_JSON, stored_answers_column
from app.services.transactions import begin_write

RawForm = Mapping[str, str | Sequence[str]]
Answers = dict[str, AnswerValue | None]

# Built once, not per request: building a statement and computing its cache key cost several
# times more than running it (~200 µs against ~30 µs on SQLite), and these run on every page.
_responses = cast(Table, Response.__table__)
_answers = cast(Table, Answer.__table__)
_people = cast(Table, ResponsePerson.__table__)

_OPEN_RESPONSE = (
    select(
        _responses.c.id,
        _responses.c.response_id,
        _responses.c.questionnaire_id,
        _responses.c.questionnaire_version,
        _responses.c.language,
        _responses.c.consent_given_at,
        _responses.c.invitation_id,
        _responses.c.status,
        _people.c.person_name_encrypted,
    )
    .select_from(_responses.outerjoin(_people, _people.c.response_id == _responses.c.id))
    .where(_responses.c.response_id == bindparam("public_id"))
)
# A page view's read: the same, with the response's stored answers as one JSON object in the
# same row (one statement, not two; rows per answer would repeat the response's columns).
# Dialects without the aggregate fall back to two statements.
_OPEN_RESPONSE_WITH_ANSWERS = {
    dialect: _OPEN_RESPONSE.add_columns(stored_answers_column(dialect, _responses.c.id))
    for dialect in DIALECTS_WITH_ANSWERS_JSON
}
# The same read as the first statement of a save: the response row stays locked until commit.
_OPEN_RESPONSE_FOR_SAVING = _OPEN_RESPONSE.with_for_update(of=_responses)
# Where read_open_response(for_saving=True) notes the transaction and the row it locked.
_LOCKED_KEY = "answer_pages.locked_response"
_STORED_ANSWERS = select(_answers.c.item_id, _answers.c.value).where(
    _answers.c.response_id == bindparam("key")
)
_LOCK_RESPONSE = (
    select(_responses.c.status).where(_responses.c.id == bindparam("key")).with_for_update()
)
_INSERT_ANSWER = insert(_answers)
_UPDATE_ANSWER = (
    update(_answers)
    .where(_answers.c.response_id == bindparam("key"), _answers.c.item_id == bindparam("item"))
    .values(value=bindparam("text"), updated_at=bindparam("now"))
)
_DELETE_ANSWERS = delete(_answers).where(
    _answers.c.response_id == bindparam("key"),
    _answers.c.item_id.in_(bindparam("gone", expanding=True)),
)
_TOUCH_RESPONSE = (
    update(_responses)
    .where(_responses.c.id == bindparam("key"))
    .values(current_page_id=bindparam("following"), updated_at=bindparam("now"))
)


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
    # The stored answers as read with the response (item id -> stored text), or None when
    # they were not (a save reads them again inside its own transaction), and the session
    # transaction they were read in: once it ends (a save commits) they are read afresh.
    stored_texts: Mapping[str, str | None] | None = None
    read_in: object | None = None


def read_open_response(
    session: Session,
    response_id: str | None,
    cipher: ContactCipher,
    *,
    for_saving: bool = False,
) -> OpenResponse:
    """The response a carer may still change, with the name they gave, in a single query.

    ``for_saving`` reads it as the first statement of the write transaction that
    ``save_page`` then completes, with the row locked: a save costs one transaction, not a
    read transaction, a rollback and a second lock.
    """
    if not response_id:
        raise ResponseNotFound()
    if for_saving:
        begin_write(session)
    connection = session.connection()
    if for_saving:
        statement = _OPEN_RESPONSE_FOR_SAVING
    else:
        statement = _OPEN_RESPONSE_WITH_ANSWERS.get(connection.dialect.name, _OPEN_RESPONSE)
    reads_answers = not for_saving and statement is not _OPEN_RESPONSE
    row = connection.execute(statement, {"public_id": response_id}).first()
    if row is None or row.status == ResponseStatus.SUBMITTED:
        if for_saving:
            session.rollback()
        raise ResponseNotFound() if row is None else ResponseAlreadySubmitted()
    if for_saving:
        session.info[_LOCKED_KEY] = (session.get_transaction(), row.id)
    return OpenResponse(
        id=row.id,
        response_id=row.response_id,
        questionnaire_id=row.questionnaire_id,
        questionnaire_version=row.questionnaire_version,
        language=row.language,
        consent_given_at=row.consent_given_at,
        invitation_id=row.invitation_id,
        person_name=cipher.decrypt_optional(row.person_name_encrypted),
        # No answers yet: SQLite's aggregate gives {}, PostgreSQL's gives NULL.
        stored_texts=(row.stored_answers or {}) if reads_answers else None,
        read_in=session.get_transaction() if reads_answers else None,
    )


def load_answers(
    session: Session, response: HasResponseKey, questionnaire: Questionnaire
) -> Answers:
    """Stored answers as engine values; items no longer in the questionnaire are ignored."""
    if (
        isinstance(response, OpenResponse)
        and response.stored_texts is not None
        and response.read_in is session.get_transaction()
    ):
        return _as_answers(questionnaire, response.stored_texts)
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
    if not _locked_in_this_transaction(session, response.id):
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
    session.connection().execute(
        _TOUCH_RESPONSE,
        {"key": response.id, "following": following.id if following else None, "now": utc_now()},
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
    rows = session.connection().execute(_STORED_ANSWERS, {"key": response_key})
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
    connection = session.connection()
    if gone:
        connection.execute(_DELETE_ANSWERS, {"key": response_key, "gone": gone})
    if new_rows:
        connection.execute(_INSERT_ANSWER, new_rows)
    if changed_rows:
        connection.execute(_UPDATE_ANSWER, changed_rows)


def _locked_in_this_transaction(session: Session, response_key: int) -> bool:
    """Whether read_open_response(for_saving=True) locked this row in the open transaction."""
    locked = session.info.get(_LOCKED_KEY)
    transaction = session.get_transaction()
    return (
        locked is not None
        and transaction is not None
        and locked[0] is transaction
        and transaction.is_active
        and locked[1] == response_key
    )


def _lock_open_response(session: Session, response_key: int) -> None:
    """Lock the response row so two tabs cannot interleave their saves of the same response."""
    status = session.connection().execute(_LOCK_RESPONSE, {"key": response_key}).scalar()
    if status is None:
        session.rollback()
        raise ResponseNotFound()
    if status == ResponseStatus.SUBMITTED:
        session.rollback()
        raise ResponseAlreadySubmitted()
