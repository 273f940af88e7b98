"""Twilio webhooks: check the signature first, then store once per MessageSid and reply in TwiML."""

from __future__ import annotations

import hmac
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from flask import Response, current_app, request
from twilio.request_validator import RequestValidator

from app.extensions import db
from app.services.outbox import record_status_callback
from app.services.sms_inbound import InboundMessage, receive_inbound
from app.sms import bp
from app.sms.runtime import sms_context

log = logging.getLogger(__name__)

_SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")
_ERROR_CODE = re.compile(r"[0-9]{1,9}")
_OUTBOX_ID = re.compile(r"[1-9][0-9]{0,17}")
TWIML_CONTENT_TYPE = "text/xml; charset=utf-8"
PLAIN_CONTENT_TYPE = "text/plain; charset=utf-8"
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'


@dataclass(frozen=True)
class WebhookReply:
    """What a webhook answers, built without Flask so the WSGI fast path can send it too."""

    status: int
    body: str
    content_type: str = PLAIN_CONTENT_TYPE


@lru_cache(maxsize=4)
def validator_for(token: str) -> RequestValidator:
    """One validator per auth token (it precomputes nothing, but saves an object per request)."""
    return RequestValidator(token)


def signature_matches(
    settings: Mapping[str, object], path: str, query: str, params: Any, signature: str
) -> bool:
    """Whether ``signature`` is Twilio's signature of this request with our auth token.

    One definition for the WSGI gate and the views. ``params`` is the form as the validator
    reads it (``getlist``); the token is read per request, so removing it takes effect at once.
    """
    token = str(settings.get("TWILIO_AUTH_TOKEN") or "")
    # Without a token anyone could compute the "signature": refuse everything instead.
    if not token or not signature or len(signature) > 200:
        return False
    # Twilio signed the public URL, never what Flask sees behind a TLS proxy.
    base_url = str(settings.get("PUBLIC_BASE_URL") or "").rstrip("/")
    url = f"{base_url}{path}" + (f"?{query}" if query else "")
    validator = validator_for(token)
    # Twilio signs the URL as configured: one HMAC settles a genuine request. The full check
    # (the URL with and without a port, two more HMACs) settles everything else.
    expected = validator.compute_signature(url, params).encode("utf-8")
    if hmac.compare_digest(expected, signature.encode("utf-8", "replace")):
        return True
    return bool(validator.validate(url, params, signature))


def signature_is_valid() -> bool:
    """Whether the current request carries Twilio's signature (see signature_matches)."""
    return signature_matches(
        current_app.config,
        request.path,
        request.query_string.decode("latin-1"),
        request.form,
        request.headers.get("X-Twilio-Signature", ""),
    )


def twiml(messages: list[str]) -> str:
    """What twilio's MessagingResponse prints for these texts, built as a string (far cheaper).

    The texts are escaped for XML (&, <, >) exactly as its ElementTree serialiser does.
    """
    if not messages:
        return _XML_DECLARATION + "<Response />"
    body = "".join(
        f"<Message>{escape(message)}</Message>" if message else "<Message />"
        for message in messages
    )
    return f"{_XML_DECLARATION}<Response>{body}</Response>"


def inbound_reply(form: Mapping[str, str]) -> WebhookReply:
    """A carer's text, signature already checked: applied once, answered in TwiML."""
    sid = form.get("MessageSid", "")
    sender = form.get("From", "")
    if not _SID.fullmatch(sid) or not sender:
        return WebhookReply(400, "MessageSid and From are required")
    message = InboundMessage(sid, sender, form.get("Body", ""))
    replies = receive_inbound(db.session(), sms_context(), message)
    return WebhookReply(200, twiml(replies), TWIML_CONTENT_TYPE)


def status_reply(form: Mapping[str, str], query: Mapping[str, str]) -> WebhookReply:
    """A status callback, signature already checked; ``query`` holds our outbox id (``o``)."""
    sid = form.get("MessageSid", "")
    message_status = form.get("MessageStatus") or form.get("SmsStatus") or ""
    if not _SID.fullmatch(sid) or not message_status or len(message_status) > 24:
        return WebhookReply(400, "MessageSid and MessageStatus are required")
    raw_code = form.get("ErrorCode", "")
    raw_outbox = query.get("o", "")
    known = record_status_callback(
        db.session(),
        message_sid=sid,
        status=message_status,
        error_code=int(raw_code) if _ERROR_CODE.fullmatch(raw_code) else None,
        outbox_id=int(raw_outbox) if _OUTBOX_ID.fullmatch(raw_outbox) else None,
    )
    if not known:
        log.info("status callback for a message we did not send: ignored")
    # Twilio only needs a 2xx; an unknown SID gets one too, so it stops retrying.
    return WebhookReply(200, "")


def _as_response(reply: WebhookReply) -> Response:
    return Response(reply.body, status=reply.status, content_type=reply.content_type)


# The WSGI gate (signature_gate.py) answers these paths itself, without Flask's request
# machinery. These views serve the same replies when a request reaches Flask anyway (an app
# mounted without the gate, or a body the gate does not read), checking the signature again.


@bp.post("/sms/inbound")
def inbound() -> Response:
    if not signature_is_valid():
        return _as_response(WebhookReply(403, "Forbidden"))
    return _as_response(inbound_reply(request.form))


@bp.post("/sms/status")
def status() -> Response:
    if not signature_is_valid():
        return _as_response(WebhookReply(403, "Forbidden"))
    return _as_response(status_reply(request.form, request.args))
