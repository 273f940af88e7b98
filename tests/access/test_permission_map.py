"""user.can(permission, scope): each role reaches only its own area, group or language."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.access.permissions import Permission, Role, Scope, grant_allows
from app.models import RoleAssignment, User

NORTH, SOUTH = 1, 2
POLISH_GROUP, VALE_GROUP = 10, 20


@dataclass(frozen=True)
class Grant:
    role: str
    area_id: int | None = None
    community_group_id: int | None = None
    language: str | None = None


def user_with(*grants: Grant, active: bool = True) -> User:
    user = User(email="x@example.nhs.uk", password_hash="-", is_active=active)
    user.assignments = [
        RoleAssignment(
            role=g.role,
            area_id=g.area_id,
            community_group_id=g.community_group_id,
            language=g.language,
        )
        for g in grants
    ]
    return user


def test_a_commissioner_of_two_areas_sees_reports_for_both_and_no_third() -> None:
    cora = user_with(Grant("commissioner", NORTH), Grant("commissioner", SOUTH))
    assert cora.can(Permission.VIEW_REPORTS, Scope(area_id=NORTH))
    assert cora.can(Permission.VIEW_REPORTS, Scope(area_id=SOUTH))
    assert not cora.can(Permission.VIEW_REPORTS, Scope(area_id=3))
    assert not cora.can(Permission.EXPORT_RESPONSES, Scope(area_id=NORTH))


def test_an_analyst_exports_only_their_own_area() -> None:
    ari = user_with(Grant("analyst", NORTH))
    assert ari.can(Permission.EXPORT_RESPONSES)
    assert ari.can(Permission.EXPORT_RESPONSES, Scope(area_id=NORTH, group_id=POLISH_GROUP))
    assert not ari.can(Permission.EXPORT_RESPONSES, Scope(area_id=SOUTH))
    assert not ari.can(Permission.MANAGE_USERS)


def test_a_group_facilitator_sees_their_group_and_nothing_of_the_rest_of_the_area() -> None:
    fay = user_with(Grant("group_facilitator", community_group_id=POLISH_GROUP))
    assert fay.can(Permission.VIEW_GROUP_RESULTS, Scope(area_id=NORTH, group_id=POLISH_GROUP))
    assert not fay.can(Permission.VIEW_GROUP_RESULTS, Scope(area_id=NORTH, group_id=VALE_GROUP))
    assert not fay.can(Permission.VIEW_GROUP_RESULTS, Scope(area_id=NORTH))
    assert not fay.can(Permission.VIEW_REPORTS)


def test_a_translator_works_on_their_language_only() -> None:
    tomos = user_with(Grant("translator", language="cy"))
    assert tomos.can(Permission.EDIT_TRANSLATIONS, Scope(language="cy"))
    assert not tomos.can(Permission.EDIT_TRANSLATIONS, Scope(language="pl"))
    assert not tomos.can(Permission.EXPORT_RESPONSES)


def test_an_admin_holds_every_permission_everywhere_until_deactivated() -> None:
    ada = user_with(Grant("admin"))
    for permission in Permission:
        assert ada.can(permission, Scope(area_id=SOUTH, group_id=VALE_GROUP, language="pl"))
    assert not user_with(Grant("admin"), active=False).can(Permission.STAFF_HOME)


@pytest.mark.parametrize("role", list(Role))
def test_a_grant_missing_its_scope_reaches_no_object(role: Role) -> None:
    if role is Role.ADMIN:
        return
    bare = Grant(role.value)
    assert not grant_allows(bare, Permission.STAFF_HOME, Scope(area_id=NORTH, language="cy"))


def test_nobody_with_no_roles_can_do_anything() -> None:
    assert not any(user_with().can(permission) for permission in Permission)
