"""Read an object's scope from the object itself: its area, its community group, its language."""

from __future__ import annotations

from app.access.permissions import Scope
from app.models import (
    Area,
    CommunityGroup,
    Invitation,
    LocalQuestion,
    PublishedQuestionnaire,
    Response,
    StaffInvitation,
    ThemeAction,
)


def scope_of(thing: object) -> Scope:
    """The scope an object belongs to; unknown kinds raise, so nothing is scoped by accident."""
    if isinstance(thing, Area):
        return Scope(area_id=thing.id, parent_area_id=thing.parent_id)
    if isinstance(thing, CommunityGroup):
        return Scope(
            area_id=thing.area_id,
            group_id=thing.id,
            parent_area_id=thing.area.parent_id if thing.area is not None else None,
        )
    if isinstance(thing, LocalQuestion):
        return Scope(area_id=thing.area_id, group_id=thing.community_group_id)
    if isinstance(thing, PublishedQuestionnaire):
        return Scope(area_id=thing.area_id)
    if isinstance(thing, Response | Invitation):
        return Scope(
            area_id=thing.area_id, group_id=thing.community_group_id, language=thing.language
        )
    if isinstance(thing, ThemeAction):
        return Scope(area_id=thing.area_id, group_id=thing.community_group_id)
    if isinstance(thing, StaffInvitation):
        return Scope(
            area_id=thing.area_id, group_id=thing.community_group_id, language=thing.language
        )
    raise TypeError(f"no scope is defined for {type(thing).__name__}")
