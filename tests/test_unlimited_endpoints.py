"""Only endpoints that declare no rate limit skip Flask-Limiter's per-request check."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, request
from flask_limiter import Limiter

from app.extensions import db, limiter
from app.services import areas as area_service
from app.unlimited_endpoints import (
    EXTENSION_KEY,
    endpoints_without_limits,
    register_unlimited_endpoints,
)
from tests.conftest import _empty_every_table, make_app
from tests.survey.test_journey import start_open_link

# Every view declared with @limiter.limit today; a new one belongs here too.
LIMITED = {
    "auth.join_link",
    "auth.login",
    "auth.login_code",
    "auth.reset_link",
    "survey.invitation_link",
    "survey.resume",
    "survey.withdraw",
}


def test_every_limited_view_keeps_the_check_and_every_other_view_skips_it(app: Flask) -> None:
    unlimited = app.extensions[EXTENSION_KEY]
    assert set(app.view_functions) - unlimited == LIMITED
    assert "survey.question_page" in unlimited


def test_the_question_page_is_not_counted_while_resume_still_is(
    monkeypatch: pytest.MonkeyPatch, migrated_database: str
) -> None:
    checked: list[str | None] = []
    original = Limiter._check_request_limit

    def spy(self: Limiter, *args: Any, **kwargs: Any) -> None:
        checked.append(request.endpoint)
        original(self, *args, **kwargs)

    # Before the app exists, so the check the limiter registers is the spy.
    monkeypatch.setattr(Limiter, "_check_request_limit", spy)
    app = make_app(migrated_database)
    try:
        with app.app_context():
            area_service.add_area(db.session(), "north-riverside", "North Riverside ICB")
        walker = start_open_link(app.test_client())
        assert walker.page_id == "about-relationship"
        checked.clear()
        for _ in range(3):
            walker.get("/survey/q/about-relationship")
        assert checked == []
        walker.get("/resume")
        walker.submit({"resume_code": "ABCDE-12345"}, expect=400)
        assert "survey.resume" in checked
    finally:
        # What the app fixture does after a test (this app had to be built after the spy).
        with app.app_context():
            db.session.remove()
            _empty_every_table()
            limiter.reset()
            db.engine.dispose()


def _tiny_app(limiter: Limiter) -> Flask:
    tiny = Flask("tiny")
    limiter.init_app(tiny)

    @tiny.get("/limited")
    @limiter.limit("1 per minute")
    def limited() -> str:
        return "limited"

    @tiny.get("/open")
    def open_page() -> str:
        return "open"

    return tiny


def test_a_declared_limit_still_answers_429_behind_the_gate() -> None:
    limiter = Limiter(key_func=lambda: "one-carer", storage_uri="memory://")
    tiny = _tiny_app(limiter)
    register_unlimited_endpoints(tiny, limiter)
    assert tiny.extensions[EXTENSION_KEY] == {"open_page", "static"}
    client = tiny.test_client()
    assert client.get("/limited").status_code == 200
    assert client.get("/limited").status_code == 429
    assert all(client.get("/open").status_code == 200 for _ in range(5))


def test_an_app_wide_limit_leaves_every_endpoint_checked() -> None:
    limiter = Limiter(
        key_func=lambda: "one-carer", storage_uri="memory://", default_limits=["2 per minute"]
    )
    tiny = _tiny_app(limiter)
    assert endpoints_without_limits(tiny, limiter) == frozenset()
    register_unlimited_endpoints(tiny, limiter)
    client = tiny.test_client()
    assert [client.get("/open").status_code for _ in range(3)] == [200, 200, 429]


def test_an_in_memory_fallback_limit_leaves_every_endpoint_checked() -> None:
    limiter = Limiter(key_func=lambda: "one-carer", storage_uri="memory://")
    tiny = _tiny_app(limiter)
    tiny.config["RATELIMIT_IN_MEMORY_FALLBACK"] = ["2 per minute"]
    assert endpoints_without_limits(tiny, limiter) == frozenset()


def test_all_three_limiter_hooks_are_gated(app: Flask) -> None:
    # Found by what Flask-Limiter registers: another version would leave them ungated (still
    # correct, only slower), and this says so.
    names = [
        *(f.__name__ for f in app.before_request_funcs[None]),
        *(f.__name__ for f in app.after_request_funcs[None] if hasattr(f, "__name__")),
        *(f.__name__ for f in app.teardown_request_funcs[None]),
    ]
    assert "check_limits_unless_unlimited" in names
    assert "limit_headers_unless_unlimited" in names
    assert "release_unless_unlimited" in names


def test_a_limit_used_inside_an_unlimited_view_still_counts() -> None:
    limiter = Limiter(key_func=lambda: "one-carer", storage_uri="memory://")
    tiny = _tiny_app(limiter)

    @tiny.get("/inside")
    def limited_inside() -> str:
        with limiter.limit("1 per minute"):
            return "inside"

    register_unlimited_endpoints(tiny, limiter)
    assert "limited_inside" in tiny.extensions[EXTENSION_KEY]  # no decorator to see
    client = tiny.test_client()
    assert [client.get("/inside").status_code for _ in range(2)] == [200, 429]
    assert limiter.limit_manager.has_hints("limited_inside")
