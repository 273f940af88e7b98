"""`flask users ...`: an operator creates the first admin and manages staff from the shell."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from app.extensions import db
from app.models import User
from tests.auth.staff_helpers import PASSWORD, make_places


@pytest.fixture
def places(app: Flask) -> dict[str, int]:
    return make_places(app)


def test_the_first_admin_is_created_with_a_piped_password_and_an_authenticator_uri(
    app: Flask, runner: FlaskCliRunner, places: dict[str, int]
) -> None:
    result = runner.invoke(
        args=["users", "create", "--email", "Ada@Example.nhs.uk", "--role", "admin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created user" in result.output and "ada@example.nhs.uk" in result.output
    assert "otpauth://totp/Carer%20Voices:ada%40example.nhs.uk?secret=" in result.output
    assert PASSWORD not in result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user is not None and user.needs_totp and user.totp_secret_encrypted
        # The secret is stored encrypted, never as the plain base32 shown once.
        secret = result.output.split("secret=")[1].split("&")[0]
        assert secret not in user.totp_secret_encrypted


def test_an_analyst_needs_an_area_and_gets_no_authenticator(
    runner: FlaskCliRunner, places: dict[str, int]
) -> None:
    missing = runner.invoke(
        args=["users", "create", "--email", "a@example.nhs.uk", "--role", "analyst"],
        input=PASSWORD + "\n",
    )
    assert missing.exit_code != 0 and "needs an area" in missing.output
    made = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "a@example.nhs.uk",
            "--role",
            "analyst",
            "--area",
            "north-riverside",
        ],
        input=PASSWORD + "\n",
    )
    assert made.exit_code == 0, made.output
    assert "otpauth" not in made.output


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short-pw", "at least 12"),
        ("password1234", "too common"),
        ("qwertyuiop123", "too common"),
        ("aaaaaaaaaaaaaaaa", "too few"),
    ],
)
def test_weak_passwords_are_refused(
    runner: FlaskCliRunner, places: dict[str, int], password: str, reason: str
) -> None:
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "g@example.org",
            "--role",
            "group_facilitator",
            "--group",
            "polish-community",
        ],
        input=password + "\n",
    )
    assert result.exit_code != 0
    assert reason in result.output


def test_an_unknown_role_or_scope_is_refused_clearly(
    runner: FlaskCliRunner, places: dict[str, int]
) -> None:
    unknown_role = runner.invoke(
        args=["users", "create", "--email", "x@example.org", "--role", "superuser"],
        input=PASSWORD + "\n",
    )
    assert "Unknown role 'superuser'" in unknown_role.output
    wrong_scope = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "x@example.org",
            "--role",
            "translator",
            "--area",
            "north-riverside",
        ],
        input=PASSWORD + "\n",
    )
    assert "not limited by area" in wrong_scope.output


def test_invite_reset_list_and_deactivate(
    app: Flask, runner: FlaskCliRunner, places: dict[str, int]
) -> None:
    invited = runner.invoke(
        args=[
            "users",
            "invite",
            "--email",
            "t@example.org",
            "--role",
            "translator",
            "--language",
            "cy",
        ]
    )
    assert invited.exit_code == 0 and "http://127.0.0.1:5000/join/" in invited.output
    runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "a@example.nhs.uk",
            "--role",
            "analyst",
            "--area",
            "north-riverside",
        ],
        input=PASSWORD + "\n",
    )
    reset = runner.invoke(args=["users", "reset-link", "--email", "a@example.nhs.uk"])
    assert reset.exit_code == 0 and "http://127.0.0.1:5000/reset/" in reset.output
    listing = runner.invoke(args=["users", "list"])
    assert "a@example.nhs.uk\tAnalyst: North Riverside ICB\tactive" in listing.output
    assert runner.invoke(args=["users", "deactivate", "--email", "a@example.nhs.uk"]).exit_code == 0
    assert "deactivated" in runner.invoke(args=["users", "list"]).output
    assert runner.invoke(args=["users", "reset-link", "--email", "a@example.nhs.uk"]).exit_code != 0


def test_a_second_account_with_the_same_address_is_refused(
    runner: FlaskCliRunner, places: dict[str, int]
) -> None:
    args = ["users", "create", "--email", "a@example.nhs.uk", "--role", "admin"]
    assert runner.invoke(args=args, input=PASSWORD + "\n").exit_code == 0
    again = runner.invoke(
        args=[*args[:2], "--email", "A@EXAMPLE.nhs.uk", "--role", "admin"], input=PASSWORD + "\n"
    )
    assert again.exit_code != 0 and "already exists" in again.output


class _Terminal:
    """Standard input as an operator's terminal: `users create` must then prompt, not read."""

    class stdin:  # noqa: N801 - stands in for sys.stdin
        @staticmethod
        def isatty() -> bool:
            return True


def test_at_a_terminal_the_password_is_prompted_twice_and_never_echoed(
    runner: FlaskCliRunner, places: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.cli import users as users_command

    monkeypatch.setattr(users_command, "sys", _Terminal)
    args = ["users", "create", "--email", "ada@example.nhs.uk", "--role", "admin"]
    mismatch = runner.invoke(args=args, input=f"{PASSWORD}\nsomething-else-entirely\n")
    assert "Password:" in mismatch.output and "do not match" in mismatch.output.lower()
    made = runner.invoke(args=args, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert made.exit_code == 0, made.output
    assert made.output.count("Password") >= 1 and "Repeat for confirmation" in made.output
    assert PASSWORD not in made.output
    assert "otpauth://totp/" in made.output
