"""Contacts: numbers checked and normalised, details encrypted, opt-outs kept, purged on demand."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, Protocol

import phonenumbers
from phonenumbers import PhoneNumberType
from sqlalchemy import Select, bindparam, delete, select, update
from sqlalchemy.orm import Session

from app.models import Contact, Invitation, OutboxStatus, SmsOptOut, SmsOutbox
from app.models.clock import utc_now
from app.services.encryption import ContactCipher
from app.services.sms_upserts import insert_or_ignore
from app.services.transactions import begin_write

DEFAULT_REGION = "GB"
# Longer than any real number with spaces; stops the parser chewing on pasted paragraphs.
MAX_PHONE_TEXT = 40
_TEXTABLE = {
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.PERSONAL_NUMBER,
}


class InvalidPhoneNumber(ValueError):
    """A number we cannot text; the message says why without repeating the number."""


@dataclass(frozen=True)
class ContactDetails:
    """A contact's decrypted details, for composing one message; never logged or stored."""

    phone: str | None
    email: str | None
    person_name: str | None
    relationship: str | None
    link_token: str | None


def normalise_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """E.164 for a number that can receive texts (GB when written without +44)."""
    text = raw.strip()
    if not text or len(text) > MAX_PHONE_TEXT:
        raise InvalidPhoneNumber("the phone number is missing or too long")
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as problem:
        raise InvalidPhoneNumber("the phone number could not be read") from problem
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhoneNumber("the phone number is not a valid number")
    if phonenumbers.number_type(parsed) not in _TEXTABLE:
        # Some UK carriers turn a text to a landline into a robot voice call (SMS.md).
        raise InvalidPhoneNumber("the phone number is not a mobile number, so it cannot get texts")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=4096)
def sender_number(raw: str) -> str | None:
    """The E.164 form of a webhook's From, or None when it is not a phone number at all.

    Cached: every text from a carer carries the same From, and parsing it is not free.
    """
    text = raw.strip()
    if not text or len(text) > MAX_PHONE_TEXT:
        return None
    try:
        parsed = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def new_contact(
    cipher: ContactCipher,
    invitation: Invitation,
    *,
    phone: str | None,
    email: str | None = None,
    person_name: str | None = None,
    relationship: str | None = None,
    link_token: str | None = None,
) -> Contact:
    """A contact row for an invitation (not yet added to a session)."""
    return Contact(
        invitation=invitation,
        phone_hash=cipher.phone_hash(phone) if phone else None,
        phone_encrypted=cipher.encrypt_optional(phone),
        email_encrypted=cipher.encrypt_optional(email),
        person_name_encrypted=cipher.encrypt_optional(person_name),
        relationship_code=relationship,
        link_token_encrypted=cipher.encrypt_optional(link_token),
    )


class EncryptedContact(Protocol):
    """A contact's stored details: a Contact, or the plain row an inbound text reads."""

    @property
    def phone_encrypted(self) -> str | None: ...
    @property
    def email_encrypted(self) -> str | None: ...
    @property
    def person_name_encrypted(self) -> str | None: ...
    @property
    def relationship_code(self) -> str | None: ...
    @property
    def link_token_encrypted(self) -> str | None: ...


def contact_details(cipher: ContactCipher, contact: EncryptedContact) -> ContactDetails:
    return ContactDetails(
        phone=cipher.decrypt_optional(contact.phone_encrypted),
        email=cipher.decrypt_optional(contact.email_encrypted),
        person_name=cipher.decrypt_optional(contact.person_name_encrypted),
        relationship=contact.relationship_code,
        link_token=cipher.decrypt_optional(contact.link_token_encrypted),
    )


@dataclass(frozen=True)
class ContactIds:
    contact_id: int
    invitation_id: int


# Built once: these run on every inbound text, where building a statement cost more than
# running it.
_CONTACTS_FOR_PHONE = (
    select(Contact.id, Invitation.id, Invitation.withdrawn_at, Invitation.expires_at)
    .join(Invitation, Invitation.link_id == Contact.invitation_link)
    .where(Contact.phone_hash == bindparam("phone_hash"))
    .order_by(Invitation.created_at.desc(), Invitation.id.desc())
)
_OPTED_OUT = select(SmsOptOut.phone_hash).where(SmsOptOut.phone_hash == bindparam("phone_hash"))


def contact_for_phone(session: Session, phone_hash: str) -> ContactIds | None:
    """The contact a text from this number belongs to: its newest open invitation first."""
    rows = session.connection().execute(_CONTACTS_FOR_PHONE, {"phone_hash": phone_hash}).all()
    now = utc_now()
    for contact_id, invitation_id, withdrawn_at, expires_at in rows:
        if withdrawn_at is None and (expires_at is None or expires_at > now):
            return ContactIds(contact_id, invitation_id)
    return ContactIds(rows[0][0], rows[0][1]) if rows else None


def is_opted_out(session: Session, phone_hash: str) -> bool:
    parameters = {"phone_hash": phone_hash}
    return session.connection().execute(_OPTED_OUT, parameters).first() is not None


def record_opt_out(session: Session, phone_hash: str, source: str, now: datetime) -> None:
    """Opt a number out and cancel its queued messages (inside the caller's transaction)."""
    insert_or_ignore(
        session,
        SmsOptOut,
        {"phone_hash": phone_hash, "opted_out_at": now, "source": source},
        ["phone_hash"],
    )
    links = select(Contact.invitation_link).where(Contact.phone_hash == phone_hash)
    session.execute(
        update(SmsOutbox)
        .where(SmsOutbox.invitation_link.in_(links), SmsOutbox.status == OutboxStatus.QUEUED)
        .values(status=OutboxStatus.CANCELLED, last_error="opted out", updated_at=now)
        .execution_options(synchronize_session=False)
    )


def remove_opt_out(session: Session, phone_hash: str) -> bool:
    """START: the number may be messaged again; True if it had opted out."""
    result = session.execute(delete(SmsOptOut).where(SmsOptOut.phone_hash == phone_hash))
    return bool(getattr(result, "rowcount", 0))


def cancel_queued_for_invitation(session: Session, invitation_id: int, reason: str) -> None:
    """Nothing queued for this invitation is sent (declined, withdrawn, finished)."""
    # The outbox names the invitation only by its random link (issue 3).
    link = select(Invitation.link_id).where(Invitation.id == invitation_id).scalar_subquery()
    session.execute(
        update(SmsOutbox)
        .where(SmsOutbox.invitation_link == link, SmsOutbox.status == OutboxStatus.QUEUED)
        .values(status=OutboxStatus.CANCELLED, last_error=reason, updated_at=utc_now())
        .execution_options(synchronize_session=False)
    )


def purge_contact(session: Session, contact_id: int) -> bool:
    """Delete a contact's details for good (retention or withdrawal); True if there was one.

    Queued messages to it are cancelled and the bodies of its messages erased; the opt-out
    list keeps only the keyed hash, so an opted-out number stays opted out.
    """
    begin_write(session)
    contact = session.get(Contact, contact_id)
    if contact is None:
        session.rollback()
        return False
    forget_outbox_messages(session, [contact.invitation_link])
    session.delete(contact)
    session.commit()
    return True


def forget_outbox_messages(session: Session, links: Iterable[str | None] | Select[Any]) -> None:
    """Cancel what is queued to these invitations' contacts and erase every body sent to them.

    The outbox reaches a contact only through the invitation's random link (issue 3); called
    inside the caller's write transaction when contacts are deleted.
    """
    session.execute(
        update(SmsOutbox)
        .where(SmsOutbox.invitation_link.in_(links), SmsOutbox.status == OutboxStatus.QUEUED)
        .values(status=OutboxStatus.CANCELLED, last_error="contact purged", updated_at=utc_now())
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(SmsOutbox)
        .where(SmsOutbox.invitation_link.in_(links))
        .values(body_encrypted=None)
        .execution_options(synchronize_session=False)
    )
