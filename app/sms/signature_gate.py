"""A WSGI gate in front of the app: Twilio's webhooks are checked, then answered without Flask."""

from __future__ import annotations

import io
import logging
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from flask import Flask
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.sms.webhooks import WebhookReply, signature_matches

log = logging.getLogger(__name__)

# Twilio's webhook bodies are a few kilobytes; anything far bigger is not from Twilio.
MAX_WEBHOOK_BYTES = 64 * 1024
_FORM = "application/x-www-form-urlencoded"
# Webhook replies go to Twilio, not a browser: only the headers that still mean something.
_HEADERS = [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")]

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
# A webhook's form fields and query arguments (first value of each) -> its reply.
WebhookHandler = Callable[[Mapping[str, str], Mapping[str, str]], WebhookReply]


class TwilioSignatureGate:
    """Checks X-Twilio-Signature on the webhook paths, then answers them itself.

    A forged post costs one HMAC, not a whole request. A signed one skips what a web page needs
    and a webhook does not (session cookie, sign-in, language choice, rate limits, page headers):
    the handler runs in an application context only, which is most of a webhook's cost saved.
    The Flask views for the same paths check the signature again and reply the same way, for a
    request that reaches them (a body this gate does not parse).
    """

    def __init__(
        self, app: WsgiApp, flask_app: Flask, handlers: Mapping[str, WebhookHandler]
    ) -> None:
        self.app = app
        self.flask_app = flask_app
        self.handlers = dict(handlers)
        self.refused = 0
        self._last_logged = 0.0

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if environ.get("REQUEST_METHOD") != "POST" or path not in self.handlers:
            return self.app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_WEBHOOK_BYTES:
            return self._refuse(start_response, "413 Request Entity Too Large")
        body = environ["wsgi.input"].read(length) if length else b""
        is_form = str(environ.get("CONTENT_TYPE", "")).startswith(_FORM)
        try:
            params = parse_qs(body.decode("utf-8"), keep_blank_values=True) if is_form else {}
        except UnicodeDecodeError:
            return self._refuse(start_response, "403 Forbidden")
        if not self._signed(environ, params):
            return self._refuse(start_response, "403 Forbidden")
        if not is_form:
            # Not a body we read: Flask parses it and its view checks the signature again.
            environ["wsgi.input"] = io.BytesIO(body)
            return self.app(environ, start_response)
        form = {name: values[0] for name, values in params.items()}
        query_string = str(environ.get("QUERY_STRING", ""))
        query = {name: values[0] for name, values in parse_qs(query_string).items()}
        return self._answer(start_response, self.handlers[path], form, query)

    def _signed(self, environ: dict[str, Any], params: dict[str, list[str]]) -> bool:
        return signature_matches(
            self.flask_app.config,
            str(environ["PATH_INFO"]),
            str(environ.get("QUERY_STRING", "")),
            _MultiValues(params),
            str(environ.get("HTTP_X_TWILIO_SIGNATURE", "")),
        )

    def _answer(
        self,
        start_response: StartResponse,
        handler: WebhookHandler,
        form: Mapping[str, str],
        query: Mapping[str, str],
    ) -> Iterable[bytes]:
        """The handler's reply; a fault answers as the app's error handlers would (app/main)."""
        with self.flask_app.app_context():
            try:
                reply = handler(form, query)
            except OperationalError as problem:
                # The database is down or busy: nothing committed; Twilio retries a 503.
                _rollback_quietly()
                error_id = secrets.token_hex(4)
                log.error("database unavailable %s: %s", error_id, type(problem.orig).__name__)
                reply = WebhookReply(503, "Service Unavailable")
            except Exception as problem:
                db.session.rollback()
                if self.flask_app.config.get("PROPAGATE_EXCEPTIONS"):
                    raise  # tests and the debugger want the real traceback
                error_id = secrets.token_hex(4)
                # The type and the id only: messages can carry a carer's text.
                log.error("unhandled webhook error %s: %s", error_id, type(problem).__name__)
                reply = WebhookReply(500, f"Error {error_id}")
        payload = reply.body.encode("utf-8")
        status = f"{reply.status} {HTTPStatus(reply.status).phrase}"
        headers = [
            ("Content-Type", reply.content_type),
            ("Content-Length", str(len(payload))),
            *_HEADERS,
        ]
        if reply.status == 503:
            headers.append(("Retry-After", "60"))
        start_response(status, headers)
        return [payload]

    def _refuse(self, start_response: StartResponse, status: str) -> Iterable[bytes]:
        self.refused += 1
        now = time.monotonic()
        # One line a minute, with a count: a flood of forgeries must not flood the logs too.
        if now - self._last_logged >= 60:
            self._last_logged = now
            log.warning("webhook refused (%s); %d refused so far", status[:3], self.refused)
        text = status[4:].encode()
        headers = [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(text))),
        ]
        start_response(status, [*headers, *_HEADERS])
        return [text]


def _rollback_quietly() -> None:
    """End the failed transaction; with the database gone even the rollback can fail."""
    try:
        db.session.rollback()
    except OperationalError:
        db.session().invalidate()


class _MultiValues(dict[str, list[str]]):
    """parse_qs output shaped as the validator expects (it asks for getall or getlist)."""

    def getlist(self, key: str) -> list[str]:
        return self[key]
