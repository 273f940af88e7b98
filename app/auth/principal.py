"""Who is signed in: the Flask-Login user is a server-side staff session, checked per request."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from flask import Flask, current_app, session
from flask_login import AnonymousUserMixin, UserMixin, login_user
from flask_login.utils import _create_identifier

from app.access.permissions import Permission, Scope
from app.extensions import db, login_manager
from app.i18n.web import clear_session_keeping_language
from app.models import User
from app.services import staff_sessions


class SignedInStaff(UserMixin):  # type: ignore[misc]
    """A user seen through one signed-in browser; the cookie holds the session token only."""

    def __init__(self, user: User, token: str) -> None:
        self.user = user
        self.user_id = user.id
        self.email = user.email
        self._token = token

    def get_id(self) -> str:
        # Flask-Login keeps this in the cookie: the session token, so signing out (deleting
        # the server-side row) makes every copy of the cookie worthless.
        return self._token

    def can(self, permission: Permission | str, scope: Scope | None = None) -> bool:
        return self.user.can(permission, scope)


class AnonymousStaff(AnonymousUserMixin):  # type: ignore[misc]
    """Nobody signed in: no permission anywhere."""

    user_id = None
    email = ""

    def can(self, permission: Permission | str, scope: Scope | None = None) -> bool:
        return False


def install_login_manager(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.anonymous_user = AnonymousStaff
    # Our own server-side sessions replace Flask-Login's IP/user-agent check, which signs
    # people out whenever a mobile network changes their address.
    login_manager.session_protection = None
    login_manager.login_view = "auth.login"
    login_manager.user_loader(_load_signed_in_staff)
    login_manager._session_identifier_generator = _identifier_when_signed_in


def _identifier_when_signed_in() -> str:
    """Flask-Login's address and user-agent hash, only for a session that holds a user.

    Flask-Login hashes them on every request before it even looks at whether session
    protection is on, and a carer's page views never have a user to protect. Signing in
    stores the user id before asking for the identifier, so staff sessions get the same
    hash as ever; a session without a user compares equal either way (it has no ``_id``).
    """
    if "_user_id" not in session:
        return ""
    return str(_create_identifier())


def _load_signed_in_staff(token: str) -> SignedInStaff | None:
    config = current_app.config
    user = staff_sessions.user_for_session_token(
        db.session(),
        token,
        idle_timeout=timedelta(minutes=int(config["STAFF_IDLE_TIMEOUT_MINUTES"])),
        max_age=timedelta(hours=int(config["STAFF_SESSION_MAX_HOURS"])),
    )
    return SignedInStaff(user, token) if user is not None else None


def sign_in(user: User) -> None:
    """Start a brand-new session: the old cookie's contents (and its CSRF token) are dropped."""
    clear_session_keeping_language()  # all but the language the pages are read in
    token = staff_sessions.start_staff_session(db.session(), user.id)
    login_user(SignedInStaff(user, token))
    # A staff cookie lasts until the browser closes; the server ends it sooner when idle.
    session.permanent = False


def account_key(email: str) -> str:
    """A throttling key for an e-mail address that shows nothing of it in logs or Redis."""
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    normalised = email.strip().lower().encode("utf-8")
    return "account:" + hmac.new(secret, normalised, hashlib.sha256).hexdigest()[:24]
