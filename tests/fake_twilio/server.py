"""A local fake of Twilio's Messages API, for pointing the real twilio client at in tests.

It checks HTTP Basic auth (account SID + auth token) like Twilio, records every message, lists
them newest first (To filter), and can be told to fail: error 21610 for opted-out numbers, 429
or 5xx for the next N calls, or to accept a message and then drop the connection (the lost
answer that makes a worker unsure whether it sent).
"""

from __future__ import annotations

import base64
import itertools
import json
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

API_VERSION = "2010-04-01"


@dataclass
class FakeMessage:
    sid: str
    to: str
    from_: str
    body: str
    status_callback: str | None
    messaging_service_sid: str | None
    created: datetime
    received_monotonic: float
    status: str = "queued"

    def as_json(self, account_sid: str) -> dict[str, object]:
        return {
            "sid": self.sid,
            "account_sid": account_sid,
            "to": self.to,
            "from": self.from_,
            "body": self.body,
            "status": self.status,
            "direction": "outbound-api",
            "num_segments": "1",
            "messaging_service_sid": self.messaging_service_sid,
            "date_created": format_datetime(self.created, usegmt=True),
            "date_updated": format_datetime(self.created, usegmt=True),
            "date_sent": None,
            "error_code": None,
            "error_message": None,
            "api_version": API_VERSION,
            "uri": f"/{API_VERSION}/Accounts/{account_sid}/Messages/{self.sid}.json",
        }


@dataclass
class FakeTwilio:
    """The fake API's state; tests program failures and read what was sent."""

    account_sid: str = field(default_factory=lambda: "AC" + secrets.token_hex(16))
    auth_token: str = field(default_factory=lambda: secrets.token_hex(16))
    messages: list[FakeMessage] = field(default_factory=list)
    opted_out: set[str] = field(default_factory=set)
    # Each queued failure applies to one POST: an HTTP status, or "drop" (accept, then hang up).
    failures: deque[int | str] = field(default_factory=deque)
    list_failures: deque[int] = field(default_factory=deque)
    requests: int = 0
    unauthorised: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def fail_next(self, count: int, status: int | str) -> None:
        with self.lock:
            self.failures.extend([status] * count)

    def reset(self) -> None:
        with self.lock:
            self.messages.clear()
            self.opted_out.clear()
            self.failures.clear()
            self.list_failures.clear()
            self.requests = 0
            self.unauthorised = 0

    def sent_to(self, number: str) -> list[FakeMessage]:
        with self.lock:
            return [message for message in self.messages if message.to == number]

    def new_sid(self) -> str:
        return f"SM{next(self._counter):032x}"


def _error(status: int, code: int, message: str) -> tuple[int, dict[str, object]]:
    return status, {"code": code, "message": message, "more_info": "", "status": status}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # quiet: the requests carry phone numbers and bodies

    def _authorised(self) -> bool:
        fake = self.server.fake
        expected = base64.b64encode(f"{fake.account_sid}:{fake.auth_token}".encode()).decode()
        return self.headers.get("Authorization", "") == f"Basic {expected}"

    def _messages_path(self) -> bool:
        path = urlsplit(self.path).path
        return path == f"/{API_VERSION}/Accounts/{self.server.fake.account_sid}/Messages.json"

    def _reply(self, status: int, payload: dict[str, object]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        with fake.lock:
            fake.requests += 1
            if not self._authorised():
                fake.unauthorised += 1
                self._reply(*_error(401, 20003, "Authenticate"))
                return
            if not self._messages_path():
                self._reply(*_error(404, 20404, "The requested resource was not found"))
                return
            failure = fake.failures.popleft() if fake.failures else None
            if isinstance(failure, int):
                code = 20429 if failure == 429 else 20500
                self._reply(*_error(failure, code, "Simulated failure"))
                return
            to = form.get("To", "")
            if to in fake.opted_out:
                self._reply(*_error(400, 21610, "Attempt to send to unsubscribed recipient"))
                return
            if not form.get("Body") or not (form.get("From") or form.get("MessagingServiceSid")):
                self._reply(*_error(400, 21602, "Message body and a sender are required"))
                return
            message = FakeMessage(
                sid=fake.new_sid(),
                to=to,
                from_=form.get("From", ""),
                body=form["Body"],
                status_callback=form.get("StatusCallback"),
                messaging_service_sid=form.get("MessagingServiceSid"),
                created=datetime.now(UTC).replace(microsecond=0),
                received_monotonic=time.monotonic(),
            )
            fake.messages.append(message)
        if failure == "drop":
            # Accepted, but the answer never reaches the client: the worker cannot know.
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self._reply(201, message.as_json(fake.account_sid))

    def do_GET(self) -> None:  # noqa: N802
        fake = self.server.fake
        with fake.lock:
            fake.requests += 1
            if not self._authorised():
                fake.unauthorised += 1
                self._reply(*_error(401, 20003, "Authenticate"))
                return
            if not self._messages_path():
                self._reply(*_error(404, 20404, "The requested resource was not found"))
                return
            if fake.list_failures:
                status = fake.list_failures.popleft()
                self._reply(*_error(status, 20500, "Simulated failure"))
                return
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            size = min(int(query.get("PageSize", "50")), 1000)
            chosen = [m for m in reversed(fake.messages) if m.to == query.get("To", m.to)]
            page = [message.as_json(fake.account_sid) for message in chosen[:size]]
        self._reply(
            200,
            {
                "messages": page,
                "end": len(page) - 1,
                "first_page_uri": self.path,
                "next_page_uri": None,
                "previous_page_uri": None,
                "page": 0,
                "page_size": size,
                "start": 0,
                "uri": self.path,
            },
        )


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeTwilio) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake


class FakeTwilioServer:
    """Runs the fake on 127.0.0.1 on a free port, in a background thread."""

    def __init__(self) -> None:
        self.fake = FakeTwilio()
        self._server = _Server(self.fake)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeTwilioServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
