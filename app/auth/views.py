"""Sign in with e-mail, password and (for admins and commissioners) an authenticator code."""

from __future__ import annotations

import time

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_limiter.util import get_remote_address
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response as WerkzeugResponse

from app.auth import bp
from app.auth.principal import account_key, sign_in
from app.extensions import db, limiter
from app.i18n.web import clear_session_keeping_language
from app.models import User
from app.services import accounts, staff_sessions
from app.services.audit import Actor, AuditAction, record_event
from app.services.encryption import contact_cipher

PageResult = str | WerkzeugResponse | tuple[str, int]
PENDING_KEY = "pending_staff_login"
# The authenticator step must follow the password step quickly, or start again.
PENDING_SECONDS = 300


def _failure_limit() -> str:
    return str(current_app.config["LOGIN_FAILURE_LIMIT"])


def _failed(response: WerkzeugResponse) -> bool:
    # Only failures count towards the limit: a successful sign-in redirects.
    return response.status_code >= 400


def _account_from_form() -> str:
    return account_key(request.form.get("email", "")[: accounts.EMAIL_MAX])


def _account_pending() -> str:
    pending = session.get(PENDING_KEY) or {}
    return f"pending:{pending.get('user_id', 'none')}"


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: "//evil.example" and "https://..." are ignored."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_failure_limit, methods=["POST"], key_func=get_remote_address, deduct_when=_failed)
@limiter.limit(_failure_limit, methods=["POST"], key_func=_account_from_form, deduct_when=_failed)
def login() -> PageResult:
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("auth/login.html", email="", errors={}, next_url=next_url)
    email = request.form.get("email", "")[: accounts.EMAIL_MAX]
    password = request.form.get("password", "")[:200]
    errors = {}
    if not email.strip():
        errors["email"] = gettext("Enter your email address")
    if not password:
        errors["password"] = gettext("Enter your password")
    if errors:
        return render_template(
            "auth/login.html", email=email, errors=errors, next_url=next_url
        ), 400
    try:
        user = accounts.authenticate(db.session(), email, password)
    except accounts.InvalidCredentials:
        problem = {"email": gettext("The email address or password is not right")}
        page = render_template("auth/login.html", email=email, errors=problem, next_url=next_url)
        return page, 401
    if user.needs_totp:
        if user.totp_secret_encrypted is None:
            problem = {
                "email": gettext(
                    "Your account has no authenticator app set up. Ask an administrator"
                )
            }
            page = render_template(
                "auth/login.html", email=email, errors=problem, next_url=next_url
            )
            return page, 401
        clear_session_keeping_language()
        session[PENDING_KEY] = {"user_id": user.id, "at": int(time.time())}
        return redirect(url_for("auth.login_code", next=next_url))
    return _finish_sign_in(user, next_url)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_failure_limit, methods=["POST"], key_func=get_remote_address, deduct_when=_failed)
@limiter.limit(_failure_limit, methods=["POST"], key_func=_account_pending, deduct_when=_failed)
def login_code() -> PageResult:
    next_url = safe_next(request.values.get("next"))
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - int(pending.get("at", 0)) > PENDING_SECONDS:
        session.pop(PENDING_KEY, None)
        return redirect(url_for("auth.login", next=next_url))
    if request.method == "GET":
        return render_template("auth/login_code.html", error=None, next_url=next_url)
    code = request.form.get("code", "")[:20]
    cipher = contact_cipher(current_app.config)
    user_id = int(pending["user_id"])
    if not accounts.accept_totp_code(db.session(), user_id, code, cipher):
        error = gettext("The code is not right, or it has been used already. Wait for a new code")
        return render_template("auth/login_code.html", error=error, next_url=next_url), 401
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return redirect(url_for("auth.login"))
    return _finish_sign_in(user, next_url)


def _finish_sign_in(user: User, next_url: str | None) -> WerkzeugResponse:
    user_id, label = user.id, user.email
    accounts.record_sign_in(db.session(), user_id)
    fresh = db.session.get(User, user_id)
    assert fresh is not None
    sign_in(fresh)
    record_event(db.session(), Actor(user_id, label), AuditAction.SIGN_IN)
    return redirect(next_url or url_for("staff.home"))


@bp.post("/logout")
def logout() -> PageResult:
    if current_user.is_authenticated:
        actor = Actor(current_user.user_id, current_user.email)
        staff_sessions.end_staff_session(db.session(), current_user.get_id())
        logout_user()
        record_event(db.session(), actor, AuditAction.SIGN_OUT)
    clear_session_keeping_language()
    return render_template("auth/signed_out.html")
