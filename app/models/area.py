"""Areas (commissioning geographies) and community groups: dated data, never an enum."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Base
from app.models.clock import utc_now


class Area(Base):
    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Boundaries change (ICB mergers): an area is valid for a period, never deleted.
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    # An ICB's sub-ICB locations (places) are areas too, one level down: responses keep the
    # sub-area they were collected in, and the parent's reports include them.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)

    groups: Mapped[list[CommunityGroup]] = relationship(back_populates="area")
    parent: Mapped[Area | None] = relationship(remote_side=[id], back_populates="sub_areas")
    sub_areas: Mapped[list[Area]] = relationship(back_populates="parent", order_by="Area.slug")

    def is_open_on(self, day: date) -> bool:
        """Whether the area is valid on that day."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class CommunityGroup(Base):
    __tablename__ = "community_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # A group may serve one area or (None) work across areas, as many faith networks do.
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)

    area: Mapped[Area | None] = relationship(back_populates="groups")
