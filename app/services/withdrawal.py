"""A carer withdraws: their answers, names, contact details and message texts are deleted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.orm import Session

from app.models import (
    Answer,
    Contact,
    ConversationState,
    Invitation,
    OutboxStatus,
    Response,
    ResponsePerson,
    SmsConversation,
    SmsInbound,
    SmsOutbox,
    Withdrawal,
    WithdrawalCode,
)
from app.models.clock import utc_now
from app.services.errors import ResponseNotFound
from app.services.secrets_for_links import hash_resume_code, new_resume_code
from app.services.transactions import begin_write


@dataclass(frozen=True)
class WithdrawalReceipt:
    """What was deleted, as counts only: safe to log and to show."""

    answers_deleted: int
    messages_erased: int
    contact_deleted: bool
    was_submitted: bool


def withdraw_response(
    session: Session, response: Response, *, via: str = "sms", now: datetime | None = None
) -> WithdrawalReceipt:
    """Delete everything of one response, inside the caller's write transaction.

    The caller has called begin_write and commits afterwards (the SMS conversation does this
    with its reply in the same transaction). Answers, the person's name, the withdrawal code
    and the response go; when it came from an invitation, its contact details and message
    texts go too and nothing more is sent. A tombstone keeps the area and the day, no more.
    """
    moment = now or utc_now()
    answers = int(
        session.scalar(
            select(func.count(Answer.response_id)).where(Answer.response_id == response.id)
        )
        or 0
    )
    was_submitted = response.is_submitted
    area_id = response.area_id
    messages, contact_deleted = 0, False
    if response.invitation_id is not None:
        messages, contact_deleted = withdraw_invitation(session, response.invitation_id, now=moment)
    for table in (Answer, ResponsePerson, WithdrawalCode):
        session.execute(delete(table).where(table.response_id == response.id))
    session.execute(delete(Response).where(Response.id == response.id))
    session.add(
        Withdrawal(
            area_id=area_id, via=via, was_submitted=was_submitted, withdrawn_on=moment.date()
        )
    )
    return WithdrawalReceipt(answers, messages, contact_deleted, was_submitted)


def withdraw_invitation(
    session: Session, invitation_id: int, *, now: datetime | None = None
) -> tuple[int, bool]:
    """Erase an invitation's message texts and contact, and stop it (caller's transaction).

    Returns how many message texts were erased and whether a contact was deleted. The
    invitation row stays, marked withdrawn, so response rates still count it.
    """
    moment = now or utc_now()
    # Contacts and outbox rows name the invitation only by its random link (issue 3). A
    # subquery, not a fetched value: a missing invitation then matches nothing, never "IS NULL".
    link_id = select(Invitation.link_id).where(Invitation.id == invitation_id).scalar_subquery()
    conversations = select(SmsConversation.id).where(SmsConversation.invitation_id == invitation_id)
    inbound_with_text = (SmsInbound.conversation_id.in_(conversations)) & (
        SmsInbound.body_encrypted.is_not(None) | SmsInbound.reply_encrypted.is_not(None)
    )
    outbound_with_text = and_(
        SmsOutbox.invitation_link == link_id, SmsOutbox.body_encrypted.is_not(None)
    )
    erased = int(session.scalar(select(func.count(SmsInbound.id)).where(inbound_with_text)) or 0)
    erased += int(session.scalar(select(func.count(SmsOutbox.id)).where(outbound_with_text)) or 0)
    session.execute(
        update(SmsInbound)
        .where(inbound_with_text)
        .values(body_encrypted=None, reply_encrypted=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(SmsOutbox)
        .where(SmsOutbox.invitation_link == link_id, SmsOutbox.status == OutboxStatus.QUEUED)
        .values(status=OutboxStatus.CANCELLED, last_error="withdrawn", updated_at=moment)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(SmsOutbox)
        .where(outbound_with_text)
        .values(body_encrypted=None)
        .execution_options(synchronize_session=False)
    )
    deleted = session.execute(delete(Contact).where(Contact.invitation_link == link_id))
    session.execute(
        update(SmsConversation)
        .where(SmsConversation.invitation_id == invitation_id)
        .values(state=ConversationState.WITHDRAWN, response_id=None, updated_at=moment)
    )
    # The personal link stops working too: there is nothing left to come back to.
    session.execute(
        update(Invitation)
        .where(Invitation.id == invitation_id)
        .values(withdrawn_at=moment, expires_at=moment)
    )
    return erased, bool(getattr(deleted, "rowcount", 0))


def withdraw(
    session: Session, response_id: str, *, via: str = "web", now: datetime | None = None
) -> WithdrawalReceipt:
    """The web's withdrawal: one transaction, under a row lock, for the response's public id."""
    begin_write(session)
    response = session.scalar(
        select(Response).where(Response.response_id == response_id).with_for_update()
    )
    if response is None:
        session.rollback()
        raise ResponseNotFound()
    receipt = withdraw_response(session, response, via=via, now=now)
    session.commit()
    return receipt


def issue_withdrawal_code(session: Session, response: Response, key: str) -> str:
    """A fresh code for a sent response (an earlier one stops working); only its hash is kept."""
    code = new_resume_code()
    begin_write(session)
    session.execute(delete(WithdrawalCode).where(WithdrawalCode.response_id == response.id))
    session.add(WithdrawalCode(response_id=response.id, code_hash=hash_resume_code(code, key)))
    session.commit()
    return code


def response_for_code(session: Session, code: str, key: str) -> Response:
    """The response a resume code (still answering) or a withdrawal code (sent) belongs to."""
    hashed = hash_resume_code(code, key)
    response = session.scalar(select(Response).where(Response.resume_code_hash == hashed))
    if response is None:
        response = session.scalar(
            select(Response)
            .join(WithdrawalCode, WithdrawalCode.response_id == Response.id)
            .where(WithdrawalCode.code_hash == hashed)
        )
    if response is None:
        raise ResponseNotFound()
    return response
