"""Answers given by text: one item at a time, on the web link's response, routed by the engine."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Contact, Invitation, Response, ResponseStatus
from app.questionnaire import (
    AnswerValue,
    Item,
    Questionnaire,
    deserialise_answer,
    item_is_shown,
    prune_answers,
    serialise_answer,
)
from app.services.contacts import record_opt_out
from app.services.sms_turn_rows import (
    AnswerRow,
    ConversationRow,
    InvitationRow,
    ResponseRow,
    lock_response_of_invitation,
    read_answers,
    write_answers,
)
from app.services.sms_upserts import insert_or_ignore
from app.services.withdrawal import withdraw_invitation, withdraw_response

Answers = dict[str, AnswerValue | None]
AnswerRows = dict[str, AnswerRow]


def response_for_conversation(
    session: Session,
    invitation: InvitationRow,
    questionnaire: Questionnaire,
    language: str,
    now: datetime,
) -> ResponseRow:
    """The invitation's one response, started here (channel sms) unless the web started it.

    The insert ignores a conflict on invitation_id, so a carer opening the link while their
    text is being handled still ends up with a single response.
    """
    insert_or_ignore(
        session,
        Response,
        {
            "response_id": str(uuid.uuid4()),
            "questionnaire_id": questionnaire.id,
            "questionnaire_version": questionnaire.version,
            "channel": "sms",
            "language": language,
            "status": ResponseStatus.IN_PROGRESS,
            "area_id": invitation.area_id,
            "community_group_id": invitation.community_group_id,
            "invitation_id": invitation.id,
            "started_at": now,
            "updated_at": now,
        },
        ["invitation_id"],
    )
    response = lock_response_of_invitation(session.connection(), invitation.id)
    assert response is not None
    return response


def answer_rows(session: Session, response: ResponseRow) -> AnswerRows:
    """The response's stored answer rows by item id (read once per text, under its lock)."""
    return read_answers(session.connection(), response.id)


def answers_from_rows(rows: AnswerRows, questionnaire: Questionnaire) -> Answers:
    """Stored answers as engine values; items no longer in the questionnaire are ignored."""
    return {
        key: deserialise_answer(questionnaire.item(key), row.value)
        for key, row in rows.items()
        if questionnaire.has_item(key)
    }


def save_item_answer(
    session: Session,
    response: ResponseRow,
    questionnaire: Questionnaire,
    item_id: str,
    value: AnswerValue | None,
    now: datetime,
    rows: AnswerRows,
) -> Answers:
    """Store one answer (None = skipped) and drop answers routing no longer asks for.

    The same rule as a web page save: the store never contradicts the questionnaire.
    ``rows`` are the response's answer rows, read under the response's row lock.
    """
    answers = answers_from_rows(rows, questionnaire)
    answers[item_id] = value
    kept = prune_answers(questionnaire, answers)
    deleted: list[str] = []
    for key in list(rows):
        if key not in kept:
            deleted.append(key)
            del rows[key]
    inserted: dict[str, str | None] = {}
    updated: list[tuple[str, str | None]] = []
    for key, kept_value in kept.items():
        item = questionnaire.item(key)
        text = None if kept_value is None else serialise_answer(item, kept_value)
        existing = rows.get(key)
        if existing is None:
            inserted[key] = text
        elif existing.value != text:
            updated.append((key, text))
            existing.value = text
    write_answers(
        session.connection(),
        response.id,
        now,
        inserted=inserted,
        updated=updated,
        deleted=deleted,
    )
    for key, text in inserted.items():
        rows[key] = AnswerRow(text)
    response.updated_at = now
    return kept


def next_sms_item(questionnaire: Questionnaire, answers: Answers) -> Item | None:
    """The first SMS-form question on this carer's route not yet answered on either channel."""
    for item_id in questionnaire.sms_form:
        item = questionnaire.item(item_id)
        if item_id not in answers and item_is_shown(questionnaire, item, answers):
            return item
    return None


def previous_sms_item(
    questionnaire: Questionnaire, answers: Answers, current_id: str | None
) -> Item | None:
    """The SMS-form question asked before ``current_id`` on this carer's route, if any."""
    order = list(questionnaire.sms_form)
    end = order.index(current_id) if current_id in order else len(order)
    for item_id in reversed(order[:end]):
        item = questionnaire.item(item_id)
        if item_is_shown(questionnaire, item, answers):
            return item
    return None


def mark_submitted(response: ResponseRow, now: datetime) -> None:
    """The survey is done: the web link and the text conversation both stop asking."""
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = now
    response.updated_at = now
    response.current_page_id = None
    response.resume_code_hash = None


def withdraw(
    session: Session,
    invitation: InvitationRow,
    conversation: ConversationRow,
    now: datetime,
) -> None:
    """DELETE by text: the web's withdrawal, so contact and texts go too; nothing more is sent."""
    # Someone who asked for everything to be deleted is never texted again: only the keyed
    # hash of the number stays, on the opt-out list, as it would after STOP.
    phone_hash = session.scalar(
        select(Contact.phone_hash)
        .join(Invitation, Invitation.link_id == Contact.invitation_link)
        .where(Invitation.id == invitation.id)
    )
    if phone_hash:
        record_opt_out(session, phone_hash, "delete", now)
    response = session.scalar(select(Response).where(Response.invitation_id == invitation.id))
    if response is not None:
        withdraw_response(session, response, via="sms", now=now)
    else:
        withdraw_invitation(session, invitation.id, now=now)
    invitation.withdrawn_at = now
    # The personal link stops working too: there is nothing left to resume.
    invitation.expires_at = now
    conversation.response_id = None
