"""Report files built off the request path: a queue that any number of workers can share."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Base
from app.models.clock import utc_now


class ReportBuildStatus(enum.StrEnum):
    QUEUED = "queued"
    BUILDING = "building"
    READY = "ready"
    FAILED = "failed"
    # Its file was deleted (too old, or a newer build of the same report replaced it): the
    # page offers to build it again rather than serve an old or missing file.
    EXPIRED = "expired"


class ReportBuild(Base):
    """One report file asked for on the web: what to build, who asked, and where it is kept."""

    __tablename__ = "report_builds"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The report's scope as the dashboard names it ("area" + slug, "group", "national"), and
    # the rows it belongs to, so access is checked from the job itself, never from a URL.
    scope_kind: Mapped[str] = mapped_column(String(16))
    scope_slug: Mapped[str] = mapped_column(String(64))
    sub_area: Mapped[str | None] = mapped_column(String(64))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    community_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_groups.id"), index=True
    )
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    file_format: Mapped[str] = mapped_column(String(8))
    # Names and headings are written in the language the file was asked for in.
    language: Mapped[str] = mapped_column(String(16), default="en")
    # The data the file was built from: a ready file of an older version is built again.
    data_version: Mapped[str] = mapped_column(String(64))
    requested_by_user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(16), default=ReportBuildStatus.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # A worker's lease: a job still "building" after this was left by a worker that died.
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    file_name: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
