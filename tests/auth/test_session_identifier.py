"""Flask-Login's address and user-agent hash: made for signed-in staff only, as before for them."""

from __future__ import annotations

import hashlib
from typing import Any

import flask_login.utils
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import _create_identifier

from tests.auth.staff_helpers import add_staff, make_places, sign_in

BROWSER = {"HTTP_USER_AGENT": "Carer's phone", "REMOTE_ADDR": "192.0.2.7"}


def test_pages_without_a_signed_in_user_never_make_the_hash(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[str] = []

    def counted(*data: bytes) -> Any:
        made.append("hash")
        return hashlib.sha512(*data)

    # Flask-Login's identifier is a SHA-512 of the address and user agent.
    monkeypatch.setattr(flask_login.utils, "sha512", counted)
    for path in ("/", "/privacy", "/login"):
        assert client.get(path, environ_base=BROWSER).status_code == 200
    assert made == []
    with app.test_request_context("/", environ_base=BROWSER):
        _create_identifier()
    assert len(made) == 1  # the spy does see Flask-Login's hashing


def test_signing_in_stores_flask_logins_own_hash_of_the_browser(
    app: Flask, client: FlaskClient
) -> None:
    make_places(app)
    analyst = add_staff(app, "analyst", "ari@example.nhs.uk", area="north-riverside")
    client.environ_base.update(BROWSER)
    sign_in(client, analyst)
    with app.test_request_context("/", environ_base=BROWSER):
        expected = _create_identifier()
    with client.session_transaction() as session:
        assert "_user_id" in session
        assert session["_id"] == expected
    # Still signed in on the next page: the stored hash is the one every later request makes.
    assert client.get("/staff").status_code == 200
