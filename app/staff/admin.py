"""Administrator pages: the audit log, the list of users, staff invitations and reset links."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, render_template, request, url_for
from flask_babel import format_datetime, gettext
from werkzeug.wrappers import Response as WerkzeugResponse

from app.access.permissions import ROLE_LABELS, Permission, Role, Scope
from app.access.routes import requires
from app.extensions import db
from app.models import Area, CommunityGroup, User
from app.services import account_links, accounts
from app.services import areas as area_service
from app.services.audit import AuditAction, event_detail, recent_events, record_event
from app.services.encryption import contact_cipher
from app.staff import bp
from app.staff.views import actor


def role_label(role: Role) -> str:
    return str(gettext(ROLE_LABELS[role]))


PageResult = str | WerkzeugResponse | tuple[str, int]


@bp.get("/admin/audit")
@requires(Permission.VIEW_AUDIT_LOG)
def audit_log() -> str:
    before = request.args.get("before", type=int)
    events = recent_events(db.session(), limit=100, before_id=before)
    areas = {area.id: area.name for area in area_service.list_areas(db.session())}
    rows = [
        {
            "id": event.id,
            "when": f"{event.occurred_at:%Y-%m-%d %H:%M:%S} UTC",
            "who": event.actor_label,
            "what": event.action,
            "scope": areas.get(event.area_id or 0) or event.language or "",
            "object": event.object_ref or "",
            "detail": ", ".join(f"{k}: {v}" for k, v in sorted(event_detail(event).items())),
        }
        for event in events
    ]
    record_event(db.session(), actor(), AuditAction.VIEW_AUDIT_LOG, detail={"rows": len(rows)})
    older = rows[-1]["id"] if len(rows) == 100 else None
    return render_template("staff/audit.html", rows=rows, older=older)


@bp.get("/admin/users")
@requires(Permission.MANAGE_USERS)
def users() -> str:
    people = [
        {
            "id": user.id,
            "email": user.email,
            "roles": [accounts.describe_grant(grant) for grant in user.assignments],
            "active": user.is_active,
            "last_login": format_datetime(user.last_login_at, "short")
            if user.last_login_at
            else gettext("Never"),
        }
        for user in accounts.all_users(db.session())
    ]
    return render_template("staff/users.html", people=people)


@bp.route("/admin/users/invite", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def invite() -> PageResult:
    values = {key: request.form.get(key, "")[:254] for key in ("email", "role", "area", "group")}
    values["language"] = request.form.get("language", "")[:16]
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            grant = accounts.resolve_grant(
                db.session(),
                values["role"],
                area_slug=values["area"] or None,
                group_slug=values["group"] or None,
                language=values["language"] or None,
            )
            link = account_links.invite_staff(
                db.session(),
                values["email"],
                grant,
                contact_cipher(current_app.config),
                invited_by_id=actor().user_id,
                valid_for=timedelta(hours=int(current_app.config["STAFF_INVITATION_VALID_HOURS"])),
            )
        except accounts.InvalidEmail as problem:
            errors["email"] = str(problem)
        except accounts.AccountExists as problem:
            errors["email"] = str(problem)
        except accounts.InvalidRole as problem:
            errors["role"] = str(problem)
        else:
            scope = Scope(grant.area_id, grant.community_group_id, grant.language)
            record_event(
                db.session(),
                actor(),
                AuditAction.INVITE_STAFF,
                scope=scope,
                detail={"role": grant.role.value},
            )
            return render_template(
                "staff/link_issued.html",
                heading=gettext("Invitation link created"),
                purpose=gettext(
                    "set up an account as %(role)s", role=role_label(grant.role).lower()
                ),
                url=_public_url("auth.join_link", link.token),
                expires_at=link.expires_at,
            )
    return (
        render_template(
            "staff/invite.html",
            values=values,
            errors=errors,
            roles=[(role.value, role_label(role)) for role in Role],
            areas=db.session.scalars(db.select(Area).order_by(Area.name)).all(),
            groups=db.session.scalars(
                db.select(CommunityGroup).order_by(CommunityGroup.name)
            ).all(),
        ),
        400 if errors else 200,
    )


@bp.post("/admin/users/<int:user_id>/reset-link")
@requires(Permission.MANAGE_USERS)
def reset_link(user_id: int) -> str:
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        abort(404)
    email = user.email
    link = account_links.issue_password_reset(
        db.session(),
        user_id,
        valid_for=timedelta(hours=int(current_app.config["PASSWORD_RESET_VALID_HOURS"])),
    )
    record_event(
        db.session(), actor(), AuditAction.ISSUE_PASSWORD_RESET, object_ref=f"user:{user_id}"
    )
    return render_template(
        "staff/link_issued.html",
        heading=gettext("Password reset link created"),
        purpose=gettext("choose a new password for %(email)s", email=email),
        url=_public_url("auth.reset_link", link.token),
        expires_at=link.expires_at,
    )


def _public_url(endpoint: str, token: str) -> str:
    base = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    return base + url_for(endpoint, token=token)
