"""Survey rounds: when an area's survey opens and closes, which sets when contact details go."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Base
from app.models.area import Area
from app.models.clock import utc_now


class SurveyRound(Base):
    """One round of the survey in one area; invitations made while it is open belong to it."""

    __tablename__ = "survey_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    opens_on: Mapped[date] = mapped_column(Date)
    # Contact details of this round are deleted RETENTION_DAYS_AFTER_CLOSE days after this day.
    closes_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)

    area: Mapped[Area] = relationship()
