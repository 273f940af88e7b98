"""The session cookie is Flask's own: signed with the current secret, expiring, never forged."""

from __future__ import annotations

import time

import pytest
from flask import Flask, request, session
from flask.sessions import SecureCookieSessionInterface

from app.main.session_cookie import RememberedSerializerSessions


def test_the_cookie_is_exactly_what_flask_would_write_and_read(app: Flask) -> None:
    ours = RememberedSerializerSessions().get_signing_serializer(app)
    flasks = SecureCookieSessionInterface().get_signing_serializer(app)
    assert ours is not None and flasks is not None
    cookie = ours.dumps({"language": "pl"})
    assert flasks.loads(cookie) == {"language": "pl"}
    assert ours.loads(flasks.dumps({"response_id": "r1"})) == {"response_id": "r1"}


def test_a_changed_secret_key_takes_effect_at_once(app: Flask) -> None:
    @app.get("/test-remember")
    def remember() -> str:
        session["language"] = "cy"
        return "ok"

    @app.get("/test-recall")
    def recall() -> str:
        return str(session.get("language"))

    client = app.test_client()
    client.get("/test-remember")
    assert client.get("/test-recall").text == "cy"
    app.secret_key = "another-secret-key-for-this-test-only"
    # A cookie signed with the old key is no longer believed.
    assert client.get("/test-recall").text == "None"
    client.get("/test-remember")
    assert client.get("/test-recall").text == "cy"


def _opened(app: Flask, sessions: RememberedSerializerSessions, cookie: str) -> dict[str, object]:
    name = app.config["SESSION_COOKIE_NAME"]
    with app.test_request_context(headers={"Cookie": f"{name}={cookie}"}):
        opened = sessions.open_session(app, request)
        assert opened is not None
        return dict(opened)


def test_a_remembered_cookie_still_expires_with_the_session_lifetime(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    sessions = RememberedSerializerSessions()
    serializer = sessions.get_signing_serializer(app)
    assert serializer is not None
    cookie = serializer.dumps({"response_id": "r1"})
    assert _opened(app, sessions, cookie) == {"response_id": "r1"}
    assert sessions._verified, "the verified cookie is remembered"
    lifetime = int(app.permanent_session_lifetime.total_seconds())
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + lifetime + 2)
    assert _opened(app, sessions, cookie) == {}
    # A cookie from the future (a clock put back) is refused as itsdangerous refuses it.
    monkeypatch.setattr(time, "time", lambda: now - 60)
    assert _opened(app, sessions, cookie) == {}


def test_a_tampered_cookie_is_refused_after_the_real_one_was_remembered(app: Flask) -> None:
    sessions = RememberedSerializerSessions()
    serializer = sessions.get_signing_serializer(app)
    assert serializer is not None
    cookie = serializer.dumps({"response_id": "r1"})
    assert _opened(app, sessions, cookie) == {"response_id": "r1"}
    payload, _, signature = cookie.rpartition(".")
    forged = serializer.dumps({"response_id": "someone-else"}).rpartition(".")[0]
    assert _opened(app, sessions, f"{forged}.{signature}") == {}
    assert _opened(app, sessions, f"{payload}.{signature[:-2]}AA") == {}


def test_each_request_gets_its_own_session_to_change(app: Flask) -> None:
    sessions = RememberedSerializerSessions()
    serializer = sessions.get_signing_serializer(app)
    assert serializer is not None
    cookie = serializer.dumps({"response_id": "r1", "language": "cy"})
    name = app.config["SESSION_COOKIE_NAME"]
    with app.test_request_context(headers={"Cookie": f"{name}={cookie}"}):
        first = sessions.open_session(app, request)
        assert first is not None and not first.modified
        first["response_id"] = "changed"
        first.pop("language")
    assert _opened(app, sessions, cookie) == {"response_id": "r1", "language": "cy"}


def test_sessions_holding_containers_are_read_afresh_every_time(app: Flask) -> None:
    sessions = RememberedSerializerSessions()
    serializer = sessions.get_signing_serializer(app)
    assert serializer is not None
    cookie = serializer.dumps({"seen": ["a", "b"]})
    assert _opened(app, sessions, cookie) == {"seen": ["a", "b"]}
    assert not sessions._verified
