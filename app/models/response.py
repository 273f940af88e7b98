"""A carer's response and its answers; names and contact details are kept in other tables."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Base
from app.models.area import Area, CommunityGroup
from app.models.clock import utc_now
from app.models.invitation import Invitation


class ResponseStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class Response(Base):
    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The id used in exports and imports; random, so it says nothing about who answered.
    response_id: Mapped[str] = mapped_column(String(64), unique=True)
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    questionnaire_version: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(16), default="en")
    status: Mapped[str] = mapped_column(String(16), default=ResponseStatus.IN_PROGRESS, index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    community_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_groups.id"), index=True
    )
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"), unique=True)
    current_page_id: Mapped[str | None] = mapped_column(String(100))
    consent_given_at: Mapped[datetime | None] = mapped_column(DateTime)
    resume_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)

    area: Mapped[Area] = relationship()
    community_group: Mapped[CommunityGroup | None] = relationship()
    invitation: Mapped[Invitation | None] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_submitted(self) -> bool:
        return self.status == ResponseStatus.SUBMITTED


class Answer(Base):
    """One answer, keyed by its response and item: a response holds at most one per item."""

    __tablename__ = "answers"
    # Clustered by its key on SQLite (no hidden rowid): one B-tree instead of a table plus a
    # unique index, so each answer is written once and a response's answers are read as one
    # contiguous run (tens of millions of rows in a national import or export).
    __table_args__ = {"sqlite_with_rowid": False}

    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    item_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    # The engine's serialised answer; NULL means the carer saw the question and skipped it.
    value: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)

    response: Mapped[Response] = relationship(back_populates="answers")


class ResponsePerson(Base):
    """The name the carer gave for the person who died, used only to word the questions.

    Stored as a Fernet token with the contacts' key (app/services/encryption.py), never in clear.
    """

    __tablename__ = "response_people"

    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
    person_name_encrypted: Mapped[str] = mapped_column(Text)
