"""A WSGI gate in front of the app: a webhook without Twilio's signature is refused before Flask."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from twilio.request_validator import RequestValidator

log = logging.getLogger(__name__)

WEBHOOK_PATHS = frozenset({"/sms/inbound", "/sms/status"})
# Twilio's webhook bodies are a few kilobytes; anything far bigger is not from Twilio.
MAX_WEBHOOK_BYTES = 64 * 1024
_FORBIDDEN = [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")]

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class TwilioSignatureGate:
    """Checks X-Twilio-Signature on the webhook paths; forged requests never reach Flask.

    A flood of forged posts then costs one HMAC each, not a whole request with sessions,
    rate limits and headers. The views check the signature again, so the gate is a speed-up,
    never the only guard.
    """

    def __init__(self, app: WsgiApp, auth_token: str, public_base_url: str) -> None:
        self.app = app
        self.validator = RequestValidator(auth_token) if auth_token else None
        self.base_url = public_base_url.rstrip("/")
        self.refused = 0
        self._last_logged = 0.0

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") not in WEBHOOK_PATHS:
            return self.app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_WEBHOOK_BYTES:
            return self._refuse(start_response, "413 Request Entity Too Large")
        body = environ["wsgi.input"].read(length) if length else b""
        if not self._signed(environ, body):
            return self._refuse(start_response, "403 Forbidden")
        # Flask reads the body again from the start.
        environ["wsgi.input"] = io.BytesIO(body)
        return self.app(environ, start_response)

    def _signed(self, environ: dict[str, Any], body: bytes) -> bool:
        signature = str(environ.get("HTTP_X_TWILIO_SIGNATURE", ""))
        if self.validator is None or not signature or len(signature) > 200:
            return False
        query = str(environ.get("QUERY_STRING", ""))
        url = f"{self.base_url}{environ['PATH_INFO']}" + (f"?{query}" if query else "")
        content_type = str(environ.get("CONTENT_TYPE", ""))
        params: dict[str, list[str]] = {}
        if content_type.startswith("application/x-www-form-urlencoded"):
            try:
                params = parse_qs(body.decode("utf-8"), keep_blank_values=True)
            except UnicodeDecodeError:
                return False
        return bool(self.validator.validate(url, _MultiValues(params), signature))

    def _refuse(self, start_response: StartResponse, status: str) -> Iterable[bytes]:
        self.refused += 1
        now = time.monotonic()
        # One line a minute, with a count: a flood of forgeries must not flood the logs too.
        if now - self._last_logged >= 60:
            self._last_logged = now
            log.warning("webhook refused (%s); %d refused so far", status[:3], self.refused)
        text = status[4:].encode()
        start_response(status, [*_FORBIDDEN, ("Content-Length", str(len(text)))])
        return [text]


class _MultiValues(dict[str, list[str]]):
    """parse_qs output shaped as the validator expects (it asks for getall or getlist)."""

    def getlist(self, key: str) -> list[str]:
        return self[key]
