"""'You said, we did': what a commissioner did about a free-text theme, with every past version."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Base
from app.models.area import Area, CommunityGroup
from app.models.clock import utc_now


class ActionStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class ThemeAction(Base):
    """One action on one theme in one area, optionally for one community group.

    The row holds the current version; every version (the first included) is also kept in
    theme_action_revisions, so families and auditors can see what was promised and when.
    """

    __tablename__ = "theme_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    community_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_groups.id"), index=True
    )
    # A theme id of the coding frame (analysis/themes/coding_frame.yaml), e.g. eol_out_of_hours.
    theme_id: Mapped[str] = mapped_column(String(64))
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text)
    action_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=ActionStatus.PLANNED)
    # Shown on the public page only when the commissioner chooses to publish it.
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    # Raised on every edit; a form carries the version it was opened at, so two commissioners
    # editing at once cannot silently overwrite each other.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)

    area: Mapped[Area] = relationship()
    community_group: Mapped[CommunityGroup | None] = relationship()
    revisions: Mapped[list[ThemeActionRevision]] = relationship(
        back_populates="action",
        cascade="all, delete-orphan",
        order_by="ThemeActionRevision.version",
    )


class ThemeActionRevision(Base):
    """One saved version of an action: what it said, who saved it and when. Never changed."""

    __tablename__ = "theme_action_revisions"
    __table_args__ = (UniqueConstraint("action_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("theme_actions.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    community_group_id: Mapped[int | None] = mapped_column(ForeignKey("community_groups.id"))
    theme_id: Mapped[str] = mapped_column(String(64))
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text)
    action_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    is_public: Mapped[bool] = mapped_column(Boolean)
    # No foreign key, as in the audit log: the history must outlive the account.
    saved_by_user_id: Mapped[int | None] = mapped_column(Integer)
    saved_by_label: Mapped[str] = mapped_column(String(254))
    saved_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)

    action: Mapped[ThemeAction] = relationship(back_populates="revisions")
    community_group: Mapped[CommunityGroup | None] = relationship()
