"""'You said, we did' pages: commissioners record and change actions; groups and the public read."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, CommunityGroup, ThemeAction
from app.services import actions
from app.services import areas as area_service
from app.services.audit import SYSTEM
from tests.access.test_isolation_matrix import ROLES, answer
from tests.auth.staff_helpers import Staff, csrf_token, make_places, make_staff, sign_in
from tests.page_checks import parse_page
from tests.services.test_actions import DETAILS

NEW = "/areas/north-riverside/you-said-we-did/new"
SCRIPT = '<script>alert("x")</script>'


@pytest.fixture
def staff(app: Flask) -> dict[str, Staff]:
    make_places(app)
    return make_staff(app)


def polish_group_id(app: Flask) -> int:
    with app.app_context():
        found = db.session.scalar(
            select(CommunityGroup.id).where(CommunityGroup.slug == "polish-community")
        )
    assert found is not None
    return found


def record(client: FlaskClient, path: str = NEW, **overrides: str) -> object:
    form = {
        "csrf_token": csrf_token(client, path),
        "theme_id": "eol_out_of_hours",
        "group": "",
        "you_said": "Nobody came at night.",
        "we_did": "A night nursing team now covers the whole area.",
        "day": "3",
        "month": "2",
        "year": "2026",
        "status": "done",
        "is_public": "yes",
    }
    form.update(overrides)
    return client.post(path, data=form)


def only_action_id(app: Flask) -> int:
    with app.app_context():
        (action_id,) = db.session.scalars(select(ThemeAction.id)).all()
    return action_id


def test_a_commissioner_records_an_action_and_sees_it_under_its_theme(
    app: Flask, client: FlaskClient, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["commissioner"])
    form_page = parse_page(client.get(NEW))
    assert form_page.h1 and form_page.h1.get_text(strip=True) == "Record an action"
    theme_options = [o["value"] for o in form_page.select("select#theme_id option") if o["value"]]
    assert theme_options[0] == "general" and "eol_out_of_hours" in theme_options

    response = record(client, you_said=SCRIPT)
    assert response.status_code == 302  # type: ignore[attr-defined]

    page = parse_page(client.get("/areas/north-riverside/you-said-we-did"))
    section = page.find("section", attrs={"aria-labelledby": "theme-eol_out_of_hours"})
    assert section is not None
    assert section.h2 and section.h2.get_text(strip=True) == "Out-of-hours and timely access"
    text = section.get_text(" ", strip=True)
    assert "Done · 03/02/2026" in text
    assert SCRIPT in text  # shown as the words typed, never run
    assert page.find("script", string=re.compile("alert")) is None
    with app.app_context():
        actions_audited = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.startswith("actions."))
        ).all()
    assert actions_audited == ["actions.recorded"]


def test_a_form_with_problems_says_what_to_fix_and_keeps_what_was_typed(
    client: FlaskClient, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["commissioner"])
    response = record(client, theme_id="", day="31", month="2", we_did="Kept words")
    assert response.status_code == 400  # type: ignore[attr-defined]
    page = parse_page(response)  # type: ignore[arg-type]
    summary = page.select(".nhsuk-error-summary a")
    assert {a["href"] for a in summary} == {"#theme_id", "#action_date"}
    assert "Enter a real date" in page.get_text()
    assert page.select_one("textarea#we_did").get_text() == "Kept words"  # type: ignore[union-attr]
    assert page.title and page.title.get_text().startswith("Error:")


def test_a_change_is_kept_with_its_history(
    app: Flask, client: FlaskClient, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["commissioner"])
    record(client)
    action_id = only_action_id(app)
    edit = f"/you-said-we-did/actions/{action_id}/edit"
    page = parse_page(client.get(edit))
    version = page.select_one("input[name=version]")
    assert version is not None and version["value"] == "1"

    response = record(client, edit, status="in_progress", version="1", we_did="Now in progress")
    assert response.status_code == 302  # type: ignore[attr-defined]
    stale = record(client, edit, we_did="An older form", version="1")
    assert stale.status_code == 400  # type: ignore[attr-defined]
    assert "Someone else saved this action" in stale.get_data(as_text=True)  # type: ignore[attr-defined]

    history = parse_page(client.get(f"/you-said-we-did/actions/{action_id}/history"))
    headings = [h.get_text(strip=True) for h in history.find_all("h2") if "Version" in h.get_text()]
    assert headings == ["Version 2", "Version 1"]
    assert "A night nursing team" in history.get_text() and "Now in progress" in history.get_text()


def test_a_facilitator_sees_their_groups_actions_but_cannot_change_them(
    app: Flask, client: FlaskClient, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["commissioner"])
    record(client, group=str(polish_group_id(app)), theme_id="staff", you_said="Polish words")
    record(client, theme_id="general", you_said="Whole-area words")
    polish_action_id = min(_ids(app))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/staff")})

    sign_in(client, staff["group_facilitator"])
    home = parse_page(client.get("/staff"))
    assert home.find("a", href="/groups/polish-community/you-said-we-did")
    page = parse_page(client.get("/groups/polish-community/you-said-we-did"))
    assert "Polish words" in page.get_text()
    assert "Whole-area words" not in page.get_text()
    assert not page.find("a", string=re.compile("Change"))
    assert client.get(f"/you-said-we-did/actions/{polish_action_id}/edit").status_code == 403
    assert client.get(NEW).status_code == 403
    assert client.get("/areas/north-riverside/you-said-we-did").status_code == 404


def _ids(app: Flask) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(ThemeAction.id)))


def test_the_public_page_shows_only_published_actions_and_no_staff_details(
    client: FlaskClient, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["commissioner"])
    record(client, you_said="Published words")
    record(client, you_said="Private words", is_public="")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/staff")})

    page = parse_page(client.get("/you-said-we-did/north-riverside"))
    text = page.get_text()
    assert "Published words" in text and "Private words" not in text
    assert "cora.commissioner" not in text and "History" not in text
    assert client.get("/you-said-we-did/nowhere").status_code == 404


# route -> expected answer per role, in the order of ROLES (see test_isolation_matrix).
MATRIX: dict[str, tuple[object, ...]] = {
    "GET /areas/north-riverside/you-said-we-did": ("login", 200, 200, 200, 404, 403),
    "GET /areas/south-vale/you-said-we-did": ("login", 200, 404, 404, 404, 403),
    # A group that works in another area is not a filter of this one, for anybody.
    "GET /areas/north-riverside/you-said-we-did?group=vale-carers": (
        "login",
        404,
        404,
        404,
        404,
        403,
    ),
    "GET /groups/polish-community/you-said-we-did": ("login", 200, 200, 200, 200, 403),
    "GET /groups/vale-carers/you-said-we-did": ("login", 200, 404, 404, 404, 403),
    "GET /areas/north-riverside/you-said-we-did/new": ("login", 200, 200, 403, 403, 403),
    "GET /areas/south-vale/you-said-we-did/new": ("login", 200, 404, 403, 403, 403),
    "GET /you-said-we-did/actions/{north}/edit": ("login", 200, 200, 403, 403, 403),
    "GET /you-said-we-did/actions/{south}/edit": ("login", 200, 404, 403, 403, 403),
    "GET /you-said-we-did/actions/{south}/history": ("login", 200, 404, 403, 403, 403),
    "GET /you-said-we-did/actions/999999/edit": ("login", 404, 404, 403, 403, 403),
    "GET /you-said-we-did/south-vale": (200, 200, 200, 200, 200, 200),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_own_areas_and_groups_actions(
    app: Flask, client: FlaskClient, staff: dict[str, Staff], role: str
) -> None:
    ids = {}
    with app.app_context():
        for slug in ("north-riverside", "south-vale"):
            area_id = area_service.area_by_slug(db.session(), slug).id
            action = actions.record_action(db.session(), area_id, DETAILS, SYSTEM)
            ids[slug.split("-")[0]] = action.id
    if role != "anonymous":
        sign_in(client, staff[role])
    column = ROLES.index(role)
    actual = {
        route: answer(client, route.split(" ", 1)[0], route.split(" ", 1)[1].format(**ids))
        for route in MATRIX
    }
    assert actual == {route: row[column] for route, row in MATRIX.items()}
