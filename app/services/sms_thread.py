"""Development playground helpers: a test invitation, and a number's whole thread decrypted."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Area, Contact, Invitation, SmsConversation, SmsInbound, SmsOutbox
from app.models.clock import utc_now
from app.questionnaire import QuestionnaireLibrary
from app.services.contacts import new_contact
from app.services.encryption import ContactCipher
from app.services.invitation_sending import INVITATION, queue_invitation_text
from app.services.secrets_for_links import hash_link_token, new_link_token
from app.services.sms_settings import SmsSettings
from app.services.transactions import begin_write


@dataclass(frozen=True)
class ThreadEntry:
    at: datetime
    direction: str  # "in" (from the carer) or "out"
    text: str
    note: str = ""


def thread_for_phone(session: Session, cipher: ContactCipher, phone: str) -> list[ThreadEntry]:
    """Every stored message to and from ``phone`` (E.164), oldest first."""
    phone_hash = cipher.phone_hash(phone)
    contacts = session.scalars(select(Contact).where(Contact.phone_hash == phone_hash)).all()
    entries: list[ThreadEntry] = []
    for contact in contacts:
        messages = select(SmsOutbox).where(SmsOutbox.invitation_link == contact.invitation_link)
        for row in session.scalars(messages):
            text = cipher.decrypt_optional(row.body_encrypted) or "(deleted)"
            entries.append(ThreadEntry(row.created_at, "out", text, f"{row.kind}: {row.status}"))
        conversation = session.scalar(
            select(SmsConversation).where(SmsConversation.invitation_id == contact.invitation.id)
        )
        if conversation is None:
            continue
        inbound = session.scalars(
            select(SmsInbound).where(SmsInbound.conversation_id == conversation.id)
        )
        for message in inbound:
            body = cipher.decrypt_optional(message.body_encrypted) or "(deleted)"
            entries.append(ThreadEntry(message.received_at, "in", body, message.outcome))
            replies = json.loads(cipher.decrypt_optional(message.reply_encrypted) or "[]")
            for reply in replies:
                entries.append(ThreadEntry(message.received_at, "out", str(reply), "reply"))
    return sorted(entries, key=lambda entry: (entry.at, entry.direction == "out"))


def start_test_invitation(
    session: Session,
    cipher: ContactCipher,
    library: QuestionnaireLibrary,
    settings: SmsSettings,
    *,
    phone: str,
    questionnaire_id: str,
) -> bool:
    """Invite a test number in the first area and queue its invitation text; False if no area."""
    area = session.scalar(select(Area).order_by(Area.id).limit(1))
    if area is None:
        return False
    begin_write(session)
    token = new_link_token()
    invitation = Invitation(
        token_hash=hash_link_token(token),
        area_id=area.id,
        language="en",
        questionnaire_id=questionnaire_id,
        expires_at=utc_now() + timedelta(days=settings.invitation_valid_days),
    )
    session.add(invitation)
    contact = new_contact(cipher, invitation, phone=phone, link_token=token)
    session.add(contact)
    session.flush()
    queue_invitation_text(session, cipher, library, settings, invitation, contact, INVITATION)
    session.commit()
    return True
