"""A carer withdraws: everything of their response goes, and only a PII-free tombstone stays."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import (
    Answer,
    ConversationState,
    Invitation,
    OutboxStatus,
    Response,
    ResponsePerson,
    SmsConversation,
    SmsOutbox,
    Withdrawal,
    WithdrawalCode,
)
from app.services import withdrawal
from app.services.encryption import contact_cipher
from app.services.errors import ResponseNotFound
from app.services.transactions import begin_write
from tests.services.carer_traces import add_invited_carer, contacts_left, texts_left


def test_withdrawing_an_invited_response_removes_answers_names_contact_and_texts(
    app: Flask, session: Session, places: dict[str, int]
) -> None:
    cipher = contact_cipher(app.config)
    amira = add_invited_carer(session, cipher, area_id=places["north-riverside"])
    brian = add_invited_carer(
        session, cipher, area_id=places["north-riverside"], phone="+447911123457"
    )
    response = session.get(Response, amira.response_pk)
    assert response is not None

    # The SMS channel calls this inside its own transaction, with its reply (DELETE keyword).
    begin_write(session)
    receipt = withdrawal.withdraw_response(session, response, via="sms")
    session.commit()

    assert receipt.answers_deleted == 2 and receipt.contact_deleted and receipt.was_submitted
    assert receipt.messages_erased == 3  # one text in, two out
    assert session.get(Response, amira.response_pk) is None
    assert not session.scalars(select(Answer).where(Answer.response_id == amira.response_pk)).all()
    assert session.get(ResponsePerson, amira.response_pk) is None
    assert contacts_left(session, amira.invitation_id) == 0
    assert texts_left(session, amira.invitation_id) == 0
    reminder = session.scalar(
        select(SmsOutbox)
        .join(Invitation, Invitation.link_id == SmsOutbox.invitation_link)
        .where(Invitation.id == amira.invitation_id, SmsOutbox.kind == "reminder")
    )
    assert reminder is not None and reminder.status == OutboxStatus.CANCELLED
    conversation = session.scalar(
        select(SmsConversation).where(SmsConversation.invitation_id == amira.invitation_id)
    )
    assert conversation is not None and conversation.state == ConversationState.WITHDRAWN
    invitation = session.get(Invitation, amira.invitation_id)
    assert invitation is not None and invitation.withdrawn_at is not None
    assert invitation.expires_at is not None and invitation.expires_at <= invitation.withdrawn_at

    # Brian's response is untouched.
    assert session.get(Response, brian.response_pk) is not None
    assert contacts_left(session, brian.invitation_id) == 1
    assert texts_left(session, brian.invitation_id) == 3

    [tombstone] = session.scalars(select(Withdrawal)).all()
    assert (tombstone.area_id, tombstone.via, tombstone.was_submitted) == (
        places["north-riverside"],
        "sms",
        True,
    )


def test_withdrawing_an_open_link_response_by_code(
    app: Flask,
    session: Session,
    add_response,
    places: dict[str, int],  # type: ignore[no-untyped-def]
) -> None:
    response = add_response({"overall.good": "private words"})
    code = withdrawal.issue_withdrawal_code(session, response, "key")
    stored = session.scalar(select(WithdrawalCode.code_hash))
    assert stored and code.replace("-", "") not in stored

    found = withdrawal.response_for_code(session, code.lower().replace("-", " "), "key")
    receipt = withdrawal.withdraw(session, found.response_id)
    assert receipt.answers_deleted == 1 and not receipt.contact_deleted
    assert session.scalar(select(func.count(Response.id))) == 0
    assert session.scalar(select(func.count(WithdrawalCode.response_id))) == 0
    assert session.scalar(select(func.count(Withdrawal.id))) == 1


def test_a_new_withdrawal_code_replaces_the_old_one(
    session: Session,
    add_response,  # type: ignore[no-untyped-def]
) -> None:
    response = add_response({})
    first = withdrawal.issue_withdrawal_code(session, response, "key")
    second = withdrawal.issue_withdrawal_code(session, response, "key")
    assert withdrawal.response_for_code(session, second, "key").id == response.id
    with pytest.raises(ResponseNotFound):
        withdrawal.response_for_code(session, first, "key")
