"""Deny by default: every route is on the public list or declares the permission it needs."""

from __future__ import annotations

import pytest
from flask import Blueprint, Flask

from app import create_app
from app.access.permissions import ROLE_PERMISSIONS, Permission, Role
from app.access.routes import (
    OWN_AUTHENTICATION_BLUEPRINTS,
    PUBLIC_ENDPOINTS,
    declared_permission,
    is_public,
)
from tests.conftest import make_app


def every_endpoint(app: Flask) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules()}


@pytest.fixture
def development_app(migrated_database: str) -> Flask:
    """Development also registers the SMS playground: walk every route any configuration has."""
    return create_app("development", {"SQLALCHEMY_DATABASE_URI": migrated_database})


def test_every_route_is_public_or_declares_a_permission(development_app: Flask) -> None:
    undeclared = sorted(
        endpoint
        for endpoint in every_endpoint(development_app)
        if not is_public(endpoint)
        and declared_permission(development_app.view_functions[endpoint]) is None
    )
    assert undeclared == [], f"routes with no declared permission: {undeclared}"


def test_the_public_list_names_only_real_routes(development_app: Flask) -> None:
    assert PUBLIC_ENDPOINTS <= every_endpoint(development_app)
    blueprints = set(development_app.blueprints)
    assert set(OWN_AUTHENTICATION_BLUEPRINTS) <= blueprints


def test_staff_pages_are_not_public(development_app: Flask) -> None:
    staff_routes = {e for e in every_endpoint(development_app) if e.startswith("staff.")}
    assert staff_routes, "the staff blueprint has routes"
    assert not {e for e in staff_routes if is_public(e)}


def test_every_declared_permission_belongs_to_some_role(development_app: Flask) -> None:
    granted = set().union(*ROLE_PERMISSIONS.values())
    for endpoint in every_endpoint(development_app):
        permission = declared_permission(development_app.view_functions[endpoint])
        assert permission is None or permission in granted


def test_a_new_blueprint_route_that_forgets_its_permission_is_refused(
    migrated_database: str,
) -> None:
    app = make_app(migrated_database)
    forgetful = Blueprint("reports_in_a_hurry", __name__)

    @forgetful.get("/reports/everything")
    def everything() -> str:
        return "every family's answers"

    app.register_blueprint(forgetful)
    response = app.test_client().get("/reports/everything")
    assert response.status_code == 403
    assert "every family" not in response.get_data(as_text=True)


def test_the_admin_holds_every_permission_and_nobody_else_manages_users() -> None:
    assert ROLE_PERMISSIONS[Role.ADMIN] == frozenset(Permission)
    others = [role for role in Role if role is not Role.ADMIN]
    assert all(Permission.MANAGE_USERS not in ROLE_PERMISSIONS[role] for role in others)
    assert all(Permission.VIEW_AUDIT_LOG not in ROLE_PERMISSIONS[role] for role in others)
    exporters = {role for role in Role if Permission.EXPORT_RESPONSES in ROLE_PERMISSIONS[role]}
    assert exporters == {Role.ADMIN, Role.ANALYST}
