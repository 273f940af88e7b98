"""Every role × every staff route × its own and a foreign area: exactly the expected answer.

"login" means the visitor is sent to sign in; 403 means the role never has that permission;
404 means the role has it, but not over this object's area (the same answer as a missing one).
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import User
from tests.auth.staff_helpers import Staff, csrf_token, make_places, make_staff, sign_in

ROLES = ["anonymous", "admin", "commissioner", "analyst", "group_facilitator", "translator"]

# route -> expected answer per role, in the order of ROLES.
MATRIX: dict[str, tuple[object, ...]] = {
    "GET /staff": ("login", 200, 200, 200, 200, 200),
    "GET /admin/audit": ("login", 200, 403, 403, 403, 403),
    "GET /admin/users": ("login", 200, 403, 403, 403, 403),
    "GET /admin/users/invite": ("login", 200, 403, 403, 403, 403),
    "POST /admin/users/{analyst_id}/reset-link": ("login", 200, 403, 403, 403, 403),
    "GET /exports/responses.csv?area=north-riverside": ("login", 200, 403, 200, 403, 403),
    "GET /exports/responses.csv?area=south-vale": ("login", 200, 403, 404, 403, 403),
    "GET /exports/responses.csv?area=no-such-area": ("login", 404, 403, 404, 403, 403),
    "GET /areas/north-riverside/invitations": ("login", 200, 200, 403, 403, 403),
    "GET /areas/south-vale/invitations": ("login", 200, 404, 403, 403, 403),
    "GET /areas/no-such-area/invitations": ("login", 404, 404, 403, 403, 403),
    "GET /codesign/areas/north-riverside": ("login", 200, 200, 403, 403, 403),
    "GET /codesign/areas/south-vale": ("login", 200, 404, 403, 403, 403),
    "POST /codesign/areas/south-vale/publish": ("login", 400, 404, 403, 403, 403),
    "GET /codesign/groups/polish-community/invite": ("login", 200, 200, 404, 200, 404),
    "GET /codesign/groups/vale-carers/invite": ("login", 200, 404, 404, 404, 404),
    "GET /codesign/areas/north-riverside/preview": ("login", 200, 200, 403, 403, 403),
    "GET /codesign/areas/south-vale/preview": ("login", 200, 404, 403, 403, 403),
    "GET /codesign/areas/no-such-area/preview": ("login", 404, 404, 403, 403, 403),
    "GET /codesign/groups/polish-community/counts.json": ("login", 200, 200, 404, 200, 404),
    "GET /codesign/groups/vale-carers/counts.json": ("login", 200, 404, 404, 404, 404),
    "GET /codesign/groups/no-such-group/counts.json": ("login", 404, 404, 404, 404, 404),
}


@pytest.fixture
def staff(app: Flask) -> dict[str, Staff]:
    make_places(app)
    return make_staff(app)


def answer(client: FlaskClient, method: str, path: str) -> object:
    if method == "POST":
        response = client.post(path, data={"csrf_token": csrf_token(client, "/login")})
    else:
        response = client.get(path)
    if response.status_code == 302 and response.headers["Location"].startswith("/login"):
        return "login"
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_own_routes_and_area(
    app: Flask, client: FlaskClient, staff: dict[str, Staff], role: str
) -> None:
    if role != "anonymous":
        sign_in(client, staff[role])
    with app.app_context():
        analyst_id = db.session.scalar(select(User.id).where(User.email == staff["analyst"].email))
    column = ROLES.index(role)
    expected = {route: row[column] for route, row in MATRIX.items()}
    actual = {}
    for route in MATRIX:
        method, path = route.split(" ", 1)
        actual[route] = answer(client, method, path.format(analyst_id=analyst_id))
    assert actual == expected


def test_an_analyst_without_an_area_in_the_address_gets_their_own_area(
    app: Flask, client: FlaskClient, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["analyst"])
    response = client.get("/exports/responses.csv")
    assert response.status_code == 200
    assert "responses-north-riverside-" in response.headers["Content-Disposition"]
