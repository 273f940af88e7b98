"""Every POST route with random and hostile input: never a 500, never an unhandled exception.

Sent as a stranger, as a carer mid-survey, as an admin, and as Twilio (signed webhooks).
Routes come from app.url_map, so a new form is fuzzed without editing this file. The fields
sent are the ones the route's own GET page shows (plus a few common names), filled with hostile
values: huge fields, NULs, invalid UTF-8, wrong types, duplicate keys, path traversal, SQL, HTML.
"""

from __future__ import annotations

import io
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound
from werkzeug.routing import Rule

from app import create_app
from app.extensions import limiter
from tests.auth.staff_helpers import add_staff, make_places, sign_in
from tests.fake_twilio.support import empty_every_table, new_message_sid, signed_post
from tests.survey.test_journey import start_open_link

HOSTILE = [
    "", " ", "\x00", "a\x00b", "-1", "0", "99999999999999999999", "1e309", "NaN", "true",
    "null", "[]", "{}", "../../../../etc/passwd", "..\\..\\windows\\win.ini", "%00",
    "' OR '1'='1' --", "'; DROP TABLE answers; --", "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>", "{{7*7}}", "${7*7}", "=cmd|' /C calc'!A0", "\ufeff",
    "\u202e", "😀" * 50, "ｙｅｓ", "x" * 70_000,
]  # fmt: skip
COMMON_FIELDS = ["page_id", "action", "consent", "person_name", "email", "password", "code",
                 "token", "group", "language", "text", "body", "file", "return_to"]  # fmt: skip
# A plausible value for each path variable (so handlers run), then hostile ones.
PLAUSIBLE = {"slug": "north-riverside", "language": "cy", "page_id": "about-age", "key": "x"}
HOSTILE_PATH = {"int": "2147483648", "default": "..%2F..%2Fetc%2Fpasswd%00" + "x" * 300}


@dataclass
class Tally:
    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    by_who: dict[str, dict[int, int]] = field(default_factory=dict)
    to_login: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def record(self, who: str, label: str, url: str, status: int | None, problem: str = "") -> None:
        self.requests += 1
        if status is not None:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            mine = self.by_who.setdefault(who, {})
            mine[status] = mine.get(status, 0) + 1
        if status is None or status >= 500:
            self.failures.append(f"{who} {label} POST {url[:80]}: {status or problem}")


def fuzz_app(database_url: str, translations: Path, *, csrf: bool) -> Flask:
    return create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "TRANSLATIONS_DIR": str(translations),  # never the checkout's own catalogues
            "WTF_CSRF_ENABLED": csrf,
        },
    )


@pytest.fixture
def cleanup(app: Flask) -> Iterator[None]:
    yield
    empty_every_table(app)


def post_rules(app: Flask) -> list[Rule]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())),
        key=lambda rule: rule.rule,
    )


def urls_for(rule: Rule) -> list[str]:
    """The rule with plausible path values, and with hostile ones."""

    def filled(hostile: bool) -> str:
        def fill(match: re.Match[str]) -> str:
            converter, name = match.group(1) or "default", match.group(2)
            if converter == "int":
                return HOSTILE_PATH["int"] if hostile else "1"
            return HOSTILE_PATH["default"] if hostile else PLAUSIBLE.get(name, "x")

        return re.sub(r"<(?:(\w+):)?(\w+)>", fill, rule.rule)

    return list(dict.fromkeys([filled(False), filled(True)]))


def field_names(client: FlaskClient, url: str, rule: Rule) -> list[str]:
    names = set(COMMON_FIELDS)
    if "GET" in (rule.methods or ()):
        try:
            page = client.get(url)
        except Exception:  # noqa: BLE001  (a GET failing is reported by the page tests)
            page = None
        if page is not None and page.mimetype == "text/html":
            soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
            for tag in soup.select("form input, form textarea, form select"):
                if tag.get("name"):
                    names.add(str(tag["name"]))
    return sorted(names)


def payloads(names: list[str], chooser: random.Random) -> Iterator[tuple[str, dict[str, Any]]]:
    """(label, keyword arguments for client.post) for each kind of hostile request."""
    yield "empty", {"data": {}}
    # CI sends a sample of the hostile values to every field at once; the long run sends all.
    every = settings().max_examples >= 1000
    for value in HOSTILE if every else chooser.sample(HOSTILE, 8):
        yield f"all={value[:12]!r}", {"data": {name: value for name in names}}
    mixed = {name: chooser.choice(HOSTILE) for name in names}
    yield "mixed", {"data": mixed}
    yield "duplicate keys", {"data": MultiDict([(n, v) for n in names for v in ("yes", "no")])}
    yield "one huge field", {"data": {names[0]: "x" * 1_500_000}}
    yield "over the size limit", {"data": {names[0]: "x" * 3_000_000}}
    body = "&".join(f"{name}=%FF%FE%00%C3%28" for name in names).encode()
    yield "invalid utf-8 (escaped)", {
        "data": body, "content_type": "application/x-www-form-urlencoded"}  # fmt: skip
    yield (
        "invalid utf-8 (raw)",
        {
            "data": b"\xff\xfe\x00=\xc3\x28&" + names[0].encode() + b"=\xed\xa0\x80",
            "content_type": "application/x-www-form-urlencoded",
        },
    )
    yield "json instead of a form", {"json": {name: [1, {"x": None}] for name in names}}
    yield (
        "a file where text was expected",
        {
            "data": {
                name: (io.BytesIO(chooser.randbytes(2048)), "../../evil.csv") for name in names
            },
            "content_type": "multipart/form-data",
        },
    )
    yield "missing csrf, hostile rest", {"data": {n: chooser.choice(HOSTILE) for n in names}}


def fuzz(
    client: FlaskClient, app: Flask, who: str, tally: Tally, seed: int, *, signed_in: bool = False
) -> None:
    chooser = random.Random(seed)
    for rule in post_rules(app):
        if signed_in and rule.endpoint.startswith(("auth.", "survey.")):
            # Signing in or starting a survey replaces the session (by design); the stranger
            # and carer passes fuzz these routes.
            continue
        for url in urls_for(rule):
            names = field_names(client, url, rule)
            for label, arguments in payloads(names, chooser):
                # Reach the handlers, not the limiter. (Not RATELIMIT_ENABLED=False: the
                # limiter is one object shared by every app, and later tests need it on.)
                limiter.reset()
                try:
                    reply = client.post(url, **arguments)
                except Exception as problem:  # noqa: BLE001  (each is a failure to report)
                    tally.record(who, label, url, None, f"{type(problem).__name__}: {problem}")
                    continue
                tally.record(who, label, url, reply.status_code)
                if "/login" in reply.headers.get("Location", ""):
                    tally.to_login[who] = tally.to_login.get(who, 0) + 1
                if reply.status_code >= 400 and reply.mimetype == "text/html":
                    text = reply.get_data(as_text=True)
                    if "Traceback" in text:
                        tally.failures.append(f"{who} {label} {url}: traceback shown")


def test_no_post_route_answers_hostile_input_with_a_server_error(
    migrated_database: str, cleanup: None, tmp_path: Path
) -> None:
    tally = Tally()
    real = fuzz_app(migrated_database, tmp_path, csrf=True)
    open_forms = fuzz_app(migrated_database, tmp_path, csrf=False)
    make_places(real)

    fuzz(real.test_client(), real, "stranger (CSRF on)", tally, seed=1)
    carer = open_forms.test_client()
    start_open_link(carer)
    fuzz(carer, open_forms, "carer mid-survey (CSRF off)", tally, seed=2)
    admin = add_staff(real, "admin", "fuzz.admin@example.nhs.uk")
    staff = real.test_client()
    sign_in(staff, admin)
    # Signed in with a real session, then the same cookie against the CSRF-off app.
    staff_open = open_forms.test_client()
    staff_open.set_cookie("session", staff.get_cookie("session").value)  # type: ignore[union-attr]
    fuzz(staff_open, open_forms, "admin (CSRF off)", tally, seed=3, signed_in=True)
    fuzz(staff, real, "admin (CSRF on)", tally, seed=4, signed_in=True)
    staff.post("/logout", data={"csrf_token": "forged"})

    print(f"\nform fuzz: {tally.requests} requests, statuses {sorted(tally.statuses.items())}")
    for who, statuses in tally.by_who.items():
        print(f"  {who}: {sorted(statuses.items())}; to sign-in: {tally.to_login.get(who, 0)}")
    assert not tally.failures, "\n".join(tally.failures[:40])


def test_signed_twilio_webhooks_with_hostile_fields_never_fail(
    migrated_database: str, cleanup: None
) -> None:
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": migrated_database,
            "SMS_BACKEND": "twilio",
            "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
            "TWILIO_AUTH_TOKEN": "fuzz-token",
            "TWILIO_FROM_NUMBER": "+447400123456",
            "PUBLIC_BASE_URL": "https://survey.example.nhs.uk",
        },
    )
    make_places(app)
    client = app.test_client()
    tally = Tally()
    chooser = random.Random(5)
    names = ["MessageSid", "AccountSid", "From", "To", "Body", "NumMedia", "MessageStatus",
             "ErrorCode", "SmsSid", "OptOutType"]  # fmt: skip
    for path in ("/sms/inbound", "/sms/status", "/sms/status?o=1", "/sms/status?o=-1%00"):
        for _ in range(60):
            params = {n: chooser.choice(HOSTILE)[:2000] for n in names if chooser.random() < 0.8}
            # Mostly well-formed ids, so the hostile body and status reach the conversation.
            if chooser.random() < 0.8:
                params["MessageSid"] = new_message_sid()
                params["AccountSid"] = "AC" + "0" * 32
                params["To"] = "+447400123456"
            if chooser.random() < 0.7:
                params["From"] = chooser.choice(["+447911123456", "07911 123456", "+1"])
            try:
                reply = signed_post(client, path, params, token="fuzz-token")
            except Exception as problem:  # noqa: BLE001
                tally.record("twilio", "signed", path, None, f"{type(problem).__name__}")
                continue
            tally.record("twilio", "signed", path, reply.status_code)
    print(f"\nwebhook fuzz: {tally.requests} requests, statuses {sorted(tally.statuses.items())}")
    assert not tally.failures, "\n".join(tally.failures[:40])


def test_an_id_beyond_the_database_integer_range_matches_no_route(app: Flask) -> None:
    # PostgreSQL refused 2147483648 in an INTEGER comparison, and the query failed with a 500.
    urls = app.url_map.bind("localhost")
    with pytest.raises(NotFound):
        urls.match("/admin/users/2147483648/reset-link", method="POST")
    assert urls.match("/admin/users/2147483647/reset-link", method="POST")[1] == {
        "user_id": 2147483647
    }
