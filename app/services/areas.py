"""Areas and community groups: list, add and look up by slug."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Area, CommunityGroup
from app.services.errors import (
    AreaNotFound,
    CommunityGroupNotFound,
    DuplicateSlug,
    InvalidParentArea,
    InvalidSlug,
    NotASubArea,
)
from app.services.transactions import begin_write

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def check_slug(slug: str) -> str:
    if not SLUG_PATTERN.fullmatch(slug) or len(slug) < 2:
        raise InvalidSlug(
            f"{slug!r} is not a valid slug: use 2 to 64 lower-case letters, digits and hyphens"
        )
    return slug


def check_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 200:
        raise ValueError("A name must have between 1 and 200 characters")
    return cleaned


def list_areas(session: Session) -> list[Area]:
    return list(session.scalars(select(Area).order_by(Area.slug)))


def add_area(
    session: Session,
    slug: str,
    name: str,
    valid_from: date | None = None,
    valid_to: date | None = None,
    *,
    parent_slug: str | None = None,
) -> Area:
    """Add an area; with ``parent_slug``, a sub-area (sub-ICB location, place) of that area."""
    check_slug(slug)
    parent = area_by_slug(session, parent_slug) if parent_slug else None
    if parent is not None and parent.parent_id is not None:
        # One level keeps "whose area is this" a single lookup for access and reports.
        raise InvalidParentArea(
            f"{parent.slug!r} is itself a sub-area: a sub-area's parent must be a top-level area"
        )
    begin_write(session)
    if session.scalar(select(Area.id).where(Area.slug == slug)) is not None:
        session.rollback()
        raise DuplicateSlug(f"An area with the slug {slug!r} already exists")
    area = Area(
        slug=slug,
        name=check_name(name),
        valid_from=valid_from,
        valid_to=valid_to,
        parent_id=parent.id if parent is not None else None,
    )
    session.add(area)
    session.commit()
    return area


def area_by_slug(session: Session, slug: str, *, on: date | None = None) -> Area:
    """The area with that slug, if it is open on the given day (today when not given)."""
    area = session.scalar(select(Area).where(Area.slug == slug))
    if area is None or (on is not None and not area.is_open_on(on)):
        raise AreaNotFound(slug)
    return area


def sub_areas(session: Session, area: Area) -> list[Area]:
    """The area's sub-areas, by slug (none for a sub-area: they go one level deep)."""
    return list(session.scalars(select(Area).where(Area.parent_id == area.id).order_by(Area.slug)))


def sub_area_of(session: Session, area: Area, slug: str) -> Area:
    """The sub-area ``slug`` of ``area``; anything else (another area's, unknown) is refused."""
    found = session.scalar(select(Area).where(Area.slug == slug[:64]))
    if found is None or found.parent_id != area.id:
        raise NotASubArea(slug)
    return found


def list_groups(session: Session) -> list[CommunityGroup]:
    return list(session.scalars(select(CommunityGroup).order_by(CommunityGroup.slug)))


def add_group(
    session: Session, slug: str, name: str, area_slug: str | None = None
) -> CommunityGroup:
    check_slug(slug)
    area_id = area_by_slug(session, area_slug).id if area_slug else None
    begin_write(session)
    if session.scalar(select(CommunityGroup.id).where(CommunityGroup.slug == slug)) is not None:
        session.rollback()
        raise DuplicateSlug(f"A community group with the slug {slug!r} already exists")
    area = session.get(Area, area_id) if area_id is not None else None
    group = CommunityGroup(slug=slug, name=check_name(name), area=area)
    session.add(group)
    session.commit()
    return group


def group_by_slug(session: Session, slug: str) -> CommunityGroup:
    group = session.scalar(select(CommunityGroup).where(CommunityGroup.slug == slug))
    if group is None:
        raise CommunityGroupNotFound(slug)
    return group


def group_for_area(session: Session, slug: str | None, area: Area) -> CommunityGroup | None:
    """The group named in an open link, if it exists and serves that area (else none)."""
    if not slug:
        return None
    try:
        group = group_by_slug(session, slug)
    except CommunityGroupNotFound:
        return None
    # A sub-area's link may name a group of its parent area (groups often serve a whole ICB).
    if group.area_id not in (None, area.id, area.parent_id):
        return None
    return group
