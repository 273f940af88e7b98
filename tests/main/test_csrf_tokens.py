"""Form tokens: one per browser session, remembered across pages, useless in another browser."""

from __future__ import annotations

import itertools
import re
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner

from app.extensions import db
from app.services import areas as area_service

TOKEN = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


def token_on(client: FlaskClient, path: str) -> str:
    found = TOKEN.search(client.get(path).text)
    assert found is not None, path
    return found.group(1)


def test_a_carer_gets_one_working_token_across_pages_and_another_browser_cannot_use_it(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every signature a second later than the one before: signing again would show.
    seconds = itertools.count(int(time.time()))
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _signer: next(seconds))
    with app.app_context():
        area_service.add_area(db.session(), "north-riverside", "North Riverside ICB")
    carer, stranger = app.test_client(), app.test_client()
    first = token_on(carer, "/a/north-riverside")
    assert token_on(carer, "/a/north-riverside") == first
    assert token_on(carer, "/resume") == first

    token_on(stranger, "/a/north-riverside")
    refused = stranger.post("/a/north-riverside/start", data={"group": "", "csrf_token": first})
    assert refused.status_code == 400

    started = carer.post("/a/north-riverside/start", data={"group": "", "csrf_token": first})
    assert started.status_code == 302 and started.location.endswith("/survey/consent")
    # Starting a response begins a fresh session, with a fresh token: the old one is spent.
    fresh = token_on(carer, "/survey/consent")
    assert fresh != first
    stale = carer.post("/survey/consent", data={"consent": "yes", "csrf_token": first})
    assert stale.status_code == 400
    agreed = carer.post("/survey/consent", data={"consent": "yes", "csrf_token": fresh})
    assert agreed.status_code == 302
