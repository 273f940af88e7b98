"""Unsafe SMS settings stop start-up; contacts are encrypted; logs hold no numbers or texts."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.sms.transport import ConsoleTransport, mask_phone
from config import ConfigurationError
from tests.fake_twilio.server import FakeTwilio
from tests.fake_twilio.support import TextingCarer
from tests.sms.conftest import AMIRA

GOOD_KEY = "A" * 43 + "="


@pytest.fixture
def production_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> pytest.MonkeyPatch:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    monkeypatch.setenv("CONTACT_ENCRYPTION_KEY", GOOD_KEY)
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "0" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "t" * 32)
    monkeypatch.setenv("TWILIO_FROM_NUMBER", "+447400123456")
    return monkeypatch


def test_production_starts_with_its_sms_settings(production_env: pytest.MonkeyPatch) -> None:
    app = create_app("production")
    assert app.config["SMS_BACKEND"] == "twilio"
    assert "/dev/sms" not in {rule.rule for rule in app.url_map.iter_rules()}


@pytest.mark.parametrize(
    ("unset", "message"),
    [
        ("CONTACT_ENCRYPTION_KEY", "CONTACT_ENCRYPTION_KEY"),
        ("TWILIO_AUTH_TOKEN", "TWILIO_AUTH_TOKEN"),
        ("TWILIO_FROM_NUMBER", "TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID"),
    ],
)
def test_production_refuses_to_start_without_a_setting(
    production_env: pytest.MonkeyPatch, unset: str, message: str
) -> None:
    production_env.delenv(unset)
    with pytest.raises(ConfigurationError, match=message):
        create_app("production")


def test_production_refuses_a_bad_key_and_the_console_backend(
    production_env: pytest.MonkeyPatch,
) -> None:
    production_env.setenv("CONTACT_ENCRYPTION_KEY", "not-a-fernet-key")
    with pytest.raises(ConfigurationError, match="Fernet key"):
        create_app("production")
    production_env.setenv("CONTACT_ENCRYPTION_KEY", GOOD_KEY)
    production_env.setenv("SMS_BACKEND", "console")
    with pytest.raises(ConfigurationError, match="console is for development"):
        create_app("production")


def test_a_messaging_service_can_replace_the_from_number(
    production_env: pytest.MonkeyPatch,
) -> None:
    production_env.delenv("TWILIO_FROM_NUMBER")
    production_env.setenv("TWILIO_MESSAGING_SERVICE_SID", "MG" + "0" * 32)
    assert create_app("production").config["TWILIO_MESSAGING_SERVICE_SID"]


def test_development_refuses_an_unknown_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMS_BACKEND", "carrier-pigeon")
    with pytest.raises(ConfigurationError, match="SMS_BACKEND must be one of"):
        create_app("development")


def test_contact_details_are_encrypted_at_rest(app: Flask, invite: Callable[..., None]) -> None:
    invite(AMIRA, name_of_person="Rosemary Canary", email="amira@example.org", send=False)
    with app.app_context():
        dump = repr(db.session.execute(text("SELECT * FROM contacts")).all())
    for secret in ("7911123456", "Rosemary", "amira@example.org"):
        assert secret not in dump


def test_numbers_and_message_texts_never_reach_the_logs(
    app: Flask,
    fake: FakeTwilio,
    invite: Callable[..., None],
    carer: Callable[[str], TextingCarer],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    invite(AMIRA, name_of_person="Rosemary Canary")
    amira = carer(AMIRA)
    amira.sends("yes")
    amira.sends("1")
    amira.sends("SKIP")
    for _ in range(6):
        amira.sends("SKIP")
    amira.sends("canary-comment-7c1e the doctor never came")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "inbound" in logged  # something was logged...
    for secret in ("7911123456", "Rosemary", "canary-comment-7c1e", "Reply YES"):
        assert secret not in logged  # ...but never a number, a name or a text


def test_the_console_prints_texts_with_the_number_masked() -> None:
    stream = io.StringIO()
    ConsoleTransport(stream).send(AMIRA, "Hello from the survey", None)
    printed = stream.getvalue()
    assert "+44 79** ***456" in printed and "Hello from the survey" in printed
    assert "7911123456" not in printed
    assert mask_phone("+48512345678") == "+48 51** **678"
