"""Fixtures around the fake Twilio API, shared by the SMS and outbox tests (a pytest plugin)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.fake_twilio.server import FakeTwilio, FakeTwilioServer
from tests.fake_twilio.support import empty_every_table, make_sms_app


@pytest.fixture(scope="session")
def twilio_api() -> Iterator[FakeTwilioServer]:
    """One fake API server for the run; each test starts from a reset fake (``fake``)."""
    with FakeTwilioServer() as server:
        yield server


@pytest.fixture
def fake(twilio_api: FakeTwilioServer) -> FakeTwilio:
    twilio_api.fake.reset()
    return twilio_api.fake


@pytest.fixture
def sms_app(
    migrated_database: str, twilio_api: FakeTwilioServer, fake: FakeTwilio
) -> Iterator[Flask]:
    """An app whose real twilio client talks to the fake API; its rows are emptied afterwards."""
    application = make_sms_app(migrated_database, twilio_api)
    yield application
    empty_every_table(application)
