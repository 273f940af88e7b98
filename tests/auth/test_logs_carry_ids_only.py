"""A whole journey with canary strings: none of them may appear in any log record."""

from __future__ import annotations

import logging
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import Area
from app.services import invitations as invitation_service
from app.services.contacts import new_contact
from app.services.encryption import contact_cipher
from tests.auth.staff_helpers import (
    make_places,
    make_staff,
    post_password,
    sign_in,
)
from tests.page_checks import SurveyWalker
from tests.survey.test_journey import answer_for

CANARY_NAME = "Canarymum Zqxwv"
CANARY_TEXT = "canary-free-text-7Hq2"
CANARY_PHONE = "+447700900461"
CANARY_EMAIL = "canary.carer@example.com"
CANARY_PASSWORD = "canary-password-guess-93"
CODE = re.compile(r"\b([0-9A-Z]{5}-[0-9A-Z]{5})\b")


def answer_every_page(walker: SurveyWalker) -> None:
    """Answer each page, writing the canary into every free-text box."""
    while walker.page_id:
        assert walker.soup is not None
        values: dict[str, str | list[str]] = {}
        for name in walker.field_names():
            free_text = walker.soup.select(
                f'main textarea[name="{name}"], main input[name="{name}"][type=text]'
            )
            if free_text:
                values[name] = CANARY_TEXT
                continue
            answer = answer_for(walker, name)
            values[name] = answer if answer is not None else ""
        walker.submit(values)


def test_no_answer_name_phone_code_token_or_password_reaches_the_logs(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    @app.get("/canary-fault")
    def canary_fault() -> str:
        raise ValueError(f"could not store {CANARY_TEXT} for {CANARY_PHONE}")

    make_places(app)
    staff = make_staff(app)
    secrets_seen: list[str] = [
        CANARY_NAME,
        CANARY_TEXT,
        CANARY_PHONE,
        CANARY_EMAIL,
        CANARY_PASSWORD,
        staff["admin"].password,
    ]

    # A carer invited by text opens their personal link, answers, saves, resumes and sends.
    with app.app_context():
        area = db.session.scalar(db.select(Area).where(Area.slug == "north-riverside"))
        assert area is not None
        issued = invitation_service.create_invitation(
            db.session(), area=area, questionnaire_id="voices-core"
        )
        db.session.add(
            new_contact(
                contact_cipher(app.config),
                issued.invitation,
                phone=CANARY_PHONE,
                email=CANARY_EMAIL,
                person_name=CANARY_NAME,
                link_token=issued.token,
            )
        )
        db.session.commit()
        token = issued.token
    secrets_seen.append(token)
    walker = SurveyWalker(client)
    walker.get(f"/s/{token}")
    assert walker.path == "/survey/welcome"
    walker.get("/survey/consent")
    walker.submit({"consent": "yes"})
    walker.submit({"person_name": CANARY_NAME})
    saved = walker.submit(button_value="save_and_exit")
    resume_code = CODE.search(saved.get_text(" "))
    assert resume_code
    secrets_seen.append(resume_code.group(1))
    walker.get("/resume")
    walker.submit({"resume_code": resume_code.group(1)})
    answer_every_page(walker)
    walker.submit()  # the check page: send
    assert walker.soup is not None
    withdrawal_code = CODE.search(walker.soup.get_text(" "))
    assert withdrawal_code
    secrets_seen.append(withdrawal_code.group(1))

    # Staff: someone guesses a password until throttled; an analyst downloads; the admin reads.
    intruder = app.test_client()
    for _ in range(6):
        post_password(
            intruder, staff["translator"].email, CANARY_PASSWORD, REMOTE_ADDR="198.51.100.7"
        )
    analyst = app.test_client()
    sign_in(analyst, staff["analyst"])
    download = analyst.get("/exports/responses.csv")
    assert CANARY_TEXT in download.get_data(as_text=True)
    admin = app.test_client()
    sign_in(admin, staff["admin"])
    assert admin.get("/admin/audit").status_code == 200

    # A fault while handling an answer: the error page and log name the type and an id only.
    assert app.test_client().get("/canary-fault").status_code == 500

    # The carer then withdraws with the code, and the retention purge runs.
    later = SurveyWalker(app.test_client())
    later.get("/withdraw")
    later.submit({"code": withdrawal_code.group(1)})
    later.submit()
    assert later.path == "/withdraw/done"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["retention", "purge", "--days", "0"]).exit_code == 0

    assert caplog.records, "the journey logs something, so the check means something"
    logged = "\n".join(
        [caplog.text]
        + [f"{r.name} {r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records]
    )
    leaked = [secret for secret in secrets_seen if secret in logged]
    leaked += [s for s in secrets_seen if s.replace("-", "") in logged.replace("-", "")]
    assert not leaked, f"personal data in logs: {sorted(set(leaked))}"
