"""Build an invited carer's traces directly: contact, texts both ways, a response with answers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
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
)
from app.models.clock import utc_now
from app.services.contacts import new_contact
from app.services.encryption import ContactCipher


@dataclass(frozen=True)
class CarerTraces:
    invitation_id: int
    response_pk: int
    response_id: str


def add_invited_carer(
    session: Session,
    cipher: ContactCipher,
    *,
    area_id: int,
    phone: str = "+447911123456",
    created_at: datetime | None = None,
    expires_at: datetime | None = None,
    status: str = "submitted",
    comment: str = "The nurses were kind",
    person: str = "Mum",
) -> CarerTraces:
    """An invitation by text that was answered by text, with a queued reminder still waiting."""
    made = created_at or utc_now()
    invitation = Invitation(
        token_hash=uuid.uuid4().hex + uuid.uuid4().hex,
        area_id=area_id,
        questionnaire_id="voices-core",
        created_at=made,
        expires_at=expires_at,
    )
    session.add(invitation)
    session.flush()
    contact = new_contact(
        cipher, invitation, phone=phone, person_name=person, email="carer@example.com"
    )
    session.add(contact)
    response = Response(
        response_id=str(uuid.uuid4()),
        questionnaire_id="voices-core",
        questionnaire_version=1,
        channel="sms",
        status=status,
        area_id=area_id,
        invitation_id=invitation.id,
        started_at=made,
        submitted_at=made if status == "submitted" else None,
    )
    session.add(response)
    session.flush()
    session.add_all(
        [
            Answer(response_id=response.id, item_id="overall.good", value=comment),
            Answer(response_id=response.id, item_id="home.any_time", value="yes"),
            ResponsePerson(response_id=response.id, person_name_encrypted=cipher.encrypt(person)),
        ]
    )
    conversation = SmsConversation(
        invitation_id=invitation.id, response_id=response.id, state=ConversationState.ASKING
    )
    session.add(conversation)
    session.flush()
    session.add_all(
        [
            SmsInbound(
                message_sid="SM" + uuid.uuid4().hex,
                conversation_id=conversation.id,
                body_encrypted=cipher.encrypt(comment),
                reply_encrypted=cipher.encrypt("Thank you. Next question..."),
                outcome="answer",
                received_at=made,
            ),
            SmsOutbox(
                invitation_link=invitation.link_id,
                kind="invitation",
                body_encrypted=cipher.encrypt(f"Hello, about {person}..."),
                status=OutboxStatus.DELIVERED,
            ),
            SmsOutbox(
                invitation_link=invitation.link_id,
                kind="reminder",
                body_encrypted=cipher.encrypt("A reminder"),
                status=OutboxStatus.QUEUED,
            ),
        ]
    )
    session.commit()
    return CarerTraces(invitation.id, response.id, response.response_id)


def texts_left(session: Session, invitation_id: int) -> int:
    """Message bodies or replies still stored for the invitation, either direction."""
    conversation_ids = select(SmsConversation.id).where(
        SmsConversation.invitation_id == invitation_id
    )
    inbound = session.scalar(
        select(func.count(SmsInbound.id)).where(
            SmsInbound.conversation_id.in_(conversation_ids),
            SmsInbound.body_encrypted.is_not(None) | SmsInbound.reply_encrypted.is_not(None),
        )
    )
    outbound = session.scalar(
        select(func.count(SmsOutbox.id))
        .join(Invitation, Invitation.link_id == SmsOutbox.invitation_link)
        .where(Invitation.id == invitation_id, SmsOutbox.body_encrypted.is_not(None))
    )
    return int(inbound or 0) + int(outbound or 0)


def contacts_left(session: Session, invitation_id: int) -> int:
    return int(
        session.scalar(
            select(func.count(Contact.id))
            .join(Invitation, Invitation.link_id == Contact.invitation_link)
            .where(Invitation.id == invitation_id)
        )
        or 0
    )
