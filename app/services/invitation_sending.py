"""Queue invitation texts, and at most two reminders to carers who have not started."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, contains_eager

from app.i18n.questionnaires import localised
from app.models import (
    Contact,
    ConversationState,
    Invitation,
    OutboxStatus,
    Response,
    SmsConversation,
    SmsOutbox,
)
from app.models.clock import utc_now
from app.questionnaire import Questionnaire, QuestionnaireLibrary, person_phrase, sms_segments
from app.services.codesign_publishing import current_questionnaire_for_area
from app.services.contacts import contact_details, is_opted_out
from app.services.encryption import ContactCipher
from app.services.outbox import queue_message
from app.services.sms_settings import SmsSettings
from app.services.transactions import begin_write
from app.sms.texts import TEXT_BUDGETS, budget_for, sms_text

INVITATION, REMINDER = "invitation", "reminder"
# A reminder follows a message Twilio reported as sent or delivered, never a failed one.
_REACHED = (OutboxStatus.SENT, OutboxStatus.DELIVERED)


@dataclass
class QueueSummary:
    queued: int = 0
    held: int = 0  # too soon after the death: queued on a later day
    opted_out: int = 0
    skipped: int = 0  # no link or number, or nothing due yet


def compose_invitation_text(
    kind: str,
    questionnaire: Questionnaire,
    settings: SmsSettings,
    *,
    language: str,
    person_name: str | None,
    relationship: str | None,
    link: str,
) -> str:
    """The invitation or reminder, naming the person if that still fits the segment budget."""
    # "your partner" must be in the carer's language too, not English inside a Welsh text.
    questionnaire = localised(questionnaire, language).questionnaire
    answers = {}
    if questionnaire.piping and questionnaire.piping.relationship_item and relationship:
        answers[questionnaire.piping.relationship_item] = relationship
    phrases = [person_phrase(questionnaire, answers, person_name)]
    phrases.append(person_phrase(questionnaire, answers, None))
    text = ""
    for phrase in phrases:
        text = sms_text(
            kind,
            language,
            person=phrase,
            link=link,
            count=len(questionnaire.sms_form),
            **settings.fields(),
        )
        if sms_segments(text) <= budget_for(text, TEXT_BUDGETS[kind]):
            break
    return text


def _open_invitations_with_phones(
    session: Session, now: datetime, *, never_invited: bool = False
) -> list[tuple[Invitation, Contact]]:
    query = (
        select(Invitation, Contact)
        .join(Contact, Contact.invitation_link == Invitation.link_id)
        # The outbox row names the invitation through contact.invitation: no query per text.
        .options(contains_eager(Contact.invitation))
        .where(
            Contact.phone_encrypted.is_not(None),
            Invitation.withdrawn_at.is_(None),
            (Invitation.expires_at.is_(None)) | (Invitation.expires_at > now),
        )
        .order_by(Invitation.id)
    )
    if never_invited:
        invited = select(SmsOutbox.id).where(
            SmsOutbox.invitation_link == Invitation.link_id, SmsOutbox.kind == INVITATION
        )
        # A carer invited by letter or e-mail is not invited a second time by text.
        query = query.where(~exists(invited), Invitation.channel == "sms")
    return [(invitation, contact) for invitation, contact in session.execute(query).all()]


def queue_invitation_text(
    session: Session,
    cipher: ContactCipher,
    library: QuestionnaireLibrary,
    settings: SmsSettings,
    invitation: Invitation,
    contact: Contact,
    kind: str,
) -> bool:
    details = contact_details(cipher, contact)
    if not details.link_token:
        return False
    # The area's published version (core + local questions) is what the carer will be asked,
    # so the invitation counts its texts, not only the core's.
    questionnaire = current_questionnaire_for_area(
        session, invitation.area_id, library.get(invitation.questionnaire_id)
    )
    body = compose_invitation_text(
        kind,
        questionnaire,
        settings,
        language=invitation.language,
        person_name=details.person_name,
        relationship=details.relationship,
        link=settings.link(details.link_token),
    )
    queue_message(session, cipher, contact=contact, kind=kind, body=body)
    return True


def queue_invitations(
    session: Session,
    cipher: ContactCipher,
    library: QuestionnaireLibrary,
    settings: SmsSettings,
    *,
    today: date,
    on_progress: Callable[[int], None] = lambda _count: None,
) -> QueueSummary:
    """Queue one invitation text per open invitation that has none yet; all in one transaction."""
    summary = QueueSummary()
    begin_write(session)
    for invitation, contact in _open_invitations_with_phones(
        session, utc_now(), never_invited=True
    ):
        if invitation.contact_not_before is not None and invitation.contact_not_before > today:
            summary.held += 1
        elif contact.phone_hash and is_opted_out(session, contact.phone_hash):
            summary.opted_out += 1
        elif queue_invitation_text(
            session, cipher, library, settings, invitation, contact, INVITATION
        ):
            summary.queued += 1
            on_progress(1)
        else:
            summary.skipped += 1
    session.commit()
    return summary


def _has_started(session: Session, invitation_id: int) -> bool:
    if session.scalar(select(Response.id).where(Response.invitation_id == invitation_id)):
        return True
    state = session.scalar(
        select(SmsConversation.state).where(SmsConversation.invitation_id == invitation_id)
    )
    # Said no, asked for later, or withdrew: no more reminders.
    return state is not None and state != ConversationState.NEW


def queue_reminders(
    session: Session,
    cipher: ContactCipher,
    library: QuestionnaireLibrary,
    settings: SmsSettings,
    *,
    now: datetime,
    on_progress: Callable[[int], None] = lambda _count: None,
) -> QueueSummary:
    """Queue the next reminder for each carer who has not started, once its gap has passed.

    The gap counts from when Twilio reported a status for the previous message (the contact
    attempt), not from when it was queued.
    """
    summary = QueueSummary()
    begin_write(session)
    for invitation, contact in _open_invitations_with_phones(session, now):
        messages = session.scalars(
            select(SmsOutbox)
            .where(SmsOutbox.invitation_link == invitation.link_id)
            .order_by(SmsOutbox.created_at, SmsOutbox.id)
        ).all()
        if not messages:
            continue
        reminders = sum(1 for message in messages if message.kind == REMINDER)
        last = messages[-1]
        if reminders >= len(settings.reminder_gaps) or _has_started(session, invitation.id):
            continue
        if contact.phone_hash and is_opted_out(session, contact.phone_hash):
            summary.opted_out += 1
            continue
        counted = last.attempt_counted_at
        if last.status not in _REACHED or counted is None:
            summary.skipped += 1
            continue
        if now < counted + settings.reminder_gaps[reminders]:
            summary.skipped += 1
            continue
        if queue_invitation_text(session, cipher, library, settings, invitation, contact, REMINDER):
            summary.queued += 1
            on_progress(1)
    session.commit()
    return summary
