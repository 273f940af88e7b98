"""Pages behind single-use links: a new member of staff sets up an account, or resets a password."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as WerkzeugResponse

from app.auth import bp
from app.extensions import db, limiter
from app.services import account_links, accounts, passwords
from app.services.audit import Actor, AuditAction, record_event
from app.services.encryption import contact_cipher

PageResult = str | WerkzeugResponse | tuple[str, int]
JOIN_KEY = "staff_invitation_token"
RESET_KEY = "password_reset_token"


@bp.get("/join/<token>")
@limiter.limit("30 per minute")
def join_link(token: str) -> WerkzeugResponse:
    return _keep_token_and_redirect(token, JOIN_KEY, "auth.join", _invitation_is_live)


@bp.route("/join", methods=["GET", "POST"])
def join() -> PageResult:
    token = session.get(JOIN_KEY)
    cipher = contact_cipher(current_app.config)
    try:
        invitation = account_links.view_invitation(db.session(), str(token or ""), cipher)
    except account_links.LinkNotFound:
        abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        password = request.form.get("password", "")[:200]
        errors = _password_pair_errors(password, request.form.get("confirm_password", "")[:200])
        if not errors:
            try:
                account = account_links.accept_invitation(
                    db.session(), str(token), password, request.form.get("code", "")[:20], cipher
                )
            except passwords.WeakPassword as weak:
                errors["password"] = str(weak)
            except account_links.WrongSetupCode as wrong:
                errors["code"] = str(wrong)
            except (account_links.LinkNotFound, accounts.AccountExists):
                abort(404)
            else:
                session.pop(JOIN_KEY, None)
                actor = Actor(account.user_id, account.email)
                record_event(db.session(), actor, AuditAction.ACCEPT_INVITATION)
                return render_template(
                    "auth/account_ready.html", heading=gettext("Your account is ready")
                )
    status = 400 if errors else 200
    return render_template("auth/join.html", invitation=invitation, errors=errors), status


@bp.get("/reset/<token>")
@limiter.limit("30 per minute")
def reset_link(token: str) -> WerkzeugResponse:
    return _keep_token_and_redirect(token, RESET_KEY, "auth.reset", _reset_is_live)


@bp.route("/reset", methods=["GET", "POST"])
def reset() -> PageResult:
    token = str(session.get(RESET_KEY) or "")
    try:
        email = account_links.reset_email(db.session(), token)
    except account_links.LinkNotFound:
        abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        password = request.form.get("password", "")[:200]
        errors = _password_pair_errors(password, request.form.get("confirm_password", "")[:200])
        if not errors:
            try:
                user_id = account_links.complete_password_reset(db.session(), token, password)
            except passwords.WeakPassword as weak:
                errors["password"] = str(weak)
            except account_links.LinkNotFound:
                abort(404)
            else:
                session.clear()
                record_event(db.session(), Actor(user_id, email), AuditAction.RESET_PASSWORD)
                return render_template(
                    "auth/account_ready.html", heading=gettext("Your password is changed")
                )
    status = 400 if errors else 200
    return render_template("auth/reset.html", email=email, errors=errors), status


def _invitation_is_live(token: str) -> bool:
    try:
        account_links.view_invitation(db.session(), token, contact_cipher(current_app.config))
    except account_links.LinkNotFound:
        return False
    return True


def _reset_is_live(token: str) -> bool:
    try:
        account_links.reset_email(db.session(), token)
    except account_links.LinkNotFound:
        return False
    return True


def _keep_token_and_redirect(
    token: str, key: str, endpoint: str, is_live: Callable[[str], bool]
) -> WerkzeugResponse:
    """Move the token from the address bar into the signed session, then show the form.

    The address (with the token) reaches history and access logs; the redirect keeps it brief.
    Unknown, expired and used links give the same 404 page.
    """
    if not is_live(token[:100]):
        abort(404)
    session.clear()
    session[key] = token[:100]
    return redirect(url_for(endpoint))


def _password_pair_errors(password: str, confirmation: str) -> dict[str, str]:
    if not password:
        return {"password": gettext("Enter a new password")}
    if password != confirmation:
        return {"confirm_password": gettext("The two passwords do not match")}
    return {}
