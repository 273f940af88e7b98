"""Delete personal data whose purpose has ended: contact details, message texts, names.

Contact details and message texts of an invitation are deleted ``days_after_close`` days after
its survey round closes (the round of its area that was open on the day it was made), or that
many days after the invitation itself expired, whichever comes first. Everything is done in
small batches, each its own transaction, so a purge never holds long locks and a second run
finds nothing left to do. Counts, never content, are returned and written to the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, false, func, or_, select, update
from sqlalchemy.orm import Session

from app.models import (
    Area,
    Contact,
    Invitation,
    PasswordReset,
    Response,
    ResponsePerson,
    SmsConversation,
    SmsInbound,
    SmsOutbox,
    StaffInvitation,
    StaffSession,
    SurveyRound,
)
from app.models.clock import utc_now
from app.services.audit import SYSTEM, AuditAction, add_event
from app.services.contacts import forget_outbox_messages
from app.services.errors import ServiceError
from app.services.transactions import begin_write

DEFAULT_BATCH_SIZE = 500
# Used or expired staff links name a member of staff; a month is long enough to investigate.
ACCOUNT_LINK_KEEP = timedelta(days=30)
STAFF_SESSION_KEEP = timedelta(days=1)


@dataclass(frozen=True)
class PurgeReport:
    """How many of each thing were deleted (or would be, in a dry run): counts only."""

    contacts_deleted: int = 0
    inbound_texts_erased: int = 0
    outbound_texts_erased: int = 0
    person_names_deleted: int = 0
    account_links_deleted: int = 0
    staff_sessions_ended: int = 0
    # Contacts kept because nothing says when their purpose ends (no round, no expiry).
    contacts_without_schedule: int = 0

    def as_detail(self) -> dict[str, int]:
        return asdict(self)


def purge_expired(
    session: Session,
    *,
    days_after_close: int,
    now: datetime | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    dry_run: bool = False,
) -> PurgeReport:
    """Delete everything past its retention; with ``dry_run`` only count it."""
    moment = now or utc_now()
    keep = timedelta(days=days_after_close)
    due = _invitation_is_due(session, moment, keep)
    work: Callable[..., int] = _count if dry_run else _in_batches
    # Texts first, so their counts include the ones sent to contacts deleted just after.
    inbound = work(
        session,
        select(SmsInbound.id)
        .outerjoin(SmsConversation, SmsConversation.id == SmsInbound.conversation_id)
        .outerjoin(Invitation, Invitation.id == SmsConversation.invitation_id)
        .where(
            SmsInbound.body_encrypted.is_not(None) | SmsInbound.reply_encrypted.is_not(None),
            # A text from a number we never invited has no round: its receipt starts the clock.
            or_(due, and_(Invitation.id.is_(None), SmsInbound.received_at <= moment - keep)),
        ),
        _erase_inbound,
        batch_size,
    )
    outbound = work(
        session,
        select(SmsOutbox.id)
        .join(Invitation, Invitation.link_id == SmsOutbox.invitation_link)
        .where(SmsOutbox.body_encrypted.is_not(None), due),
        _erase_outbound,
        batch_size,
    )
    contacts = work(
        session,
        select(Contact.id)
        .join(Invitation, Invitation.link_id == Contact.invitation_link)
        .where(due),
        _delete_contacts,
        batch_size,
    )
    names = work(
        session,
        select(ResponsePerson.response_id)
        .join(Response, Response.id == ResponsePerson.response_id)
        .outerjoin(Invitation, Invitation.id == Response.invitation_id)
        .where(
            or_(
                due,
                _started_in_closed_round(session, moment, keep),
                Response.submitted_at <= moment - keep,
            )
        ),
        _delete_names,
        batch_size,
    )
    report = PurgeReport(
        contacts_deleted=contacts,
        inbound_texts_erased=inbound,
        outbound_texts_erased=outbound,
        person_names_deleted=names,
        account_links_deleted=_account_links(session, moment, dry_run),
        staff_sessions_ended=_stale_sessions(session, moment, dry_run),
        contacts_without_schedule=_count(
            session,
            select(Contact.id)
            .join(Invitation, Invitation.link_id == Contact.invitation_link)
            .where(Invitation.expires_at.is_(None), ~_in_any_round(session)),
        ),
    )
    if not dry_run:
        begin_write(session)
        add_event(session, SYSTEM, AuditAction.RETENTION_PURGE, detail=report.as_detail())
        session.commit()
    return report


def _closed_rounds(session: Session, moment: datetime, keep: timedelta) -> list[SurveyRound]:
    last_due_close = (moment - keep).date()
    return list(session.scalars(select(SurveyRound).where(SurveyRound.closes_on <= last_due_close)))


def _window(opens_on: date, closes_on: date) -> tuple[datetime, datetime]:
    """The stored (naive UTC) times a round covers: from its first day to the end of its last."""
    return datetime.combine(opens_on, time()), datetime.combine(
        closes_on + timedelta(days=1), time()
    )


def _made_in(rounds: list[SurveyRound], area: Any, made_at: Any) -> ColumnElement[bool]:
    conditions = []
    for survey_round in rounds:
        start, end = _window(survey_round.opens_on, survey_round.closes_on)
        conditions.append(and_(area == survey_round.area_id, made_at >= start, made_at < end))
    return or_(*conditions) if conditions else false()


def _invitation_is_due(session: Session, moment: datetime, keep: timedelta) -> ColumnElement[bool]:
    rounds = _closed_rounds(session, moment, keep)
    expired = and_(Invitation.expires_at.is_not(None), Invitation.expires_at <= moment - keep)
    return or_(expired, _made_in(rounds, Invitation.area_id, Invitation.created_at))


def _started_in_closed_round(
    session: Session, moment: datetime, keep: timedelta
) -> ColumnElement[bool]:
    rounds = _closed_rounds(session, moment, keep)
    return _made_in(rounds, Response.area_id, Response.started_at)


def _in_any_round(session: Session) -> ColumnElement[bool]:
    rounds = list(session.scalars(select(SurveyRound)))
    return _made_in(rounds, Invitation.area_id, Invitation.created_at)


def _count(session: Session, ids: Any, *_ignored: object) -> int:
    session.rollback()
    total = int(session.scalar(select(func.count()).select_from(ids.subquery())) or 0)
    session.rollback()
    return total


def _in_batches(
    session: Session, ids: Any, apply: Callable[[Session, list[int]], None], batch_size: int
) -> int:
    """Take up to ``batch_size`` ids, apply the deletion in one transaction, until none are left."""
    total = 0
    while True:
        begin_write(session)
        batch = list(session.scalars(ids.limit(batch_size)))
        if not batch:
            session.rollback()
            return total
        apply(session, batch)
        session.commit()
        total += len(batch)


def _delete_contacts(session: Session, contact_ids: list[int]) -> None:
    forget_outbox_messages(
        session, select(Contact.invitation_link).where(Contact.id.in_(contact_ids))
    )
    session.execute(
        delete(Contact)
        .where(Contact.id.in_(contact_ids))
        .execution_options(synchronize_session=False)
    )


def _erase_inbound(session: Session, inbound_ids: list[int]) -> None:
    session.execute(
        update(SmsInbound)
        .where(SmsInbound.id.in_(inbound_ids))
        .values(body_encrypted=None, reply_encrypted=None)
        .execution_options(synchronize_session=False)
    )


def _erase_outbound(session: Session, outbox_ids: list[int]) -> None:
    session.execute(
        update(SmsOutbox)
        .where(SmsOutbox.id.in_(outbox_ids))
        .values(body_encrypted=None)
        .execution_options(synchronize_session=False)
    )


def _delete_names(session: Session, response_ids: list[int]) -> None:
    session.execute(
        delete(ResponsePerson)
        .where(ResponsePerson.response_id.in_(response_ids))
        .execution_options(synchronize_session=False)
    )


def _account_links(session: Session, moment: datetime, dry_run: bool) -> int:
    cutoff = moment - ACCOUNT_LINK_KEEP
    total = 0
    for model in (StaffInvitation, PasswordReset):
        if dry_run:
            total += _count(session, select(model.id).where(model.expires_at <= cutoff))
            continue
        begin_write(session)
        result = session.execute(
            delete(model)
            .where(model.expires_at <= cutoff)
            .execution_options(synchronize_session=False)
        )
        session.commit()
        total += int(getattr(result, "rowcount", 0) or 0)
    return total


def _stale_sessions(session: Session, moment: datetime, dry_run: bool) -> int:
    cutoff = moment - STAFF_SESSION_KEEP
    if dry_run:
        return _count(session, select(StaffSession.id).where(StaffSession.last_seen_at <= cutoff))
    begin_write(session)
    result = session.execute(
        delete(StaffSession)
        .where(StaffSession.last_seen_at <= cutoff)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


class InvalidRound(ServiceError):
    """The area is unknown or the dates are the wrong way round."""


def add_round(
    session: Session, area_slug: str, name: str, opens_on: date, closes_on: date
) -> SurveyRound:
    """Record a round; invitations made in its area between the dates belong to it."""
    if closes_on < opens_on:
        raise InvalidRound("A round cannot close before it opens")
    area_id = session.scalar(select(Area.id).where(Area.slug == area_slug))
    if area_id is None:
        raise InvalidRound(f"No area has the slug {area_slug!r}")
    begin_write(session)
    survey_round = SurveyRound(
        area_id=area_id, name=name.strip()[:120], opens_on=opens_on, closes_on=closes_on
    )
    session.add(survey_round)
    session.commit()
    return survey_round


def list_rounds(session: Session) -> list[tuple[str, str, date, date]]:
    """(area slug, name, opens, closes) for every round, by area then date."""
    rows = session.execute(
        select(Area.slug, SurveyRound.name, SurveyRound.opens_on, SurveyRound.closes_on)
        .join(Area, Area.id == SurveyRound.area_id)
        .order_by(Area.slug, SurveyRound.opens_on)
    )
    return [(slug, name, opens, closes) for slug, name, opens, closes in rows]
