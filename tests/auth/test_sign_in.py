"""Staff sign in with a password and, for admins and commissioners, a single-use code."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import StaffSession, User
from app.services import accounts
from tests.auth.staff_helpers import (
    PASSWORD,
    add_staff,
    csrf_token,
    current_code,
    make_places,
    post_code,
    post_password,
    sign_in,
    sign_out,
)
from tests.page_checks import parse_page


def age_every_session(
    app: Flask, *, last_seen: timedelta = timedelta(0), created: timedelta = timedelta(0)
) -> None:
    """Move every staff session back in time, as if the browser had been left alone."""
    with app.app_context():
        for row in db.session.scalars(select(StaffSession)):
            row.last_seen_at -= last_seen
            row.created_at -= created
        db.session.commit()


@pytest.fixture
def places(app: Flask) -> dict[str, int]:
    return make_places(app)


def test_a_commissioner_signs_in_with_password_and_code_and_sees_the_staff_home(
    app: Flask, client: FlaskClient, places: dict[str, int]
) -> None:
    cora = add_staff(app, "commissioner", "cora@example.nhs.uk", area="north-riverside")
    parse_page(client.get("/login"))
    password_step = post_password(client, "Cora@Example.nhs.uk ", PASSWORD)
    assert password_step.status_code == 302
    assert password_step.headers["Location"].startswith("/login/code")
    # The password alone opens nothing.
    assert client.get("/staff").status_code == 302

    parse_page(client.get("/login/code"))
    assert cora.totp_secret is not None
    code_step = post_code(client, current_code(cora.totp_secret))
    assert code_step.status_code == 302 and code_step.headers["Location"] == "/staff"

    home = parse_page(client.get("/staff"))
    text = home.get_text(" ")
    assert "Commissioner: North Riverside ICB" in text
    assert "Invitations and responses in North Riverside ICB" in text
    assert "Download responses" not in text  # commissioners see reports, not response rows


def test_an_analyst_needs_no_authenticator_code(
    app: Flask, client: FlaskClient, places: dict[str, int]
) -> None:
    ari = add_staff(app, "analyst", "ari@example.nhs.uk", area="north-riverside")
    assert ari.totp_secret is None
    response = post_password(client, ari.email, PASSWORD)
    assert response.headers["Location"] == "/staff"
    assert "Responses for North Riverside ICB (CSV)" in parse_page(client.get("/staff")).get_text()


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(
    app: Flask, client: FlaskClient, places: dict[str, int]
) -> None:
    add_staff(app, "analyst", "ari@example.nhs.uk", area="north-riverside")
    wrong = post_password(client, "ari@example.nhs.uk", "not-the-password-at-all")
    unknown = post_password(client, "nobody@example.nhs.uk", "not-the-password-at-all")
    assert wrong.status_code == unknown.status_code == 401
    messages = [
        parse_page(r).select_one(".nhsuk-error-summary").get_text(" ", strip=True)
        for r in (wrong, unknown)
    ]
    assert messages[0] == messages[1]
    assert "not right" in messages[0]


def test_a_deactivated_account_cannot_sign_in(
    app: Flask, client: FlaskClient, places: dict[str, int]
) -> None:
    ari = add_staff(app, "analyst", "ari@example.nhs.uk", area="north-riverside")
    with app.app_context():
        assert accounts.deactivate_user(db.session(), ari.email)
    assert post_password(client, ari.email, PASSWORD).status_code == 401


def test_an_authenticator_code_works_only_once(
    app: Flask, client: FlaskClient, places: dict[str, int]
) -> None:
    ada = add_staff(app, "admin", "ada@example.nhs.uk")
    assert ada.totp_secret is not None
    code = current_code(ada.totp_secret)
    post_password(client, ada.email, PASSWORD)
    assert post_code(client, code).status_code == 302
    sign_out(client)

    # Someone who watched the code being typed tries it straight away in another browser.
    other = app.test_client()
    post_password(other, ada.email, PASSWORD)
    reused = post_code(other, code)
    assert reused.status_code == 401
    assert "used already" in parse_page(reused).get_text()
    assert other.get("/staff").status_code == 302
    # An older code than the one accepted is refused too; the next one works.
    assert post_code(other, current_code(ada.totp_secret, -1)).status_code == 401
    assert post_code(other, current_code(ada.totp_secret, +1)).status_code == 302


def test_a_wrong_code_is_refused_and_the_password_step_expires(
    app: Flask, client: FlaskClient, places: dict[str, int]
) -> None:
    ada = add_staff(app, "admin", "ada@example.nhs.uk")
    post_password(client, ada.email, PASSWORD)
    assert post_code(client, "000000").status_code == 401
    with client.session_transaction() as browser:
        pending = dict(browser["pending_staff_login"])
        pending["at"] -= 301
        browser["pending_staff_login"] = pending
    assert client.get("/login/code").headers["Location"].startswith("/login")


def test_signing_in_starts_a_new_session_and_drops_what_the_browser_held_before(
    app: Flask, client: FlaskClient, places: dict[str, int]
) -> None:
    ari = add_staff(app, "analyst", "ari@example.nhs.uk", area="north-riverside")
    with client.session_transaction() as browser:
        browser["planted_by_an_attacker"] = "fixation"
    parse_page(client.get("/login"))
    before = client.get_cookie("session")
    assert before is not None
    sign_in(client, ari)
    after = client.get_cookie("session")
    assert after is not None and after.value != before.value
    with client.session_transaction() as browser:
        assert "planted_by_an_attacker" not in browser
    with app.app_context():
        assert db.session.scalar(select(StaffSession.id)) is not None


def test_after_signing_out_the_old_cookie_no_longer_works(
    app: Flask, client: FlaskClient, places: dict[str, int]
) -> None:
    ari = add_staff(app, "analyst", "ari@example.nhs.uk", area="north-riverside")
    sign_in(client, ari)
    stolen = client.get_cookie("session")
    assert stolen is not None
    assert client.get("/staff").status_code == 200

    signed_out = sign_out(client)
    assert signed_out.status_code == 200
    assert "You have signed out" in parse_page(signed_out).get_text()

    replay = app.test_client()
    replay.set_cookie("session", stolen.value)
    response = replay.get("/staff")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    with app.app_context():
        assert db.session.scalar(select(StaffSession.id)) is None


def test_thirty_minutes_idle_signs_staff_out(
    app: Flask, client: FlaskClient, places: dict[str, int]
) -> None:
    ari = add_staff(app, "analyst", "ari@example.nhs.uk", area="north-riverside")
    sign_in(client, ari)
    age_every_session(app, last_seen=timedelta(minutes=31))
    assert client.get("/staff").headers["Location"].startswith("/login")
    with app.app_context():
        assert db.session.scalar(select(StaffSession.id)) is None


def test_a_busy_session_still_ends_after_its_maximum_age(
    app: Flask, client: FlaskClient, places: dict[str, int]
) -> None:
    ari = add_staff(app, "analyst", "ari@example.nhs.uk", area="north-riverside")
    sign_in(client, ari)
    age_every_session(app, created=timedelta(hours=13))
    assert client.get("/staff").status_code == 302


def test_deactivating_a_user_ends_their_open_sessions(
    app: Flask, client: FlaskClient, places: dict[str, int]
) -> None:
    ari = add_staff(app, "analyst", "ari@example.nhs.uk", area="north-riverside")
    sign_in(client, ari)
    with app.app_context():
        accounts.deactivate_user(db.session(), ari.email)
    assert client.get("/staff").status_code == 302


def test_the_staff_cookie_is_http_only_same_site_and_ends_with_the_browser(
    app: Flask, client: FlaskClient, places: dict[str, int]
) -> None:
    ari = add_staff(app, "analyst", "ari@example.nhs.uk", area="north-riverside")
    response = sign_in(client, ari)
    set_cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    assert "Expires=" not in set_cookie  # a browser-session cookie, not a remembered one


def test_production_cookies_are_secure(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.test_config import set_production_sms_settings

    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    set_production_sms_settings(monkeypatch)
    production = create_app("production")
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["SESSION_COOKIE_HTTPONLY"] is True
    assert production.config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize(
    "path", ["/login", "/login/code", "/logout", "/withdraw", "/admin/users/invite"]
)
def test_a_post_without_a_csrf_token_is_refused(client: FlaskClient, path: str) -> None:
    response = client.post(path, data={"email": "ada@example.nhs.uk", "password": PASSWORD})
    assert response.status_code == 400


def test_the_sixth_failed_sign_in_within_a_minute_is_refused_for_that_account(
    app: Flask, client: FlaskClient, places: dict[str, int]
) -> None:
    ari = add_staff(app, "analyst", "ari@example.nhs.uk", area="north-riverside")
    # Each guess comes from a different address, as from a botnet: the account still locks.
    for attempt in range(5):
        guess = post_password(
            client, ari.email, f"guess-number-{attempt}", REMOTE_ADDR=f"10.0.0.{attempt}"
        )
        assert guess.status_code == 401
    sixth = post_password(client, ari.email, PASSWORD, REMOTE_ADDR="10.0.0.99")
    assert sixth.status_code == 429
    parse_page(sixth)
    # Another account from a fresh address is not affected.
    other = add_staff(app, "analyst", "ola@example.nhs.uk", area="north-riverside")
    assert post_password(client, other.email, PASSWORD, REMOTE_ADDR="10.0.1.1").status_code == 302


def test_the_sixth_failed_sign_in_within_a_minute_is_refused_for_that_address(
    app: Flask, client: FlaskClient, places: dict[str, int]
) -> None:
    ari = add_staff(app, "analyst", "ari@example.nhs.uk", area="north-riverside")
    for attempt in range(5):
        guess = post_password(client, f"person{attempt}@example.nhs.uk", "wrong-password-here")
        assert guess.status_code == 401
    assert post_password(client, ari.email, PASSWORD).status_code == 429


class LimiterClock:
    """The clock the rate-limit counters read, moved by hand (no test waits for real time)."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_six_failures_within_sixty_seconds_are_refused_across_a_minute_boundary(
    app: Flask, client: FlaskClient, places: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import limits.storage.memory

    clock = LimiterClock(1_000_000.0)
    monkeypatch.setattr(limits.storage.memory, "time", clock)
    ari = add_staff(app, "analyst", "ari@example.nhs.uk", area="north-riverside")

    def guess(at: float, attempt: int) -> int:
        clock.now = 1_000_000.0 + at
        return post_password(client, ari.email, f"guess-number-{attempt}").status_code

    assert guess(0, 0) == 401
    # Four quick guesses 50 seconds later, one just after the first guess is a minute old...
    assert [guess(50, attempt) for attempt in range(1, 5)] == [401] * 4
    assert guess(61, 5) == 401
    # ...and the next is the sixth failure within 12 seconds: a counter that restarts each
    # minute (a fixed window) would let it through, and with it 9 guesses in 12 seconds.
    assert guess(62, 6) == 429


def test_successful_sign_ins_do_not_count_towards_the_limit(
    app: Flask, places: dict[str, int]
) -> None:
    ari = add_staff(app, "analyst", "ari@example.nhs.uk", area="north-riverside")
    for _ in range(7):
        browser = app.test_client()
        assert post_password(browser, ari.email, PASSWORD).status_code == 302


def test_guessing_authenticator_codes_is_throttled_too(
    app: Flask, client: FlaskClient, places: dict[str, int]
) -> None:
    ada = add_staff(app, "admin", "ada@example.nhs.uk")
    post_password(client, ada.email, PASSWORD)
    for guess in ("111111", "222222", "333333", "444444", "555555"):
        assert post_code(client, guess).status_code == 401
    assert post_code(client, "666666").status_code == 429


def test_after_sign_in_only_a_local_page_is_followed(
    app: Flask, client: FlaskClient, places: dict[str, int]
) -> None:
    ari = add_staff(app, "analyst", "ari@example.nhs.uk", area="north-riverside")
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=//evil.example/phish",
        data={"csrf_token": token, "email": ari.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/staff"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/staff")})
    asked = client.get("/exports/responses.csv")
    assert asked.status_code == 302
    assert asked.headers["Location"].startswith("/login?next=/exports/responses.csv")


def test_a_new_password_hash_uses_argon2(app: Flask, places: dict[str, int]) -> None:
    ari = add_staff(app, "analyst", "ari@example.nhs.uk", area="north-riverside")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == ari.email))
        assert user is not None and user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
