"""Response rates by the channel invitations went out on, overall and per channel, controlled."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from analysis.report.model import SUPPRESSED, ReportPeriod, ReportScope
from app.extensions import db
from app.models import Answer, Area, Invitation, Response
from app.services import reporting
from app.survey.context import default_questionnaire
from tests.auth.staff_helpers import Staff, make_places, make_staff, sign_in
from tests.page_checks import parse_page

NORTH = "north-riverside"
# channel -> (invitations made, responses that came back)
INVITED = {"sms": (40, 20), "letter": (15, 3), "email": (6, 6)}


def invite_and_answer(app: Flask) -> None:
    with app.app_context():
        session = db.session()
        area_id = session.scalar(select(Area.id).where(Area.slug == NORTH))
        moment = datetime(2026, 5, 1, 12, 0)
        for channel, (invited, answered) in INVITED.items():
            for number in range(invited):
                invitation = Invitation(
                    token_hash=uuid.uuid4().hex + uuid.uuid4().hex,
                    area_id=area_id,
                    language="en",
                    channel=channel,
                    questionnaire_id="voices-core",
                    created_at=moment,
                )
                session.add(invitation)
                session.flush()
                if number >= answered:
                    continue
                response = Response(
                    response_id=str(uuid.uuid4()),
                    questionnaire_id="voices-core",
                    questionnaire_version=1,
                    channel="web",
                    language="en",
                    status="submitted",
                    area_id=area_id,
                    invitation_id=invitation.id,
                    started_at=moment,
                    updated_at=moment,
                    submitted_at=moment,
                )
                session.add(response)
                session.flush()
                session.add(Answer(response_id=response.id, item_id="overall.rating", value="good"))
        session.commit()
        reporting.clear_caches()


@pytest.fixture
def staff(app: Flask) -> dict[str, Staff]:
    make_places(app)
    people = make_staff(app)
    invite_and_answer(app)
    return people


def test_rates_by_channel_sit_beside_the_overall_rate_with_disclosure_control(
    app: Flask, client: FlaskClient, staff: dict[str, Staff]
) -> None:
    with app.app_context(), app.test_request_context("/"):
        model = reporting.build_or_cached_report(
            db.session(),
            default_questionnaire(),
            ReportScope("area", NORTH, "North"),
            ReportPeriod(),
            questionnaires_dir=app.config["QUESTIONNAIRES_DIR"],
            published_path=app.config["VOICES_REFERENCE_CSV"],
        )
    rates = {
        (record["breakdown"], record["group"]): record
        for record in model.table("response_rates").records()
    }
    overall = rates[("all", "all")]
    assert (overall["invitations"], overall["responses"]) == (60, 30)  # rounded to 5
    assert overall["response_rate"] == 47.5  # 29 of 61, from the exact counts
    sms = rates[("channel", "sms")]
    assert (sms["invitations"], sms["responses"], sms["response_rate"]) == (40, 20, 50.0)
    # 3 letters came back: the count and the rate would reveal it.
    assert rates[("channel", "letter")]["response_rate"] is SUPPRESSED
    assert rates[("channel", "letter")]["responses"] is SUPPRESSED
    # Fewer than 10 e-mails: too few to publish a rate.
    assert rates[("channel", "email")]["response_rate"] is SUPPRESSED

    sign_in(client, staff["commissioner"])
    page = parse_page(client.get(f"/reports/{NORTH}"))
    table = page.find("table", id="table-response-rates")
    lines = [
        [td.get_text(strip=True) for td in tr.find_all("td")] for tr in table.select("tbody tr")
    ]
    assert ["Channel", "Text message", "40", "20", "50"] in lines
    assert ["Channel", "Letter", "15", "[c]", "[c]"] in lines
    # Six e-mails: counts of 1 to 7 are hidden too, not only the rate.
    assert ["Channel", "E-mail", "[c]", "[c]", "[c]"] in lines
