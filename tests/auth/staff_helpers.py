"""Staff for request tests: areas, one member of staff per role, and signing in like a browser."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.extensions import db
from app.models import Area, CommunityGroup
from app.models.clock import utc_now
from app.services import accounts, totp
from app.services.encryption import contact_cipher

PASSWORD = "lantern-orchard-violet-47"
_CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


@dataclass(frozen=True)
class Staff:
    role: str
    email: str
    password: str
    totp_secret: str | None


def make_places(app: Flask) -> dict[str, int]:
    """Two areas, each with its own community group."""
    with app.app_context():
        north = Area(slug="north-riverside", name="North Riverside ICB")
        south = Area(slug="south-vale", name="South Vale ICB")
        db.session.add_all([north, south])
        db.session.flush()
        db.session.add_all(
            [
                CommunityGroup(slug="polish-community", name="Polish centre", area_id=north.id),
                CommunityGroup(slug="vale-carers", name="Vale carers circle", area_id=south.id),
            ]
        )
        db.session.commit()
        return {"north-riverside": north.id, "south-vale": south.id}


def add_staff(
    app: Flask,
    role: str,
    email: str,
    *,
    area: str | None = None,
    group: str | None = None,
    language: str | None = None,
    password: str = PASSWORD,
) -> Staff:
    with app.app_context():
        grant = accounts.resolve_grant(
            db.session(), role, area_slug=area, group_slug=group, language=language
        )
        secret = totp.new_secret()
        account = accounts.create_user(
            db.session(),
            email,
            password,
            [grant],
            contact_cipher(app.config),
            totp_secret=secret,
        )
    return Staff(role, account.email, password, secret if account.totp_setup_uri else None)


def make_staff(app: Flask) -> dict[str, Staff]:
    """One person per role, all scoped to the north area (or its group, or Welsh)."""
    return {
        "admin": add_staff(app, "admin", "ada.admin@example.nhs.uk"),
        "commissioner": add_staff(
            app, "commissioner", "cora.commissioner@example.nhs.uk", area="north-riverside"
        ),
        "analyst": add_staff(app, "analyst", "ari.analyst@example.nhs.uk", area="north-riverside"),
        "group_facilitator": add_staff(
            app, "group_facilitator", "fay.facilitator@example.org", group="polish-community"
        ),
        "translator": add_staff(app, "translator", "tomos.translator@example.org", language="cy"),
    }


def csrf_token(client: FlaskClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    found = _CSRF.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def current_code(secret: str, offset: int = 0) -> str:
    """The authenticator app's code now (offset: a step earlier or later, within the drift)."""
    return totp.code_for_step(secret, totp.time_step(utc_now()) + offset)


def post_password(client: FlaskClient, email: str, password: str, **environ: str) -> TestResponse:
    token = csrf_token(client, "/login")
    return client.post(
        "/login",
        data={"csrf_token": token, "email": email, "password": password},
        environ_overrides=environ or None,
    )


def post_code(client: FlaskClient, code: str) -> TestResponse:
    token = csrf_token(client, "/login/code")
    return client.post("/login/code", data={"csrf_token": token, "code": code})


def sign_in(client: FlaskClient, staff: Staff, *, code_offset: int = 0) -> TestResponse:
    """Password, then the authenticator code if the role needs one; returns the last response."""
    response = post_password(client, staff.email, staff.password)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    if staff.totp_secret is None:
        return response
    assert response.headers["Location"].startswith("/login/code")
    response = post_code(client, current_code(staff.totp_secret, code_offset))
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return response


def sign_out(client: FlaskClient) -> TestResponse:
    token = csrf_token(client, "/staff")
    return client.post("/logout", data={"csrf_token": token})
