"""Personal invitations: a hashed link token that opens one carer's response."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Base
from app.models.area import Area, CommunityGroup
from app.models.clock import utc_now

# How an invitation reached the carer: texted by the outbox, e-mailed or posted by the area.
INVITATION_CHANNELS = ("sms", "email", "letter")


def new_link_id() -> str:
    """128 random bits: the only value that joins contact details to an invitation."""
    return secrets.token_hex(16)


class Invitation(Base):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Contacts point here rather than at the sequential id, so the contact table says nothing
    # about the order or time of invitations and cannot be matched to them by counting.
    link_id: Mapped[str] = mapped_column(String(32), unique=True, index=True, default=new_link_id)
    # Only the SHA-256 of the link token is kept, so a copy of the database opens no survey.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    community_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_groups.id"), index=True
    )
    language: Mapped[str] = mapped_column(String(16), default="en")
    # Response rates by channel compare the ways of inviting; rows from before it was recorded
    # were all imported for the SMS outbox.
    channel: Mapped[str] = mapped_column(String(16), default="sms", server_default=text("'sms'"))
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    # No message before this day: the configured interval after the death (SMS.md).
    contact_not_before: Mapped[date | None] = mapped_column(Date)
    # Set when the carer withdraws (DELETE by text): nothing more is sent or asked.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)

    area: Mapped[Area] = relationship()
    community_group: Mapped[CommunityGroup | None] = relationship()
