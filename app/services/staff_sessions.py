"""Server-side staff sessions: a new one at every sign-in, deleted at sign-out or when idle."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.models import StaffSession, User
from app.models.clock import utc_now
from app.services.secrets_for_links import hash_link_token
from app.services.transactions import begin_write

# Writing last_seen_at on every click would turn each staff page view into a write.
TOUCH_INTERVAL = timedelta(seconds=60)


def start_staff_session(session: Session, user_id: int, *, now: datetime | None = None) -> str:
    """A fresh random token for the cookie; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    moment = now or utc_now()
    begin_write(session)
    session.add(
        StaffSession(
            token_hash=hash_link_token(token),
            user_id=user_id,
            created_at=moment,
            last_seen_at=moment,
        )
    )
    session.commit()
    return token


def user_for_session_token(
    session: Session,
    token: str,
    *,
    idle_timeout: timedelta,
    max_age: timedelta,
    now: datetime | None = None,
) -> User | None:
    """The signed-in user for a cookie's token, or None if signed out, idle too long or too old."""
    moment = now or utc_now()
    row = session.scalar(
        select(StaffSession).where(StaffSession.token_hash == hash_link_token(token))
    )
    if row is None:
        return None
    expired = moment - row.last_seen_at > idle_timeout or moment - row.created_at > max_age
    if expired or not row.user.is_active:
        end_staff_session(session, token)
        return None
    if moment - row.last_seen_at > TOUCH_INTERVAL:
        begin_write(session)
        fresh = session.get(StaffSession, row.id)
        if fresh is not None:
            fresh.last_seen_at = moment
        session.commit()
    return session.get(User, row.user_id)


def end_staff_session(session: Session, token: str) -> None:
    """Sign one browser out: its cookie, if replayed, finds no session any more."""
    begin_write(session)
    session.execute(delete(StaffSession).where(StaffSession.token_hash == hash_link_token(token)))
    session.commit()


def end_stale_sessions(session: Session, *, older_than: datetime) -> int:
    """Delete sessions nobody has used since ``older_than`` (housekeeping for retention)."""
    begin_write(session)
    result = session.execute(delete(StaffSession).where(StaffSession.last_seen_at < older_than))
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0)
