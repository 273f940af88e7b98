"""The mixed load's set-up: a migrated database with invited carers, and carers walking in."""

from __future__ import annotations

import base64
import csv
import json
import os
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.load_harness import (
    CLI_TIMEOUT_S,
    ROOT,
    production_sms_env,
)
from bench.load_ledger import Ledger
from bench.sms_webhook import PUBLIC_BASE_URL, raw_inbound
from bench.web_survey import Browser

AREA_NAME = "Mixed load area"
# The walk each web carer takes before the load (answers included in the ledger).
JOURNEY = (
    ("about-relationship", "about.relationship", "child"),
    ("about-age", "about.age_band", "75_84"),
    ("about-sex", "about.sex", "female"),
    ("about-illness", "about.cause_group", "cancer"),
    ("about-place-of-death", "about.place_of_death", "hospital"),
    ("about-ethnicity", "about.ethnicity", "white"),
    ("about-religion", "about.religion", "none"),
)


SMS_FIRST_ITEM = "overall.rating"  # what each SMS carer answers, goes back to, answers again


# ----------------------------------------------------------------------------- set-up


def decode_session_cookie(cookie: str) -> dict[str, Any]:
    """The (signed, not encrypted) Flask session payload, read without checking the signature."""
    compressed = cookie.startswith(".")
    payload = cookie.lstrip(".").split(".", 1)[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    data = json.loads(zlib.decompress(raw) if compressed else raw)
    if not isinstance(data, dict):
        raise ValueError("session cookie is not a JSON object")
    return data


def phone(run_tag: int, n: int) -> str:
    # A valid UK mobile range; the tag keeps numbers apart between runs on one PostgreSQL.
    return f"+4479111{run_tag * 1000 + n:05d}"


def database_url(tmp: Path) -> str:
    """SQLite in the temporary folder, unless DATABASE_URL names a PostgreSQL database."""
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgresql", "postgres")):
        return given
    return f"sqlite:///{tmp / 'mixed.db'}"


def prepare(tmp: Path, slug: str, phones: list[str]) -> dict[str, str]:
    """Migrate, add the area and invite the SMS carers, all through the app's own CLI."""
    env = production_sms_env(database_url(tmp), PUBLIC_BASE_URL)
    listing = tmp / "invitations.csv"
    with listing.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["phone", "area", "community_group", "language"])
        for number in phones:
            writer.writerow([number, slug, "", "en"])
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for args in (
        ["db", "upgrade"],
        ["areas", "add", slug, AREA_NAME],
        ["invitations", "import", str(listing)],
    ):
        done = subprocess.run(
            flask + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=CLI_TIMEOUT_S
        )
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return env


# ----------------------------------------------------------------------------- carers and ledger


@dataclass
class WebCarer:
    browser: Browser
    response_id: str
    next_after: dict[str, str]  # page -> where a good save redirects
    turn: int = 0


@dataclass
class SmsCarer:
    number: str
    turn: int = 0


def walk_in(port: int, slug: str, ledger: Ledger) -> WebCarer:
    """One carer: open link, start, consent, no name, then the journey's pages, each saved."""
    b = Browser(port)
    b.expect("GET", f"/a/{slug}", 200)
    b.expect("POST", f"/a/{slug}/start", 302, {"group": ""}, "/survey/consent")
    b.expect("GET", "/survey/consent", 200)
    b.expect("POST", "/survey/consent", 302, {"consent": "yes"}, "/survey/person")
    b.expect("GET", "/survey/person", 200)
    b.expect("POST", "/survey/person", 302, {"person_name": ""}, "/survey/q/about-relationship")
    response_id = str(decode_session_cookie(b.cookie)["response_id"])
    next_after: dict[str, str] = {}
    for page_id, item, value in JOURNEY:
        page = b.expect("GET", f"/survey/q/{page_id}", 200)
        if f'name="{item}"' not in page:
            raise RuntimeError(f"journey: /survey/q/{page_id} does not show {item}")
        form = {"csrf_token": b.csrf, "page_id": page_id, item: value}
        status, where, _ = b.request("POST", f"/survey/q/{page_id}", form)
        if status != 302:
            raise RuntimeError(f"journey: POST /survey/q/{page_id} gave {status}")
        next_after[page_id] = where.split("://", 1)[-1].split("/", 1)[-1]
        ledger.web[(response_id, item)] = value
    return WebCarer(b, response_id, next_after)


def text_in(port: int, token: str, carer: SmsCarer, body: str) -> tuple[str, bytes]:
    """One signed inbound text: the MessageSid and the raw request."""
    payload = raw_inbound(port, token, carer.number, body, forged=False)
    sid = payload.split(b"MessageSid=", 1)[1].split(b"&", 1)[0].decode("ascii")
    return sid, payload


def sms_option_codes() -> tuple[str, ...]:
    """The stored codes of the first SMS question's options 1, 2, ... (as "1" and "2" mean)."""
    from app.questionnaire import QuestionnaireLibrary

    questionnaire = QuestionnaireLibrary(ROOT / "questionnaires").get("voices-core")
    return tuple(questionnaire.item(SMS_FIRST_ITEM).option_codes)
