"""Co-design notifications: what a member of staff is told in the app, and what they have read."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Notification
from app.models.clock import utc_now
from app.services.transactions import begin_write


def notifications_for(session: Session, user_id: int, limit: int = 20) -> list[Notification]:
    statement = (
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.id.desc())
        .limit(limit)
    )
    return list(session.scalars(statement))


def unread_count(session: Session, user_id: int) -> int:
    statement = select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    return int(session.scalar(statement) or 0)


def mark_notifications_read(session: Session, user_id: int) -> None:
    begin_write(session)
    for note in session.scalars(
        select(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ):
        note.read_at = utc_now()
    session.commit()
