"""Staff sign-in: password and authenticator code, sign-out, invitation and password-reset links."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("auth", __name__)

from app.auth import links, views  # noqa: E402,F401  (routes register on import)


def register_auth(app: Flask) -> None:
    """Flask-Login with server-side sessions, and the sign-in blueprint."""
    from app.auth.principal import install_login_manager
    from app.services.passwords import configure_hashing

    configure_hashing(fast=bool(app.config.get("PASSWORD_HASH_FAST")))
    install_login_manager(app)
    app.register_blueprint(bp)
