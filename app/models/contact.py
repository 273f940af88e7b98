"""Contact details for one invitation, encrypted at rest and joined to it only by a random id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Base
from app.models.clock import utc_now
from app.models.invitation import Invitation


class Contact(Base):
    """How to reach the carer invited by one invitation; purged when the round's retention ends.

    Every personal field is a Fernet token (app/services/encryption.py). The keyed hash of the
    phone number finds a carer's invitation when they text back, without decrypting anything.
    """

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The invitation's random link id, never its sequential id (issue 3: "linked to responses
    # only through a random id").
    invitation_link: Mapped[str] = mapped_column(
        ForeignKey("invitations.link_id", ondelete="CASCADE"), unique=True
    )
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_encrypted: Mapped[str | None] = mapped_column(Text)
    email_encrypted: Mapped[str | None] = mapped_column(Text)
    # The name of the person who died, as the list gave it: used only to word questions.
    person_name_encrypted: Mapped[str | None] = mapped_column(Text)
    # The carer's relationship as an option code of the questionnaire's relationship item.
    relationship_code: Mapped[str | None] = mapped_column(String(32))
    # The personal link token (only its hash is on the invitation): reminders and LINK need it.
    link_token_encrypted: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)

    invitation: Mapped[Invitation] = relationship()
