"""Queued report builds: ask for a file, claim the next one safely across workers, finish it.

A large area's report takes longer than a web request should, so the dashboard queues it and
`flask reports worker` builds it. Claims lock the row (SKIP LOCKED on PostgreSQL, BEGIN
IMMEDIATE on SQLite) and hold a lease, so two workers never build the same job and a job left
by a worker that died is built again once its lease has passed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from analysis.report.model import ReportPeriod, ReportScope
from app.models import Area, CommunityGroup, ReportBuild, ReportBuildStatus, Response
from app.models.clock import utc_now
from app.models.response import ResponseStatus
from app.services.errors import ServiceError
from app.services.transactions import begin_write

# A job that fails this many times is given up (each failure is logged by the worker).
MAX_ATTEMPTS = 3
ERROR_LIMIT = 200


class ReportBuildNotFound(ServiceError):
    """No report build has that id."""


def version_stamp(version: Hashable) -> str:
    """The data version as a short text to store beside a built file."""
    return hashlib.sha256(repr(version).encode("utf-8")).hexdigest()


def responses_in_scope(session: Session, scope: ReportScope) -> int:
    """Submitted responses a report covers (before any period): decides whether to queue."""
    statement = select(func.count(Response.id)).where(
        Response.status == ResponseStatus.SUBMITTED.value
    )
    if scope.kind == "area":
        area = aliased(Area)
        parent = aliased(Area)
        statement = (
            statement.join(area, area.id == Response.area_id)
            .outerjoin(parent, parent.id == area.parent_id)
            .where(or_(area.slug == scope.slug, parent.slug == scope.slug))
        )
        if scope.sub_area is not None:
            statement = statement.where(area.slug == scope.sub_area)
    elif scope.kind == "group":
        statement = statement.join(
            CommunityGroup, CommunityGroup.id == Response.community_group_id
        ).where(CommunityGroup.slug == scope.slug)
    return int(session.scalar(statement) or 0)


def request_build(
    session: Session,
    *,
    scope: ReportScope,
    period: ReportPeriod,
    file_format: str,
    language: str,
    data_version: str,
    requested_by_user_id: int | None,
    area_id: int | None = None,
    community_group_id: int | None = None,
) -> ReportBuild:
    """Queue a build, or hand back the same file already queued, being built or ready.

    The same report asked for twice on the same data (a double click, a colleague) is built
    once; a file built on older data is never handed out for newer data.
    """
    begin_write(session)
    same = and_(
        ReportBuild.scope_kind == scope.kind,
        ReportBuild.scope_slug == scope.slug,
        ReportBuild.sub_area.is_(None)
        if scope.sub_area is None
        else ReportBuild.sub_area == scope.sub_area,
        ReportBuild.period_start.is_(None)
        if period.start is None
        else ReportBuild.period_start == period.start,
        ReportBuild.period_end.is_(None)
        if period.end is None
        else ReportBuild.period_end == period.end,
        ReportBuild.file_format == file_format,
        ReportBuild.language == language,
        ReportBuild.data_version == data_version,
        # A failed job is asked for again, and an expired one has no file left to hand out.
        ReportBuild.status.not_in(
            [ReportBuildStatus.FAILED.value, ReportBuildStatus.EXPIRED.value]
        ),
    )
    existing = session.scalar(select(ReportBuild).where(same).order_by(ReportBuild.id.desc()))
    if existing is not None:
        session.commit()
        return existing
    build = ReportBuild(
        scope_kind=scope.kind,
        scope_slug=scope.slug,
        sub_area=scope.sub_area,
        area_id=area_id,
        community_group_id=community_group_id,
        period_start=period.start,
        period_end=period.end,
        file_format=file_format,
        language=language,
        data_version=data_version,
        requested_by_user_id=requested_by_user_id,
        status=ReportBuildStatus.QUEUED.value,
        attempts=0,
    )
    session.add(build)
    session.commit()
    return build


def build_by_id(session: Session, build_id: int) -> ReportBuild:
    build = session.get(ReportBuild, build_id)
    if build is None:
        raise ReportBuildNotFound(str(build_id))
    return build


def claim_next(
    session: Session, *, lease_seconds: int, now: datetime | None = None
) -> ReportBuild | None:
    """The oldest queued job (or one whose worker's lease ran out), marked as building."""
    now = now or utc_now()
    begin_write(session)
    build = session.scalar(
        select(ReportBuild)
        .where(
            or_(
                ReportBuild.status == ReportBuildStatus.QUEUED.value,
                and_(
                    ReportBuild.status == ReportBuildStatus.BUILDING.value,
                    ReportBuild.lease_until < now,
                ),
            )
        )
        .order_by(ReportBuild.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if build is None:
        session.rollback()
        return None
    build.status = ReportBuildStatus.BUILDING.value
    build.attempts += 1
    build.lease_until = now + timedelta(seconds=lease_seconds)
    session.commit()
    return build


def finish(session: Session, build_id: int, file_name: str) -> None:
    begin_write(session)
    build = build_by_id(session, build_id)
    build.status = ReportBuildStatus.READY.value
    build.file_name = file_name
    build.finished_at = utc_now()
    build.lease_until = None
    build.error = None
    session.commit()


def fail(session: Session, build_id: int, reason: str) -> ReportBuild:
    """Queue the job again, or give it up after MAX_ATTEMPTS; ``reason`` names no person."""
    begin_write(session)
    build = build_by_id(session, build_id)
    build.error = reason[:ERROR_LIMIT]
    build.lease_until = None
    if build.attempts >= MAX_ATTEMPTS:
        build.status = ReportBuildStatus.FAILED.value
        build.finished_at = utc_now()
    else:
        build.status = ReportBuildStatus.QUEUED.value
    session.commit()
    return build
