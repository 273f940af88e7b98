"""`flask users ...`: create staff accounts, issue invitation and reset links, list, deactivate."""

from __future__ import annotations

import sys
from datetime import timedelta

import click
from flask import current_app, url_for
from flask.cli import AppGroup

from app.extensions import db
from app.models import User
from app.services import account_links, accounts, passwords
from app.services.encryption import contact_cipher

users_cli = AppGroup("users", help="Staff accounts: create, invite, reset, list, deactivate.")

_scope_options = [
    click.option("--email", required=True, help="The person's e-mail address."),
    click.option("--role", required=True, help="admin, commissioner, analyst, ..."),
    click.option("--area", "area_slug", default=None, help="Area slug (commissioner, analyst)."),
    click.option("--group", "group_slug", default=None, help="Group slug (group_facilitator)."),
    click.option("--language", default=None, help="Language code (translator)."),
]


def _with_scope_options(command: click.decorators.FC) -> click.decorators.FC:
    for option in reversed(_scope_options):
        command = option(command)
    return command


def _read_password() -> str:
    """From standard input when piped (scripts), otherwise typed twice without echo."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def _grant(
    role: str, area_slug: str | None, group_slug: str | None, language: str | None
) -> accounts.RoleGrant:
    try:
        return accounts.resolve_grant(
            db.session(), role, area_slug=area_slug, group_slug=group_slug, language=language
        )
    except accounts.InvalidRole as problem:
        raise click.ClickException(str(problem)) from problem


def _link(endpoint: str, token: str) -> str:
    base = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    with current_app.test_request_context():
        return base + url_for(endpoint, token=token)


@users_cli.command("create")
@_with_scope_options
def create(
    email: str, role: str, area_slug: str | None, group_slug: str | None, language: str | None
) -> None:
    """Create an account now; prints the authenticator set-up URI for admins and commissioners."""
    grant = _grant(role, area_slug, group_slug, language)
    try:
        account = accounts.create_user(
            db.session(), email, _read_password(), [grant], contact_cipher(current_app.config)
        )
    except (passwords.WeakPassword, accounts.InvalidEmail, accounts.AccountExists) as problem:
        raise click.ClickException(str(problem)) from problem
    click.echo(f"Created user {account.user_id} ({account.email}) as {grant.role.value}.")
    if account.totp_setup_uri:
        click.echo("Add this account to an authenticator app (shown once):")
        click.echo(account.totp_setup_uri)


@users_cli.command("invite")
@_with_scope_options
def invite(
    email: str, role: str, area_slug: str | None, group_slug: str | None, language: str | None
) -> None:
    """Print a single-use link with which the person sets up their own account."""
    grant = _grant(role, area_slug, group_slug, language)
    hours = int(current_app.config["STAFF_INVITATION_VALID_HOURS"])
    try:
        link = account_links.invite_staff(
            db.session(),
            email,
            grant,
            contact_cipher(current_app.config),
            invited_by_id=None,
            valid_for=timedelta(hours=hours),
        )
    except (accounts.InvalidEmail, accounts.AccountExists) as problem:
        raise click.ClickException(str(problem)) from problem
    click.echo(f"Invitation link (works once, until {link.expires_at:%Y-%m-%d %H:%M} UTC):")
    click.echo(_link("auth.join_link", link.token))


@users_cli.command("reset-link")
@click.option("--email", required=True)
def reset_link(email: str) -> None:
    """Print a single-use link with which the user chooses a new password."""
    user = db.session.scalar(db.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active:
        raise click.ClickException("No active user has that e-mail address")
    hours = int(current_app.config["PASSWORD_RESET_VALID_HOURS"])
    link = account_links.issue_password_reset(
        db.session(), user.id, valid_for=timedelta(hours=hours)
    )
    click.echo(f"Password reset link (works once, until {link.expires_at:%Y-%m-%d %H:%M} UTC):")
    click.echo(_link("auth.reset_link", link.token))


@users_cli.command("list")
def list_users() -> None:
    """Print email<TAB>roles<TAB>active for every user."""
    for user in accounts.all_users(db.session()):
        roles = "; ".join(accounts.describe_grant(grant) for grant in user.assignments)
        click.echo(f"{user.email}\t{roles}\t{'active' if user.is_active else 'deactivated'}")


@users_cli.command("deactivate")
@click.option("--email", required=True)
def deactivate(email: str) -> None:
    """Stop the user signing in and end their sessions (the audit log keeps their name)."""
    try:
        found = accounts.deactivate_user(db.session(), email)
    except accounts.InvalidEmail as problem:
        raise click.ClickException(str(problem)) from problem
    if not found:
        raise click.ClickException("No user has that e-mail address")
    click.echo("Deactivated.")
