"""A place (sub-area) of an ICB: its parent's staff read its reports and actions, nothing more."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.access.permissions import REACHES_SUB_AREAS, Permission, Scope, grant_allows
from app.extensions import db
from app.models import Area
from tests.auth.staff_helpers import Staff, add_staff, make_places, make_staff, sign_in


@dataclass(frozen=True)
class AreaGrant:
    role: str
    area_id: int | None
    community_group_id: int | None = None
    language: str | None = None


PARENT, PLACE, OTHER = 1, 2, 3
IN_PLACE = Scope(area_id=PLACE, parent_area_id=PARENT)


@pytest.mark.parametrize("permission", list(Permission))
def test_an_area_grant_reaches_its_places_only_for_reading(permission: Permission) -> None:
    parent_commissioner = AreaGrant("commissioner", PARENT)
    parent_analyst = AreaGrant("analyst", PARENT)
    for grant in (parent_commissioner, parent_analyst):
        own = grant_allows(grant, permission, Scope(area_id=PARENT))
        assert grant_allows(grant, permission, IN_PLACE) == (
            own and permission in REACHES_SUB_AREAS
        )
        # Another ICB's place, and the parent seen from a place's grant: never.
        assert not grant_allows(grant, permission, Scope(area_id=9, parent_area_id=OTHER))
    place_commissioner = AreaGrant("commissioner", PLACE)
    assert not grant_allows(place_commissioner, permission, Scope(area_id=PARENT))
    assert not grant_allows(place_commissioner, permission, Scope(area_id=7, parent_area_id=PARENT))


@pytest.fixture
def staff(app: Flask) -> dict[str, Staff]:
    ids = make_places(app)
    with app.app_context():
        db.session.add_all(
            [
                Area(slug="riverside-west", name="West place", parent_id=ids["north-riverside"]),
                Area(slug="vale-hills", name="Hills place", parent_id=ids["south-vale"]),
            ]
        )
        db.session.commit()
    people = make_staff(app)
    people["place"] = add_staff(
        app, "commissioner", "pat.place@example.nhs.uk", area="riverside-west"
    )
    return people


ROUTES = (
    "/areas/riverside-west/you-said-we-did",
    "/areas/riverside-west/invitations",
    "/codesign/areas/riverside-west",
    "/areas/vale-hills/you-said-we-did",
    "/areas/north-riverside/you-said-we-did",
    "/areas/north-riverside/invitations",
)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # The ICB's commissioner reads the place's actions; managing it stays with the place.
        ("commissioner", (200, 404, 404, 404, 200, 200)),
        ("place", (200, 200, 200, 404, 404, 404)),
        ("admin", (200, 200, 200, 200, 200, 200)),
    ],
)
def test_managing_a_place_stays_with_its_own_staff(
    client: FlaskClient, staff: dict[str, Staff], who: str, expected: tuple[int, ...]
) -> None:
    sign_in(client, staff[who])
    assert tuple(client.get(route).status_code for route in ROUTES) == expected
