"""Account services: the password rules, single-use authenticator codes and password changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.access.permissions import Role
from app.models import StaffSession, User
from app.services import accounts, passwords, staff_sessions, totp
from app.services.accounts import RoleGrant
from app.services.encryption import contact_cipher

GOOD = "lantern-orchard-violet-47"


@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "Password1234!",
        "123456789012",
        "qwertyuiopasdf",
        "iloveyou123456",
        "football2024!!",
        "aaaaaaaaaaaaa",
        "ababababababab",
    ],
)
def test_common_and_predictable_passwords_are_refused(password: str) -> None:
    with pytest.raises(passwords.WeakPassword):
        passwords.check_password(password)


def test_a_long_passphrase_is_accepted_and_the_email_cannot_be_in_it() -> None:
    passwords.check_password(GOOD)
    with pytest.raises(passwords.WeakPassword, match="email"):
        passwords.check_password("ada.lovelace-writes-code", email="ada.lovelace@example.nhs.uk")


def test_the_common_password_list_is_shipped_with_the_app() -> None:
    common = passwords.common_passwords()
    assert len(common) > 10_000
    assert {"password", "123456", "qwerty", "iloveyou"} <= common


def test_hashes_are_argon2id_and_verify_only_the_right_password() -> None:
    hashed = passwords.hash_password(GOOD)
    assert hashed.startswith("$argon2id$")
    assert passwords.password_matches(hashed, GOOD)
    assert not passwords.password_matches(hashed, GOOD + "x")
    assert not passwords.password_matches("not a hash", GOOD)


def test_a_code_is_accepted_within_one_step_of_drift_only() -> None:
    secret = totp.new_secret()
    now = datetime(2026, 1, 1, 12, 0, 10, tzinfo=UTC)
    step = totp.time_step(now)
    assert totp.matching_step(secret, totp.code_for_step(secret, step - 1), now) == step - 1
    assert totp.matching_step(secret, totp.code_for_step(secret, step + 2), now) is None
    spaced = totp.code_for_step(secret, step)
    assert totp.matching_step(secret, f"{spaced[:3]} {spaced[3:]}", now) == step
    assert totp.matching_step(secret, "12345", now) is None


@pytest.fixture
def session(app: Flask) -> Session:
    with app.app_context():
        from app.extensions import db

        yield db.session()


def test_accepting_a_code_moves_the_last_step_so_it_cannot_be_replayed(
    app: Flask, session: Session
) -> None:
    cipher = contact_cipher(app.config)
    secret = totp.new_secret()
    account = accounts.create_user(
        session, "ada@example.nhs.uk", GOOD, [RoleGrant(Role.ADMIN)], cipher, totp_secret=secret
    )
    now = datetime(2026, 1, 1, 12, 0, 0)
    code = totp.code_for_step(secret, totp.time_step(now))
    assert accounts.accept_totp_code(session, account.user_id, code, cipher, now=now)
    assert not accounts.accept_totp_code(session, account.user_id, code, cipher, now=now)
    later = now + timedelta(seconds=30)
    assert accounts.accept_totp_code(
        session,
        account.user_id,
        totp.code_for_step(secret, totp.time_step(later)),
        cipher,
        now=later,
    )


def test_changing_a_password_ends_every_session(app: Flask, session: Session) -> None:
    cipher = contact_cipher(app.config)
    account = accounts.create_user(
        session, "ada@example.nhs.uk", GOOD, [RoleGrant(Role.ADMIN)], cipher
    )
    staff_sessions.start_staff_session(session, account.user_id)
    staff_sessions.start_staff_session(session, account.user_id)
    accounts.set_password(session, account.user_id, "another-long-passphrase-9")
    assert session.scalar(select(func.count(StaffSession.id))) == 0
    assert accounts.authenticate(session, "ada@example.nhs.uk", "another-long-passphrase-9")
    with pytest.raises(accounts.InvalidCredentials):
        accounts.authenticate(session, "ada@example.nhs.uk", GOOD)


def test_a_session_token_is_stored_only_as_a_hash(app: Flask, session: Session) -> None:
    cipher = contact_cipher(app.config)
    account = accounts.create_user(
        session, "ada@example.nhs.uk", GOOD, [RoleGrant(Role.ADMIN)], cipher
    )
    token = staff_sessions.start_staff_session(session, account.user_id)
    stored = session.scalar(select(StaffSession.token_hash))
    assert stored and token not in stored and len(token) >= 43  # 256 bits
    user = staff_sessions.user_for_session_token(
        session, token, idle_timeout=timedelta(minutes=30), max_age=timedelta(hours=12)
    )
    assert isinstance(user, User) and user.id == account.user_id
