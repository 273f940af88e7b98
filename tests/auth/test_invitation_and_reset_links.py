"""New staff set up an account from a single-use link; forgotten passwords are reset by link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import PasswordReset, StaffInvitation, User
from tests.auth.staff_helpers import (
    PASSWORD,
    Staff,
    csrf_token,
    current_code,
    make_places,
    make_staff,
    post_password,
    sign_in,
)
from tests.page_checks import parse_page

NEW_PASSWORD = "quiet-harbour-lemon-2031"


@pytest.fixture
def staff(app: Flask) -> dict[str, Staff]:
    make_places(app)
    return make_staff(app)


def invite(client: FlaskClient, **fields: str) -> str:
    """The admin fills in the invitation form; returns the path of the link shown once."""
    parse_page(client.get("/admin/users/invite"))
    token = csrf_token(client, "/admin/users/invite")
    page = client.post("/admin/users/invite", data={"csrf_token": token, **fields})
    assert page.status_code == 200, page.get_data(as_text=True)[:600]
    text = parse_page(page).get_text(" ")
    found = re.search(r"http://127\.0\.0\.1:5000(/join/[A-Za-z0-9_-]+)", text)
    assert found, text
    return found.group(1)


def set_up_account(client: FlaskClient, link: str, **fields: str) -> tuple[int, str]:
    opened = client.get(link)
    assert opened.status_code == 302 and opened.headers["Location"] == "/join"
    page = parse_page(client.get("/join"))
    token = csrf_token(client, "/join")
    response = client.post(
        "/join",
        data={
            "csrf_token": token,
            "password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
            **fields,
        },
    )
    return response.status_code, page.get_text(" ")


def test_an_admin_invites_a_commissioner_who_sets_a_password_and_authenticator(
    app: Flask, client: FlaskClient, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["admin"])
    link = invite(
        client, email="New.Commissioner@example.nhs.uk", role="commissioner", area="south-vale"
    )

    newcomer = app.test_client()
    newcomer.get(link)
    setup_page = parse_page(newcomer.get("/join")).get_text(" ")
    assert "new.commissioner@example.nhs.uk" in setup_page
    secret = re.search(r"\b([A-Z2-7]{32})\b", setup_page)
    assert secret, "the set-up key is shown for the authenticator app"
    status, _ = set_up_account(newcomer, link, code=current_code(secret.group(1)))
    assert status == 200

    # The link is used up, and the set-up code cannot sign in a second time.
    assert app.test_client().get(link).status_code == 404
    assert (
        post_password(newcomer, "new.commissioner@example.nhs.uk", NEW_PASSWORD).status_code == 302
    )
    token = csrf_token(newcomer, "/login/code")
    reuse = newcomer.post(
        "/login/code", data={"csrf_token": token, "code": current_code(secret.group(1))}
    )
    assert reuse.status_code == 401
    token = csrf_token(newcomer, "/login/code")
    fresh = newcomer.post(
        "/login/code", data={"csrf_token": token, "code": current_code(secret.group(1), +1)}
    )
    assert fresh.headers["Location"] == "/staff"
    assert "Commissioner: South Vale ICB" in parse_page(newcomer.get("/staff")).get_text(" ")


def test_the_set_up_needs_the_authenticator_code_and_a_strong_password(
    app: Flask, client: FlaskClient, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["admin"])
    link = invite(client, email="cm@example.nhs.uk", role="commissioner", area="north-riverside")
    newcomer = app.test_client()
    status, _ = set_up_account(newcomer, link, code="123456")
    assert status == 400
    token = csrf_token(newcomer, "/join")
    weak = newcomer.post(
        "/join",
        data={
            "csrf_token": token,
            "password": "password1234",
            "confirm_password": "password1234",
            "code": "",
        },
    )
    assert weak.status_code == 400
    assert "too common" in parse_page(weak).get_text()
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "cm@example.nhs.uk")) is None


def test_an_analyst_invitation_needs_no_authenticator(
    app: Flask, client: FlaskClient, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["admin"])
    link = invite(client, email="an@example.nhs.uk", role="analyst", area="north-riverside")
    newcomer = app.test_client()
    status, text = set_up_account(newcomer, link)
    assert status == 200 and "authenticator" not in text
    assert post_password(app.test_client(), "an@example.nhs.uk", NEW_PASSWORD).status_code == 302


def test_an_invitation_with_the_wrong_scope_is_explained(
    client: FlaskClient, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["admin"])
    token = csrf_token(client, "/admin/users/invite")
    page = client.post(
        "/admin/users/invite", data={"csrf_token": token, "email": "x@nhs.uk", "role": "analyst"}
    )
    assert page.status_code == 400
    assert "The analyst role needs an area" in parse_page(page).get_text()


def test_an_expired_invitation_looks_like_an_unknown_one(
    app: Flask, client: FlaskClient, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["admin"])
    link = invite(client, email="late@example.nhs.uk", role="translator", language="cy")
    with app.app_context():
        invitation = db.session.scalar(select(StaffInvitation))
        assert invitation is not None
        invitation.expires_at -= timedelta(hours=73)
        db.session.commit()
    expired = app.test_client().get(link)
    unknown = app.test_client().get("/join/not-a-real-token-at-all")
    assert expired.status_code == unknown.status_code == 404
    assert parse_page(expired).get_text() == parse_page(unknown).get_text()
    # The form itself cannot be reached without a live link either.
    assert app.test_client().get("/join").status_code == 404


def test_a_password_reset_link_works_once_and_signs_out_every_other_browser(
    app: Flask, client: FlaskClient, staff: dict[str, Staff]
) -> None:
    analyst_browser = app.test_client()
    sign_in(analyst_browser, staff["analyst"])
    sign_in(client, staff["admin"])
    with app.app_context():
        analyst_id = db.session.scalar(select(User.id).where(User.email == staff["analyst"].email))
    parse_page(client.get("/admin/users"))
    token = csrf_token(client, "/admin/users")
    issued = client.post(f"/admin/users/{analyst_id}/reset-link", data={"csrf_token": token})
    found = re.search(r"(/reset/[A-Za-z0-9_-]+)", parse_page(issued).get_text(" "))
    assert found
    link = found.group(1)

    person = app.test_client()
    assert person.get(link).headers["Location"] == "/reset"
    parse_page(person.get("/reset"))
    token = csrf_token(person, "/reset")
    done = person.post(
        "/reset",
        data={"csrf_token": token, "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert done.status_code == 200 and "Your password is changed" in parse_page(done).get_text()

    assert analyst_browser.get("/staff").status_code == 302  # signed out everywhere
    assert post_password(app.test_client(), staff["analyst"].email, PASSWORD).status_code == 401
    assert post_password(app.test_client(), staff["analyst"].email, NEW_PASSWORD).status_code == 302
    assert app.test_client().get(link).status_code == 404


def test_a_reset_link_expires(app: Flask, staff: dict[str, Staff]) -> None:
    from app.services import account_links

    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == staff["analyst"].email))
        assert user_id is not None
        link = account_links.issue_password_reset(
            db.session(), user_id, valid_for=timedelta(hours=24)
        )
        reset = db.session.scalar(select(PasswordReset))
        assert reset is not None and reset.token_hash != link.token
        reset.expires_at -= timedelta(hours=25)
        db.session.commit()
    assert app.test_client().get(f"/reset/{link.token}").status_code == 404


def test_the_mismatched_confirmation_is_pointed_out(
    app: Flask, client: FlaskClient, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["admin"])
    link = invite(client, email="typo@example.nhs.uk", role="analyst", area="north-riverside")
    newcomer = app.test_client()
    newcomer.get(link)
    token = csrf_token(newcomer, "/join")
    page = newcomer.post(
        "/join",
        data={
            "csrf_token": token,
            "password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD + "x",
        },
    )
    assert page.status_code == 400
    assert "do not match" in parse_page(page).get_text()
