"""Twilio webhooks: check the signature first, then store once per MessageSid and reply in TwiML."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from flask import Response, current_app, request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from app.extensions import db
from app.services.outbox import record_status_callback
from app.services.sms_inbound import InboundMessage, receive_inbound
from app.sms import bp
from app.sms.runtime import sms_context

log = logging.getLogger(__name__)

_SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")
_ERROR_CODE = re.compile(r"[0-9]{1,9}")
_OUTBOX_ID = re.compile(r"[1-9][0-9]{0,17}")
_TWIML = "text/xml; charset=utf-8"


@lru_cache(maxsize=4)
def _validator(token: str) -> RequestValidator:
    return RequestValidator(token)


def public_url() -> str:
    """The URL Twilio requested: our public base plus path and query, not what the proxy shows."""
    base = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    query = request.query_string.decode("latin-1")
    return f"{base}{request.path}" + (f"?{query}" if query else "")


def signature_is_valid() -> bool:
    """Whether X-Twilio-Signature is Twilio's signature of this request with our auth token."""
    token = str(current_app.config.get("TWILIO_AUTH_TOKEN") or "")
    signature = request.headers.get("X-Twilio-Signature", "")
    # Without a token anyone could compute the "signature": refuse everything instead.
    if not token or not signature or len(signature) > 200:
        return False
    return bool(_validator(token).validate(public_url(), request.form, signature))


def _plain(status: int, text: str = "") -> Response:
    # Plain and small on purpose: a forged request costs us as little as possible.
    return Response(text, status=status, mimetype="text/plain")


def twiml(messages: list[str]) -> Response:
    reply = MessagingResponse()
    for message in messages:
        reply.message(message)
    return Response(str(reply), status=200, content_type=_TWIML)


@bp.post("/sms/inbound")
def inbound() -> Response:
    # The WSGI gate (signature_gate.py) refused forgeries already; check again here anyway.
    if not signature_is_valid():
        return _plain(403, "Forbidden")
    sid = request.form.get("MessageSid", "")
    sender = request.form.get("From", "")
    if not _SID.fullmatch(sid) or not sender:
        return _plain(400, "MessageSid and From are required")
    message = InboundMessage(sid, sender, request.form.get("Body", ""))
    return twiml(receive_inbound(db.session(), sms_context(), message))


@bp.post("/sms/status")
def status() -> Response:
    if not signature_is_valid():
        return _plain(403, "Forbidden")
    sid = request.form.get("MessageSid", "")
    message_status = request.form.get("MessageStatus") or request.form.get("SmsStatus") or ""
    if not _SID.fullmatch(sid) or not message_status or len(message_status) > 24:
        return _plain(400, "MessageSid and MessageStatus are required")
    raw_code = request.form.get("ErrorCode", "")
    raw_outbox = request.args.get("o", "")
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
    return _plain(200)
