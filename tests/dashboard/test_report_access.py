"""Every role × every report route × its own and another area or group: exactly the expected answer.

"login" means the visitor is sent to sign in; 403 means the role never has that permission;
404 means the role has it, but not over this area or group (the same answer as a missing one).
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.auth.staff_helpers import Staff, make_places, make_staff, sign_in
from tests.dashboard.report_data import seed_reports
from tests.dashboard.sub_areas import add_sub_areas

ROLES = ["anonymous", "admin", "commissioner", "analyst", "group_facilitator", "translator"]

MATRIX: dict[str, tuple[object, ...]] = {
    "/reports": ("login", 200, 200, 200, 200, 200),
    "/reports/north-riverside": ("login", 200, 200, 200, 403, 403),
    "/reports/south-vale": ("login", 200, 404, 404, 403, 403),
    "/reports/no-such-area": ("login", 404, 404, 404, 403, 403),
    "/reports/national": ("login", 200, 404, 404, 403, 403),
    "/reports/north-riverside/report.csv": ("login", 200, 200, 200, 403, 403),
    "/reports/south-vale/report.csv": ("login", 200, 404, 404, 403, 403),
    "/reports/south-vale/report.pdf": ("login", 200, 404, 404, 403, 403),
    "/reports/south-vale/report.xlsx": ("login", 200, 404, 404, 403, 403),
    "/reports/south-vale/report.html": ("login", 200, 404, 404, 403, 403),
    "/reports/north-riverside/report.exe": ("login", 404, 404, 404, 403, 403),
    "/reports/groups/polish-community": ("login", 200, 403, 403, 200, 403),
    "/reports/groups/polish-community/report.csv": ("login", 200, 403, 403, 200, 403),
    "/reports/groups/vale-carers": ("login", 200, 403, 403, 404, 403),
    "/reports/groups/vale-carers/report.pdf": ("login", 200, 403, 403, 404, 403),
    # Sub-areas (places): the ICB's staff read their own places' reports, never another ICB's.
    "/reports/riverside-west": ("login", 200, 200, 200, 403, 403),
    "/reports/riverside-west/report.csv": ("login", 200, 200, 200, 403, 403),
    "/reports/vale-hills": ("login", 200, 404, 404, 403, 403),
    "/reports/vale-hills/report.xlsx": ("login", 200, 404, 404, 403, 403),
    "/reports/north-riverside?sub_area=riverside-west": ("login", 200, 200, 200, 403, 403),
    "/reports/south-vale?sub_area=vale-hills": ("login", 200, 404, 404, 403, 403),
    "/reports/north-riverside/report.csv?sub_area=vale-hills": ("login", 400, 400, 400, 403, 403),
}


@pytest.fixture
def staff(app: Flask) -> dict[str, Staff]:
    make_places(app)
    people = make_staff(app)
    seed_reports(app, responses=300)
    add_sub_areas(app)
    return people


def answer(client: FlaskClient, path: str) -> object:
    response = client.get(path)
    if response.status_code == 302 and response.headers["Location"].startswith("/login"):
        return "login"
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_own_reports(
    client: FlaskClient, staff: dict[str, Staff], role: str
) -> None:
    if role != "anonymous":
        sign_in(client, staff[role])
    column = ROLES.index(role)
    expected = {path: row[column] for path, row in MATRIX.items()}
    actual = {path: answer(client, path) for path in MATRIX}
    assert actual == expected
