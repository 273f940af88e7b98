"""Roles, permissions and scopes as data: who may do what, over which area, group or language."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from app.i18n.marking import N_


class Role(enum.StrEnum):
    ADMIN = "admin"
    COMMISSIONER = "commissioner"
    ANALYST = "analyst"
    GROUP_FACILITATOR = "group_facilitator"
    TRANSLATOR = "translator"


class Permission(enum.StrEnum):
    STAFF_HOME = "staff_home"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT_LOG = "view_audit_log"
    VIEW_REPORTS = "view_reports"
    MANAGE_INVITATIONS = "manage_invitations"
    EXPORT_RESPONSES = "export_responses"
    CODESIGN = "codesign"
    REVIEW_LOCAL_QUESTIONS = "review_local_questions"
    VIEW_GROUP_RESULTS = "view_group_results"
    EDIT_TRANSLATIONS = "edit_translations"
    # "You said, we did": commissioners record actions on themes; their area's staff and the
    # community group the action is for can read them.
    RECORD_ACTIONS = "record_actions"
    VIEW_ACTIONS = "view_actions"


class ScopeKind(enum.StrEnum):
    """What one role assignment is limited to."""

    PLATFORM = "platform"
    AREA = "area"
    GROUP = "group"
    LANGUAGE = "language"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    # Commissioners review, approve and publish their area's local questions (co-design).
    Role.COMMISSIONER: frozenset(
        {
            Permission.STAFF_HOME,
            Permission.VIEW_REPORTS,
            Permission.MANAGE_INVITATIONS,
            Permission.REVIEW_LOCAL_QUESTIONS,
            Permission.RECORD_ACTIONS,
            Permission.VIEW_ACTIONS,
        }
    ),
    # Response-level data: analysts only, and only for their own area.
    Role.ANALYST: frozenset(
        {
            Permission.STAFF_HOME,
            Permission.VIEW_REPORTS,
            Permission.EXPORT_RESPONSES,
            Permission.VIEW_ACTIONS,
        }
    ),
    # A community group sees its own group's disclosure-controlled aggregates, nothing else
    # (and the actions recorded for their group: the group's scope limits which).
    Role.GROUP_FACILITATOR: frozenset(
        {
            Permission.STAFF_HOME,
            Permission.CODESIGN,
            Permission.VIEW_GROUP_RESULTS,
            Permission.VIEW_ACTIONS,
        }
    ),
    Role.TRANSLATOR: frozenset({Permission.STAFF_HOME, Permission.EDIT_TRANSLATIONS}),
}

ROLE_SCOPE: dict[Role, ScopeKind] = {
    Role.ADMIN: ScopeKind.PLATFORM,
    Role.COMMISSIONER: ScopeKind.AREA,
    Role.ANALYST: ScopeKind.AREA,
    Role.GROUP_FACILITATOR: ScopeKind.GROUP,
    Role.TRANSLATOR: ScopeKind.LANGUAGE,
}

# What an area grant gives over the area's sub-areas (sub-ICB locations): the ICB's
# commissioners read their places' reports and actions; managing a place stays with its own.
REACHES_SUB_AREAS: frozenset[Permission] = frozenset(
    {Permission.VIEW_REPORTS, Permission.VIEW_ACTIONS}
)

# These roles reach reports about every family in an area or the whole platform.
TOTP_REQUIRED_ROLES = frozenset({Role.ADMIN, Role.COMMISSIONER})

ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: N_("Administrator"),
    Role.COMMISSIONER: N_("Commissioner"),
    Role.ANALYST: N_("Analyst"),
    Role.GROUP_FACILITATOR: N_("Community group facilitator"),
    Role.TRANSLATOR: N_("Translator"),
}


@dataclass(frozen=True)
class Scope:
    """Where an object belongs, always read from the object itself (never from a URL)."""

    area_id: int | None = None
    group_id: int | None = None
    language: str | None = None
    # The area's parent when the object belongs to a sub-area (read from the area row too).
    parent_area_id: int | None = None


class Grant(Protocol):
    """One role held over one scope (a RoleAssignment row satisfies this)."""

    @property
    def role(self) -> str: ...

    @property
    def area_id(self) -> int | None: ...

    @property
    def community_group_id(self) -> int | None: ...

    @property
    def language(self) -> str | None: ...


def grant_allows(grant: Grant, permission: Permission, scope: Scope | None) -> bool:
    """Whether one grant gives ``permission``; scope None asks "anywhere at all"."""
    role = Role(grant.role)
    if permission not in ROLE_PERMISSIONS[role]:
        return False
    if scope is None:
        return True
    kind = ROLE_SCOPE[role]
    if kind is ScopeKind.PLATFORM:
        return True
    if kind is ScopeKind.AREA:
        if grant.area_id is None:
            return False
        return scope.area_id == grant.area_id or (
            permission in REACHES_SUB_AREAS and scope.parent_area_id == grant.area_id
        )
    if kind is ScopeKind.GROUP:
        return grant.community_group_id is not None and scope.group_id == grant.community_group_id
    return grant.language is not None and scope.language == grant.language
