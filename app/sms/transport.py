"""How outbound messages leave: printed to the terminal (console) or sent through Twilio's API."""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol, TextIO, TypeVar

import phonenumbers

_T = TypeVar("_T")
BACKENDS = ("console", "twilio")
# Reconciliation looks back a little before the claim, in case the two clocks disagree.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class SendResult:
    sid: str
    status: str


class SendError(Exception):
    """A send that did not succeed; ``code`` is Twilio's error code when it gave one."""

    def __init__(self, message: str, *, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class TransientSendError(SendError):
    """Certainly not sent (rate limited, could not connect): safe to try again later."""


class AmbiguousSendError(SendError):
    """Perhaps sent (timeout, server error): look the message up before sending it again."""


class PermanentSendError(SendError):
    """Refused for good (21610 opted out, 21211 invalid number...): never retried."""


class SmsTransport(Protocol):
    name: str
    #: True when a send is already final (console): the contact attempt counts at once.
    delivers_immediately: bool

    def send(self, to: str, body: str, status_callback: str | None) -> SendResult: ...

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        """The SID of a message with this body sent to ``to`` since ``since`` (naive UTC).

        Returns None when the provider certainly has no such message; raises SendError when
        it cannot tell (then the outbox row waits and is looked up again).
        """
        ...


def mask_phone(e164: str) -> str:
    """A number as the console shows it: +44 77** ***123 (enough to tell test phones apart)."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return "+** *** ***"
    national = str(parsed.national_number)
    if len(national) < 6:
        return f"+{parsed.country_code} ***"
    masked = national[:2] + "*" * (len(national) - 5) + national[-3:]
    return f"+{parsed.country_code} {masked[:4]} {masked[4:]}"


class ConsoleTransport:
    """Development: print each message with the number masked; nothing leaves the machine."""

    name = "console"
    delivers_immediately = True

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def send(self, to: str, body: str, status_callback: str | None) -> SendResult:
        stream = self._stream or sys.stdout
        stream.write(f"--- SMS to {mask_phone(to)} ---\n{body}\n---\n")
        stream.flush()
        return SendResult(sid="SM" + uuid.uuid4().hex, status="delivered")

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        # Nothing is kept: a development message interrupted mid-print is printed again.
        return None


class TwilioTransport:
    """The official twilio client; in tests its base URL points at a local fake API."""

    name = "twilio"
    delivers_immediately = False

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        from_number: str = "",
        messaging_service_sid: str = "",
        api_base_url: str = "",
        timeout_seconds: float = 10.0,
    ) -> None:
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        # twilio's HTTP client logs every request's parameters (numbers, bodies) at INFO:
        # give it a logger of its own that nobody's configuration can turn up.
        quiet = logging.Logger("carer_voices.twilio_http", level=logging.WARNING)
        http_client = TwilioHttpClient(timeout=timeout_seconds, logger=quiet)
        self._client = Client(account_sid, auth_token, http_client=http_client)
        if api_base_url:
            self._client.api.base_url = api_base_url.rstrip("/")
        self._from = from_number
        self._service = messaging_service_sid

    def send(self, to: str, body: str, status_callback: str | None) -> SendResult:
        from twilio.base import values

        arguments: dict[str, object] = {"to": to, "body": body}
        if self._service:
            arguments["messaging_service_sid"] = self._service
        else:
            arguments["from_"] = self._from
        arguments["status_callback"] = status_callback or values.unset
        message = self._call(lambda: self._client.messages.create(**arguments))
        return SendResult(sid=str(message.sid), status=str(message.status or "queued"))

    def find_sent(self, to: str, body: str, since: datetime) -> str | None:
        listed = self._call(lambda: self._client.messages.list(to=to, limit=50))
        earliest = since.replace(tzinfo=UTC) - CLOCK_SKEW
        for message in listed:
            created = message.date_created
            if message.body == body and (created is None or created >= earliest):
                return str(message.sid)
        return None

    @staticmethod
    def _call(action: Callable[[], _T]) -> _T:
        import requests
        from twilio.base.exceptions import TwilioException, TwilioRestException

        try:
            return action()
        except TwilioRestException as problem:
            raise _classify_rest_error(problem.status, problem.code) from problem
        except TwilioException as problem:
            # Not a REST error: the client raises this plain kind when a message-list page
            # comes back 5xx ("Unable to fetch page"). Uncaught, it stopped the whole worker;
            # the outcome is unknown, so look it up again later, never send blindly.
            raise AmbiguousSendError(f"Twilio client error: {type(problem).__name__}") from problem
        except requests.exceptions.ConnectTimeout as problem:
            raise TransientSendError("could not connect to Twilio (timeout)") from problem
        except requests.exceptions.ConnectionError as problem:
            if _never_connected(problem):
                raise TransientSendError("could not connect to Twilio") from problem
            raise AmbiguousSendError("connection to Twilio lost mid-request") from problem
        except requests.exceptions.RequestException as problem:
            raise AmbiguousSendError(
                f"Twilio request failed: {type(problem).__name__}"
            ) from problem


def _classify_rest_error(status: int, code: int | None) -> SendError:
    if status == 429 or status in (401, 403):
        # Rate limited, or credentials being rotated: nothing was created; wait and retry.
        return TransientSendError(f"Twilio answered {status}", code=code)
    if status >= 500:
        return AmbiguousSendError(f"Twilio answered {status}", code=code)
    return PermanentSendError(f"Twilio refused the message ({status})", code=code)


def _never_connected(problem: Exception) -> bool:
    from urllib3.exceptions import NewConnectionError

    reason = getattr(problem.args[0], "reason", None) if problem.args else None
    return isinstance(reason, NewConnectionError)


def check_sms_settings(settings: Mapping[str, object]) -> None:
    """Raise ValueError naming what is missing or wrong in the SMS settings."""
    backend = str(settings.get("SMS_BACKEND", "console"))
    if backend not in BACKENDS:
        raise ValueError(f"SMS_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")
    rate = settings.get("SMS_RATE_PER_SECOND", 1.0)
    if not isinstance(rate, int | float) or not 0 < rate <= 1000:
        raise ValueError("SMS_RATE_PER_SECOND must be a number above 0 (messages per second)")
    from app.services.outbox_schedule import parse_quiet_hours

    parse_quiet_hours(str(settings.get("SMS_QUIET_HOURS", "")))
    from app.services.sms_settings import SmsSettings

    SmsSettings.from_config(settings)  # reminder gaps and languages
    if backend != "twilio":
        return
    needed = ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"]
    missing = [name for name in needed if not settings.get(name)]
    if not settings.get("TWILIO_FROM_NUMBER") and not settings.get("TWILIO_MESSAGING_SERVICE_SID"):
        missing.append("TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID")
    if missing:
        raise ValueError("SMS_BACKEND=twilio needs these settings: " + ", ".join(missing))


def build_transport(settings: Mapping[str, object], stream: TextIO | None = None) -> SmsTransport:
    """The transport the settings choose (checked at start-up by check_sms_settings)."""
    if settings.get("SMS_BACKEND") == "twilio":
        return TwilioTransport(
            str(settings["TWILIO_ACCOUNT_SID"]),
            str(settings["TWILIO_AUTH_TOKEN"]),
            from_number=str(settings.get("TWILIO_FROM_NUMBER") or ""),
            messaging_service_sid=str(settings.get("TWILIO_MESSAGING_SERVICE_SID") or ""),
            api_base_url=str(settings.get("TWILIO_API_BASE_URL") or ""),
            timeout_seconds=float(str(settings.get("SMS_TWILIO_TIMEOUT_SECONDS", 10))),
        )
    return ConsoleTransport(stream)
