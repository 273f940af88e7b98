"""CSRF on every state-changing route: any POST without a valid token gets 400, whoever sends it.

The list of routes comes from `app.url_map`, so a POST route added later is checked too. Only
the blueprints that prove who is calling another way (Twilio's signature) are left out.
"""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import IntegerConverter, Rule

from app.access.routes import OWN_AUTHENTICATION_BLUEPRINTS, is_public
from tests.auth.staff_helpers import make_places, make_staff, sign_in
from tests.page_checks import parse_page

# A plausible value for each kind of path argument: the token check runs before any view, so
# the object need not exist; what matters is that the address reaches the route.
SAMPLE_VALUES = {"slug": "north-riverside", "language": "cy", "key": "x", "page_id": "x"}
CSRF_EXPLANATION = "could not save it safely"


def post_routes(app: Flask) -> list[Rule]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or set())
        and rule.endpoint.rpartition(".")[0] not in OWN_AUTHENTICATION_BLUEPRINTS
    ]


def path_of(rule: Rule) -> str:
    values: dict[str, object] = {}
    for name in rule.arguments:
        converter = rule._converters[name]  # noqa: SLF001 - werkzeug keeps them only here
        values[name] = 1 if isinstance(converter, IntegerConverter) else SAMPLE_VALUES[name]
    built = rule.build(values, append_unknown=False)
    assert built is not None, rule.rule
    return built[1]


def refused_for_csrf(client: FlaskClient, path: str) -> bool:
    response = client.post(path, data={"anything": "at all", "csrf_token": "forged"})
    return response.status_code == 400 and CSRF_EXPLANATION in parse_page(response).get_text(" ")


def test_every_public_post_without_a_valid_token_is_refused(
    app: Flask, client: FlaskClient
) -> None:
    public = [rule for rule in post_routes(app) if is_public(rule.endpoint)]
    assert {rule.endpoint for rule in public} >= {"auth.login", "survey.submit", "survey.withdraw"}
    accepted = [rule.rule for rule in public if not refused_for_csrf(client, path_of(rule))]
    assert accepted == [], f"POST routes that did not check the CSRF token: {accepted}"


def test_every_staff_post_without_a_valid_token_is_refused_even_for_an_admin(
    app: Flask, client: FlaskClient
) -> None:
    make_places(app)
    sign_in(client, make_staff(app)["admin"])
    staff_routes = [rule for rule in post_routes(app) if not is_public(rule.endpoint)]
    assert {rule.endpoint for rule in staff_routes} >= {"staff.invite", "codesign.publish"}
    accepted = [rule.rule for rule in staff_routes if not refused_for_csrf(client, path_of(rule))]
    assert accepted == [], f"POST routes that did not check the CSRF token: {accepted}"
