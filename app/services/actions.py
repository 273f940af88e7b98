"""'You said, we did': record, change and list what commissioners did about free-text themes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from analysis.themes.frame import load_frame
from app.access.permissions import Scope
from app.models import ActionStatus, CommunityGroup, ThemeAction, ThemeActionRevision
from app.models.clock import utc_now
from app.services.audit import Actor, AuditAction, add_event
from app.services.errors import ServiceError
from app.services.transactions import begin_write

MAX_TEXT_LENGTH = 2_000
EARLIEST_YEAR = 2000
# Planned actions may be dated ahead, but not absurdly far.
YEARS_AHEAD = 5
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class ActionInvalid(ServiceError):
    """Some details were not accepted; ``problems`` maps each field to a problem code.

    The codes (``missing``, ``too_long``, ``unknown``, ``not_a_date``, ``out_of_range``) are
    turned into kind, translated messages by the view; nothing was stored.
    """

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("action details not accepted: " + ", ".join(sorted(problems)))
        self.problems = problems


class ActionNotFound(ServiceError):
    """No action has that id (views answer 404, as for another area's action)."""


class ActionChangedMeanwhile(ServiceError):
    """Someone saved the action after this form was opened; nothing was overwritten."""


@dataclass(frozen=True)
class ThemeChoice:
    id: str
    name: str


@dataclass(frozen=True)
class ActionDetails:
    """What a commissioner typed, as raw text: the service checks and cleans every field."""

    theme_id: str
    group_id: int | None
    you_said: str
    we_did: str
    day: str
    month: str
    year: str
    status: str
    is_public: bool


@dataclass(frozen=True)
class ThemeActions:
    """One theme and the actions recorded on it, newest first."""

    theme_id: str
    theme_name: str
    actions: tuple[ThemeAction, ...]


@lru_cache(maxsize=1)
def theme_choices() -> tuple[ThemeChoice, ...]:
    """The coding frame's themes in frame order (the frame is data, read once per process)."""
    return tuple(ThemeChoice(theme.id, theme.name) for theme in load_frame().themes)


def theme_name(theme_id: str) -> str:
    """The theme's name; an id the frame no longer has is shown as itself, never hidden."""
    for choice in theme_choices():
        if choice.id == theme_id:
            return choice.name
    return theme_id


def groups_in_area(session: Session, area_id: int) -> list[CommunityGroup]:
    """Groups an action in this area may be for: the area's own and those working across areas."""
    statement = (
        select(CommunityGroup)
        .where(or_(CommunityGroup.area_id == area_id, CommunityGroup.area_id.is_(None)))
        .order_by(CommunityGroup.name)
    )
    return list(session.scalars(statement))


def record_action(
    session: Session, area_id: int, details: ActionDetails, actor: Actor
) -> ThemeAction:
    """Store a new action and its first revision, audited, in one transaction."""
    cleaned = _checked(session, area_id, details)
    begin_write(session)
    now = utc_now()
    action = ThemeAction(area_id=area_id, version=1, created_at=now, updated_at=now, **cleaned)
    session.add(action)
    session.flush()
    _add_revision(session, action, actor)
    add_event(
        session,
        actor,
        AuditAction.RECORD_ACTION,
        scope=Scope(area_id=area_id, group_id=action.community_group_id),
        object_ref=f"action:{action.id}",
        detail={"theme": action.theme_id, "status": action.status, "public": action.is_public},
        now=now,
    )
    session.commit()
    return action


def change_action(
    session: Session,
    action_id: int,
    details: ActionDetails,
    actor: Actor,
    *,
    expected_version: int,
) -> ThemeAction:
    """Save a new version of an action; the old one stays in its history."""
    action = action_by_id(session, action_id)
    cleaned = _checked(session, action.area_id, details)
    begin_write(session)
    # Read again inside the write transaction: the version check must see the latest save.
    action = action_by_id(session, action_id)
    if action.version != expected_version:
        raise ActionChangedMeanwhile(f"action {action_id} is at version {action.version}")
    changed = sorted(field for field, value in cleaned.items() if getattr(action, field) != value)
    for field, value in cleaned.items():
        setattr(action, field, value)
    action.version += 1
    action.updated_at = utc_now()
    _add_revision(session, action, actor)
    add_event(
        session,
        actor,
        AuditAction.CHANGE_ACTION,
        scope=Scope(area_id=action.area_id, group_id=action.community_group_id),
        object_ref=f"action:{action.id}",
        detail={"version": action.version, "changed": ",".join(changed) or "nothing"},
    )
    session.commit()
    return action


def action_by_id(session: Session, action_id: int) -> ThemeAction:
    action = session.get(ThemeAction, action_id, populate_existing=True)
    if action is None:
        raise ActionNotFound(str(action_id))
    return action


def action_history(session: Session, action_id: int) -> list[ThemeActionRevision]:
    """Every saved version, newest first."""
    statement = (
        select(ThemeActionRevision)
        .where(ThemeActionRevision.action_id == action_id)
        .order_by(ThemeActionRevision.version.desc())
    )
    return list(session.scalars(statement))


def actions_by_theme(
    session: Session,
    *,
    area_id: int | None = None,
    group_id: int | None = None,
    public_only: bool = False,
) -> list[ThemeActions]:
    """An area's actions, or a group's (in every area), or a group's in one area, by theme.

    Themes come in coding-frame order, so every page lists them the same way; a theme with
    no action is left out.
    """
    if area_id is None and group_id is None:
        raise ValueError("actions are listed for an area, a group, or both")
    statement = select(ThemeAction)
    if area_id is not None:
        statement = statement.where(ThemeAction.area_id == area_id)
    if group_id is not None:
        statement = statement.where(ThemeAction.community_group_id == group_id)
    if public_only:
        statement = statement.where(ThemeAction.is_public.is_(True))
    statement = statement.order_by(ThemeAction.action_date.desc(), ThemeAction.id.desc())
    by_theme: dict[str, list[ThemeAction]] = {}
    for action in session.scalars(statement):
        by_theme.setdefault(action.theme_id, []).append(action)
    order = [choice.id for choice in theme_choices()]
    ranked = sorted(by_theme, key=lambda t: (order.index(t) if t in order else len(order), t))
    return [ThemeActions(t, theme_name(t), tuple(by_theme[t])) for t in ranked]


def _checked(session: Session, area_id: int, details: ActionDetails) -> dict[str, object]:
    problems: dict[str, str] = {}
    if details.theme_id not in {choice.id for choice in theme_choices()}:
        problems["theme_id"] = "unknown"
    if details.group_id is not None and details.group_id not in {
        group.id for group in groups_in_area(session, area_id)
    }:
        problems["group_id"] = "unknown"
    you_said = _clean_text(details.you_said, "you_said", problems)
    we_did = _clean_text(details.we_did, "we_did", problems)
    action_date = _parse_date(details, problems)
    if details.status not in {status.value for status in ActionStatus}:
        problems["status"] = "unknown"
    if problems:
        raise ActionInvalid(problems)
    return {
        "theme_id": details.theme_id,
        "community_group_id": details.group_id,
        "you_said": you_said,
        "we_did": we_did,
        "action_date": action_date,
        "status": details.status,
        "is_public": details.is_public,
    }


def _clean_text(text: str, field: str, problems: dict[str, str]) -> str:
    cleaned = _CONTROL_CHARACTERS.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not cleaned:
        problems[field] = "missing"
    elif len(cleaned) > MAX_TEXT_LENGTH:
        problems[field] = "too_long"
    return cleaned


def _parse_date(details: ActionDetails, problems: dict[str, str]) -> date | None:
    parts: Sequence[str] = (details.day.strip(), details.month.strip(), details.year.strip())
    if not all(parts):
        problems["action_date"] = "missing"
        return None
    if not all(part.isdigit() and len(part) <= 4 for part in parts):
        problems["action_date"] = "not_a_date"
        return None
    day, month, year = (int(part) for part in parts)
    try:
        when = date(year, month, day)
    except ValueError:
        problems["action_date"] = "not_a_date"
        return None
    if not EARLIEST_YEAR <= when.year <= utc_now().year + YEARS_AHEAD:
        problems["action_date"] = "out_of_range"
        return None
    return when


def _add_revision(session: Session, action: ThemeAction, actor: Actor) -> None:
    session.add(
        ThemeActionRevision(
            action_id=action.id,
            version=action.version,
            community_group_id=action.community_group_id,
            theme_id=action.theme_id,
            you_said=action.you_said,
            we_did=action.we_did,
            action_date=action.action_date,
            status=action.status,
            is_public=action.is_public,
            saved_by_user_id=actor.user_id,
            saved_by_label=actor.label,
            saved_at=action.updated_at,
        )
    )
