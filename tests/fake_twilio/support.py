"""Test helpers around the fake Twilio API: an app pointed at it, and signed webhook posts."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect
from twilio.request_validator import RequestValidator
from werkzeug.test import TestResponse

from app import create_app
from app.extensions import db, limiter
from tests.conftest import empty_tables
from tests.fake_twilio.server import FakeTwilioServer

PUBLIC_BASE_URL = "https://survey.example.nhs.uk"
OUR_NUMBER = "+447400123456"


def sms_settings(server: FakeTwilioServer, **overrides: Any) -> dict[str, Any]:
    """Settings for an app whose real twilio client talks to the fake API."""
    settings: dict[str, Any] = {
        "SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": server.fake.account_sid,
        "TWILIO_AUTH_TOKEN": server.fake.auth_token,
        "TWILIO_FROM_NUMBER": OUR_NUMBER,
        "TWILIO_API_BASE_URL": server.url,
        "SMS_TWILIO_TIMEOUT_SECONDS": 2,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "SMS_QUIET_HOURS": "none",
        "SMS_RATE_PER_SECOND": 200.0,
        "SMS_RATE_BURST": 1,
        "SMS_RETRY_BASE_SECONDS": 0.05,
        "SMS_SENDING_STALE_SECONDS": 60,
    }
    settings.update(overrides)
    return settings


def make_sms_app(database_url: str, server: FakeTwilioServer, **overrides: Any) -> Flask:
    return create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": database_url, **sms_settings(server, **overrides)}
    )


def empty_every_table(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        existing = set(inspect(db.engine).get_table_names())
        with db.engine.begin() as connection:
            tables = [t for t in reversed(db.metadata.sorted_tables) if t.name in existing]
            empty_tables(connection, tables)
        limiter.reset()
        db.engine.dispose()


def signature(token: str, url: str, params: Mapping[str, str]) -> str:
    return str(RequestValidator(token).compute_signature(url, dict(params)))


def new_message_sid() -> str:
    return "SM" + uuid.uuid4().hex


def signed_post(
    client: FlaskClient,
    path: str,
    params: Mapping[str, str],
    *,
    token: str,
    base_url: str = PUBLIC_BASE_URL,
    headers: Mapping[str, str] | None = None,
) -> TestResponse:
    """POST as Twilio would: form-encoded, signed over the public URL and the parameters."""
    sent_headers = {"X-Twilio-Signature": signature(token, base_url + path, params)}
    sent_headers.update(headers or {})
    return client.post(
        path,
        data=urlencode(dict(params)),
        content_type="application/x-www-form-urlencoded",
        headers=sent_headers,
    )


def twiml_messages(response: TestResponse) -> list[str]:
    """The texts of a TwiML reply, in order."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/xml"
    root = ElementTree.fromstring(response.get_data())
    assert root.tag == "Response"
    return [element.text or "" for element in root.iter("Message")]


@dataclass
class TextingCarer:
    """A carer's phone: each text they send is a signed Twilio webhook to /sms/inbound."""

    client: FlaskClient
    phone: str
    token: str

    def sends(self, body: str, *, sid: str | None = None) -> list[str]:
        return twiml_messages(self.post(body, sid=sid))

    def post(self, body: str, *, sid: str | None = None) -> TestResponse:
        params = {
            "MessageSid": sid or new_message_sid(),
            "AccountSid": "AC" + "0" * 32,
            "From": self.phone,
            "To": OUR_NUMBER,
            "Body": body,
            "NumMedia": "0",
        }
        return signed_post(self.client, "/sms/inbound", params, token=self.token)


def status_callback(
    client: FlaskClient,
    token: str,
    *,
    sid: str,
    status: str,
    outbox_id: int | None = None,
    error_code: int | None = None,
) -> TestResponse:
    params = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC" + "0" * 32}
    if error_code is not None:
        params["ErrorCode"] = str(error_code)
    path = "/sms/status" + (f"?o={outbox_id}" if outbox_id is not None else "")
    return signed_post(client, path, params, token=token)
