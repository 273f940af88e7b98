"""The session cookie is Flask's own: signed with the current secret, refused after a change."""

from __future__ import annotations

from flask import Flask, session
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
