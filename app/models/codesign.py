"""Co-design: proposed local questions, their review trail, notifications, published versions."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, relationship

from app.extensions import Base
from app.models.area import Area, CommunityGroup
from app.models.clock import utc_now


class LocalQuestionStatus(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"


class LocalQuestion(Base):
    """A local question a community group proposes for its area's module."""

    __tablename__ = "local_questions"
    __table_args__ = (UniqueConstraint("area_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    # The proposing group: its facilitators, and only they, see and edit the proposal.
    community_group_id: Mapped[int] = mapped_column(ForeignKey("community_groups.id"), index=True)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Copied from the question bank: the approved question this one started from.
    based_on_id: Mapped[int | None] = mapped_column(
        ForeignKey("local_questions.id", ondelete="SET NULL")
    )
    item_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(24), default=LocalQuestionStatus.DRAFT, index=True)
    # "single", "multiple", "text" or "yes_no" (a single item with yes / no / don't know).
    question_type: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    hint: Mapped[str | None] = mapped_column(Text)
    # JSON list of {"code", "label"}; empty for text questions.
    options_json: Mapped[str] = mapped_column(Text, default="[]")
    max_length: Mapped[int | None] = mapped_column(Integer)
    sms_text: Mapped[str | None] = mapped_column(Text)
    # Counted by the server on every save, whatever the page's script showed.
    sms_segments: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text, default="")
    # JSON list of community group slugs the question is meant for (empty: the whole area).
    for_groups_json: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)

    area: Mapped[Area] = relationship()
    community_group: Mapped[CommunityGroup] = relationship()
    events: Mapped[list[LocalQuestionEvent]] = relationship(
        back_populates="question",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="LocalQuestionEvent.id",
    )

    @property
    def is_editable(self) -> bool:
        return self.status in (LocalQuestionStatus.DRAFT, LocalQuestionStatus.CHANGES_REQUESTED)


class LocalQuestionEvent(Base):
    """One step of a proposal's life: who did what, when, what changed (a field diff) and why."""

    __tablename__ = "local_question_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("local_questions.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The e-mail at the time, so the trail still reads after an account is deactivated.
    actor_label: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text, default="")
    # JSON {field: [before, after]} for edits; "{}" otherwise.
    changes_json: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)

    question: Mapped[LocalQuestion] = relationship(back_populates="events")


class Notification(Base):
    """A message to one member of staff, shown on their home page until read."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("local_questions.id", ondelete="CASCADE")
    )
    # A fixed event kind ("changes_requested", ...): the page words it in the reader's language.
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)

    question: Mapped[LocalQuestion | None] = relationship()


class PublishedQuestionnaire(Base):
    """One published, frozen questionnaire version of an area: the core plus a local module.

    Never updated or deleted by the application; the checksum is checked whenever it is read.
    """

    __tablename__ = "published_questionnaires"
    __table_args__ = (UniqueConstraint("questionnaire_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    core_id: Mapped[str] = mapped_column(String(64))
    core_version: Mapped[int] = mapped_column(Integer)
    module_version: Mapped[int] = mapped_column(Integer)
    # The whole composed questionnaire as canonical JSON (the YAML file format's data).
    definition_json: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)

    area: Mapped[Area] = relationship()


class LocalQuestionUse(Base):
    """Which published version carries which local question: the bank's "where it was used"."""

    __tablename__ = "local_question_uses"

    published_id: Mapped[int] = mapped_column(
        ForeignKey("published_questionnaires.id"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("local_questions.id", ondelete="CASCADE"), primary_key=True
    )

    published: Mapped[PublishedQuestionnaire] = relationship()


class PublishedVersionIsImmutable(RuntimeError):
    """Raised when code tries to change or delete a published questionnaire version."""


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_published_versions(session: Session, _context: Any, _instances: Any) -> None:
    for instance in (*session.dirty, *session.deleted):
        if isinstance(instance, PublishedQuestionnaire) and (
            instance in session.deleted or session.is_modified(instance)
        ):
            raise PublishedVersionIsImmutable("a published questionnaire version never changes")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes_to_published_versions(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and any(
        mapper.class_ is PublishedQuestionnaire for mapper in state.all_mappers
    ):
        raise PublishedVersionIsImmutable("a published questionnaire version never changes")
