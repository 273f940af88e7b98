"""'You said, we did' pages: an area's actions, a group's actions, recording, history, public."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from app.access.permissions import Permission, Role
from app.access.routes import require_scope, requires
from app.access.scoping import scope_of
from app.actions import bp
from app.extensions import db
from app.models import ActionStatus, Area, CommunityGroup, ThemeAction
from app.services import actions as action_service
from app.services import areas as area_service
from app.services.audit import Actor
from app.services.errors import AreaNotFound, CommunityGroupNotFound

PageResult = str | WerkzeugResponse | tuple[str, int]

STATUS_LABELS = {
    ActionStatus.PLANNED.value: lazy_gettext("Planned"),
    ActionStatus.IN_PROGRESS.value: lazy_gettext("In progress"),
    ActionStatus.DONE.value: lazy_gettext("Done"),
}
# (field, problem code from the service) -> what the commissioner is told.
PROBLEM_MESSAGES = {
    ("theme_id", "unknown"): lazy_gettext("Choose the theme this action is about"),
    ("group_id", "unknown"): lazy_gettext(
        "Choose a community group that works in this area, or the whole area"
    ),
    ("you_said", "missing"): lazy_gettext("Enter what people told us, in a sentence or two"),
    ("you_said", "too_long"): lazy_gettext(
        "What people told us must be %(limit)s characters or fewer",
        limit=f"{action_service.MAX_TEXT_LENGTH:,}",
    ),
    ("we_did", "missing"): lazy_gettext("Enter what was done, or what is planned"),
    ("we_did", "too_long"): lazy_gettext(
        "What was done must be %(limit)s characters or fewer",
        limit=f"{action_service.MAX_TEXT_LENGTH:,}",
    ),
    ("action_date", "missing"): lazy_gettext("Enter the date as a day, month and year"),
    ("action_date", "not_a_date"): lazy_gettext("Enter a real date, for example 27 3 2026"),
    ("action_date", "out_of_range"): lazy_gettext(
        "Enter a date from the year 2000 up to five years from now"
    ),
    ("status", "unknown"): lazy_gettext(
        "Choose whether the action is planned, in progress or done"
    ),
}


def _actor() -> Actor:
    return Actor(current_user.user_id, current_user.email)


def _area_or_404(slug: str) -> Area:
    try:
        return area_service.area_by_slug(db.session(), slug[:64])
    except AreaNotFound:
        abort(404)


def _group_or_404(slug: str) -> CommunityGroup:
    try:
        return area_service.group_by_slug(db.session(), slug[:64])
    except CommunityGroupNotFound:
        abort(404)


def _action_or_404(action_id: int, permission: Permission) -> ThemeAction:
    try:
        action = action_service.action_by_id(db.session(), action_id)
    except action_service.ActionNotFound:
        abort(404)
    require_scope(permission, scope_of(action))
    return action


@bp.app_context_processor
def _staff_home_links() -> dict[str, Any]:
    """The "you said, we did" pages a signed-in member of staff may open (for the staff home)."""

    def you_said_we_did_links() -> list[tuple[str, str]]:
        if not current_user.is_authenticated or not current_user.can(Permission.VIEW_ACTIONS):
            return []
        links = [
            (
                str(lazy_gettext("You said, we did in %(area)s", area=area.name)),
                url_for("actions.area_page", slug=area.slug),
            )
            for area in area_service.list_areas(db.session())
            if current_user.can(Permission.VIEW_ACTIONS, scope_of(area))
        ]
        for grant in current_user.user.assignments:
            group = grant.community_group
            if grant.role == Role.GROUP_FACILITATOR and group is not None:
                links.append(
                    (
                        str(lazy_gettext("You said, we did for %(group)s", group=group.name)),
                        url_for("actions.group_page", slug=group.slug),
                    )
                )
        return links

    return {"you_said_we_did_links": you_said_we_did_links}


@bp.get("/areas/<slug>/you-said-we-did")
@requires(Permission.VIEW_ACTIONS)
def area_page(slug: str) -> str:
    """An area's actions by theme; ``?group=`` narrows them to one community group."""
    area = _area_or_404(slug)
    require_scope(Permission.VIEW_ACTIONS, scope_of(area))
    groups = action_service.groups_in_area(db.session(), area.id)
    chosen = None
    wanted = request.args.get("group", "")[:64]
    if wanted:
        chosen = next((group for group in groups if group.slug == wanted), None)
        if chosen is None:
            abort(404)
    themes = action_service.actions_by_theme(
        db.session(), area_id=area.id, group_id=chosen.id if chosen else None
    )
    return render_template(
        "actions/list.html",
        heading=lazy_gettext("You said, we did: %(place)s", place=area.name),
        area=area,
        groups=groups,
        chosen=chosen,
        themes=themes,
        status_labels=STATUS_LABELS,
        can_record=current_user.can(Permission.RECORD_ACTIONS, scope_of(area)),
        public_view=False,
    )


@bp.get("/groups/<slug>/you-said-we-did")
@requires(Permission.VIEW_ACTIONS)
def group_page(slug: str) -> str:
    """What was done about the themes a community group's members raised, in every area."""
    group = _group_or_404(slug)
    require_scope(Permission.VIEW_ACTIONS, scope_of(group))
    themes = action_service.actions_by_theme(db.session(), group_id=group.id)
    return render_template(
        "actions/list.html",
        heading=lazy_gettext("You said, we did: %(place)s", place=group.name),
        area=None,
        groups=[],
        chosen=group,
        themes=themes,
        status_labels=STATUS_LABELS,
        can_record=False,
        public_view=False,
    )


@bp.get("/you-said-we-did/<slug>")
def public_page(slug: str) -> str:
    """The published actions of an area, for families and the public: no names, no history."""
    area = _area_or_404(slug)
    themes = action_service.actions_by_theme(db.session(), area_id=area.id, public_only=True)
    return render_template(
        "actions/list.html",
        heading=lazy_gettext("You said, we did: %(place)s", place=area.name),
        area=area,
        groups=[],
        chosen=None,
        themes=themes,
        status_labels=STATUS_LABELS,
        can_record=False,
        public_view=True,
    )


@bp.route("/areas/<slug>/you-said-we-did/new", methods=["GET", "POST"])
@requires(Permission.RECORD_ACTIONS)
def new_action(slug: str) -> PageResult:
    area = _area_or_404(slug)
    require_scope(Permission.RECORD_ACTIONS, scope_of(area))
    values = _form_values(None)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            action_service.record_action(db.session(), area.id, _details(values, area.id), _actor())
        except action_service.ActionInvalid as problem:
            errors = _messages(problem)
        else:
            return redirect(url_for("actions.area_page", slug=slug))
    return _form_page(area, values, errors, action=None)


@bp.route("/you-said-we-did/actions/<int:action_id>/edit", methods=["GET", "POST"])
@requires(Permission.RECORD_ACTIONS)
def edit_action(action_id: int) -> PageResult:
    action = _action_or_404(action_id, Permission.RECORD_ACTIONS)
    area = action.area
    values = _form_values(action)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            action_service.change_action(
                db.session(),
                action_id,
                _details(values, area.id),
                _actor(),
                expected_version=request.form.get("version", type=int) or 0,
            )
        except action_service.ActionInvalid as problem:
            errors = _messages(problem)
        except action_service.ActionChangedMeanwhile:
            errors = {
                "theme_id": str(
                    lazy_gettext(
                        "Someone else saved this action while you were editing it. "
                        "Open it again to see their changes, then make yours."
                    )
                )
            }
        else:
            return redirect(url_for("actions.area_page", slug=area.slug))
    return _form_page(area, values, errors, action=action)


@bp.get("/you-said-we-did/actions/<int:action_id>/history")
@requires(Permission.RECORD_ACTIONS)
def history(action_id: int) -> str:
    action = _action_or_404(action_id, Permission.RECORD_ACTIONS)
    revisions = action_service.action_history(db.session(), action_id)
    return render_template(
        "actions/history.html",
        action=action,
        theme_name=action_service.theme_name(action.theme_id),
        revisions=revisions,
        status_labels=STATUS_LABELS,
    )


def _form_values(action: ThemeAction | None) -> dict[str, str]:
    if request.method == "POST":
        form = request.form
        fields = ("theme_id", "group", "you_said", "we_did", "day", "month", "year", "status")
        # Generous caps: the service gives the kind message for anything over its limits.
        values = {name: form.get(name, "")[: action_service.MAX_TEXT_LENGTH * 2] for name in fields}
        values["is_public"] = "yes" if form.get("is_public") == "yes" else ""
        values["version"] = form.get("version", "")[:12]
        return values
    if action is None:
        return {"status": ActionStatus.PLANNED.value}
    return {
        "theme_id": action.theme_id,
        "group": str(action.community_group_id or ""),
        "you_said": action.you_said,
        "we_did": action.we_did,
        "day": str(action.action_date.day),
        "month": str(action.action_date.month),
        "year": str(action.action_date.year),
        "status": action.status,
        "is_public": "yes" if action.is_public else "",
        "version": str(action.version),
    }


def _details(values: dict[str, str], area_id: int) -> action_service.ActionDetails:
    group = values.get("group", "")
    return action_service.ActionDetails(
        theme_id=values.get("theme_id", ""),
        # Not a number → an id no group has, which the service reports kindly.
        group_id=(int(group) if group.isdigit() else -1) if group else None,
        you_said=values.get("you_said", ""),
        we_did=values.get("we_did", ""),
        day=values.get("day", ""),
        month=values.get("month", ""),
        year=values.get("year", ""),
        status=values.get("status", ""),
        is_public=values.get("is_public") == "yes",
    )


def _messages(problem: action_service.ActionInvalid) -> dict[str, str]:
    return {
        field: str(PROBLEM_MESSAGES.get((field, code), lazy_gettext("Check this answer")))
        for field, code in problem.problems.items()
    }


def _form_page(
    area: Area, values: dict[str, str], errors: dict[str, str], *, action: ThemeAction | None
) -> tuple[str, int]:
    page = render_template(
        "actions/form.html",
        area=area,
        action=action,
        values=values,
        errors=errors,
        themes=action_service.theme_choices(),
        groups=action_service.groups_in_area(db.session(), area.id),
        status_labels=STATUS_LABELS,
    )
    return page, 400 if errors else 200
