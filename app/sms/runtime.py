"""Flask glue for the SMS services: context, transport and settings from the app's configuration."""

from __future__ import annotations

from flask import Flask, current_app

from app.services.encryption import ContactCipher, contact_cipher
from app.services.outbox_schedule import OutboxSettings
from app.services.sms_conversation import SmsContext
from app.services.sms_settings import SmsSettings
from app.sms.transport import SmsTransport, build_transport
from app.survey.context import questionnaire_library

_CONTEXT_KEY = "carer_voices.sms_context"


def current_cipher(app: Flask | None = None) -> ContactCipher:
    return contact_cipher((app or current_app).config)


def sms_context() -> SmsContext:
    """Built once per application: settings do not change while it runs."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    context = app.extensions.get(_CONTEXT_KEY)
    if context is None:
        context = SmsContext(
            cipher=current_cipher(app),
            library=questionnaire_library(),
            settings=SmsSettings.from_config(app.config),
        )
        app.extensions[_CONTEXT_KEY] = context
    assert isinstance(context, SmsContext)
    return context


def current_transport() -> SmsTransport:
    return build_transport(current_app.config)


def outbox_settings() -> OutboxSettings:
    return OutboxSettings.from_config(current_app.config)
