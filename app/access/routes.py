"""Deny by default: every blueprint route is public by name or declares the permission it needs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from app.access.permissions import Permission, Scope

log = logging.getLogger(__name__)

View = TypeVar("View", bound=Callable[..., Any])

# The carer's journey, the public pages and signing in: reachable without an account.
PUBLIC_ENDPOINTS: frozenset[str] = frozenset(
    {
        "static",
        "main.home",
        "main.support",
        "main.healthz",
        "main.privacy",
        "main.accessibility",
        "main.contact",
        # The method note behind every published figure: reports link to it.
        "main.methodology",
        "survey.invitation_link",
        "survey.open_link",
        "survey.start_open_link",
        "survey.welcome",
        "survey.consent",
        "survey.person",
        "survey.question_page",
        "survey.check_answers",
        "survey.submit",
        "survey.thank_you",
        "survey.saved",
        "survey.resume",
        "survey.withdraw",
        "survey.withdraw_confirm",
        "survey.withdrawn",
        "auth.login",
        "auth.login_code",
        "auth.logout",
        "auth.join_link",
        "auth.join",
        "auth.reset_link",
        "auth.reset",
        # Published "you said, we did" actions: chosen for the public by a commissioner.
        "actions.public_page",
    }
)

# Blueprints whose callers prove who they are another way, never with a staff account.
OWN_AUTHENTICATION_BLUEPRINTS: dict[str, str] = {
    "sms": "every request carries Twilio's signature, checked before anything else",
    "dev_sms": "registered only in development with the console SMS backend",
}


def requires(permission: Permission) -> Callable[[View], View]:
    """Declare the permission a view needs; register_access_control enforces it."""

    def declare(view: View) -> View:
        view.required_permission = permission  # type: ignore[attr-defined]
        return view

    return declare


def declared_permission(view: Callable[..., Any]) -> Permission | None:
    permission = getattr(view, "required_permission", None)
    return permission if isinstance(permission, Permission) else None


def is_public(endpoint: str) -> bool:
    blueprint = endpoint.rpartition(".")[0]
    return endpoint in PUBLIC_ENDPOINTS or blueprint in OWN_AUTHENTICATION_BLUEPRINTS


def register_access_control(app: Flask) -> None:
    """Check every request before its view runs; a blueprint route that declares nothing is refused.

    Routes added straight to the app (no blueprint) are caught by the url_map test instead,
    which fails the build for any route that is neither public nor declares a permission.
    """

    @app.before_request
    def deny_by_default() -> WerkzeugResponse | None:
        endpoint = request.endpoint
        if endpoint is None or endpoint == "static":
            return None  # 404 or 405 (nothing will run), or a stylesheet: no session needed
        # Load the signed-in user now, before any view reads the database, so a session
        # that has ended is cleared first.
        signed_in = bool(current_user.is_authenticated)
        if is_public(endpoint):
            return None
        permission = declared_permission(app.view_functions[endpoint])
        if permission is None:
            if request.blueprint is None:
                return None
            log.warning("route %s declares no permission: refused", endpoint)
            abort(403)
        if not signed_in:
            target = request.full_path if request.method == "GET" else None
            return redirect(url_for("auth.login", next=target))
        if not current_user.can(permission):
            abort(403)
        return None


def require_scope(permission: Permission, scope: Scope | None) -> None:
    """404 unless the signed-in user holds ``permission`` over this object's own scope.

    Another area's object answers exactly like a missing one, so ids cannot be probed.
    """
    if scope is None or not current_user.can(permission, scope):
        abort(404)
