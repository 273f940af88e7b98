"""The co-design journey in pages: a group proposes, the commissioner reviews and publishes."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from app.extensions import db
from app.models import LocalQuestion, PublishedQuestionnaire, Response
from tests.auth.staff_helpers import Staff, add_staff, csrf_token, make_places, make_staff, sign_in
from tests.page_checks import parse_page

QUESTION = "Did staff respect {person}'s wish to have a priest visit?"
SMS = "Did staff respect {person}'s wish for a priest? 1 Yes 2 No 3 Don't know"


@pytest.fixture
def staff(app: Flask) -> dict[str, Staff]:
    make_places(app)
    people = make_staff(app)
    people["vale_facilitator"] = add_staff(
        app, "group_facilitator", "vic@example.org", group="vale-carers"
    )
    people["vale_commissioner"] = add_staff(
        app, "commissioner", "sol@example.nhs.uk", area="south-vale"
    )
    return people


def signed_in(app: Flask, person: Staff) -> FlaskClient:
    client = app.test_client()
    sign_in(client, person)
    return client


def post(client: FlaskClient, path: str, form_page: str, **data: str | list[str]) -> TestResponse:
    return client.post(path, data={"csrf_token": csrf_token(client, form_page), **data})


def propose(fay: FlaskClient, **changes: str) -> int:
    form = {
        "question_type": "yes_no",
        "text": QUESTION,
        "hint": "",
        "options": "",
        "sms_text": SMS,
        "reason": "Polish families told us priests were turned away at night.",
        **changes,
    }
    response = post(fay, "/codesign/questions/new", "/codesign/questions/new", **form)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    found = re.search(r"/codesign/questions/(\d+)$", response.headers["Location"])
    assert found
    return int(found.group(1))


def test_the_whole_workflow_by_role(app: Flask, staff: dict[str, Staff]) -> None:
    fay = signed_in(app, staff["group_facilitator"])
    cora = signed_in(app, staff["commissioner"])

    form = parse_page(fay.get("/codesign/questions/new"))
    assert form.find(id="sms_text-segments") is not None  # the live count's place
    question_id = propose(fay)
    page = f"/codesign/questions/{question_id}"
    post(fay, f"{page}/submit", page)

    review = parse_page(cora.get(page))
    assert review.find("input", attrs={"name": "decision", "value": "approve"})
    post(cora, f"{page}/review", page, decision="request_changes", reason="Say 'at night' too.")

    home = parse_page(fay.get("/staff"))
    badge = home.find(id="unread-notifications")
    assert badge is not None and "1" in badge.get_text()
    notes = parse_page(fay.get("/codesign/notifications")).get_text()
    assert "Changes were requested to your question" in notes
    assert parse_page(fay.get("/staff")).find(id="unread-notifications") is None

    revised = QUESTION.replace("visit?", "visit, day or night?")
    edit = f"{page}/edit"
    answer = post(
        fay,
        edit,
        edit,
        question_type="yes_no",
        text=revised,
        sms_text=SMS,
        reason="Polish families told us priests were turned away at night.",
        why="Added day or night, as asked.",
    )
    assert answer.status_code == 302
    post(fay, f"{page}/submit", page)
    post(cora, f"{page}/review", page, decision="approve", reason="")

    trail = parse_page(cora.get(page)).get_text(" ")
    assert "Added day or night, as asked." in trail
    assert QUESTION in trail and revised in trail  # the field diff: was ... now ...

    area_page = "/codesign/areas/north-riverside"
    published = post(cora, f"{area_page}/publish", area_page)
    assert published.status_code == 302
    versions = parse_page(cora.get(area_page))
    assert "voices-core-north-riverside v1" in versions.get_text()

    preview = parse_page(cora.get(f"{area_page}/versions/1/preview"))
    frame = preview.select_one(".cv-preview-frame")
    assert frame is not None and "day or night" in frame.get_text()
    assert preview.select_one(".cv-preview-frame form") is None  # nothing to post, nothing saved
    bubble = preview.select_one(".cv-sms-bubble")
    assert bubble is not None and "1 text message" in bubble.get_text()
    # Another area's commissioner cannot read the published version: 404, as if absent.
    sol = signed_in(app, staff["vale_commissioner"])
    assert sol.get(f"{area_page}/versions/1/preview").status_code == 404

    carer = app.test_client()
    carer.get("/a/north-riverside")
    start = carer.post(
        "/a/north-riverside/start", data={"csrf_token": csrf_token(carer, "/a/north-riverside")}
    )
    assert start.status_code == 302
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert response.questionnaire_id == "voices-core-north-riverside"


def test_a_bad_proposal_is_shown_again_with_kind_errors(
    app: Flask, staff: dict[str, Staff]
) -> None:
    fay = signed_in(app, staff["group_facilitator"])
    path = "/codesign/questions/new"
    answer = post(fay, path, path, question_type="single", text="", options="Only one")
    assert answer.status_code == 400
    page = parse_page(answer)
    summary = page.select_one(".nhsuk-error-summary")
    assert summary is not None
    assert "Give between 2 and 12 answers" in summary.get_text()
    with app.app_context():
        assert db.session.scalars(select(LocalQuestion)).all() == []


def test_other_groups_and_other_areas_get_404(app: Flask, staff: dict[str, Staff]) -> None:
    fay = signed_in(app, staff["group_facilitator"])
    question_id = propose(fay)
    page = f"/codesign/questions/{question_id}"
    vic = signed_in(app, staff["vale_facilitator"])
    sol = signed_in(app, staff["vale_commissioner"])
    for client in (vic, sol):
        assert client.get(page).status_code == 404
        assert client.get(f"{page}/preview").status_code == 404
        assert post(client, f"{page}/comment", "/staff", comment="hello").status_code == 404
    assert vic.get(f"{page}/edit").status_code == 404
    assert post(vic, f"{page}/submit", "/staff").status_code == 404
    assert post(sol, f"{page}/review", "/staff", decision="approve").status_code == 404
    assert sol.get("/codesign/areas/north-riverside").status_code == 404
    assert post(sol, "/codesign/areas/north-riverside/publish", "/staff").status_code == 404
    assert vic.get("/codesign/groups/polish-community/invite").status_code == 404
    # A facilitator has no review or publishing pages at all, even for their own area.
    assert fay.get("/codesign/areas/north-riverside").status_code == 403
    assert post(fay, f"{page}/review", page, decision="approve").status_code == 403
    with app.app_context():
        stored = db.session.get(LocalQuestion, question_id)
        assert stored is not None and stored.status == "draft"
        assert db.session.scalars(select(PublishedQuestionnaire)).all() == []


def test_a_facilitator_cannot_write_a_core_item(app: Flask, staff: dict[str, Staff]) -> None:
    fay = signed_in(app, staff["group_facilitator"])
    question_id = propose(fay, text="overall.rating")
    with app.app_context():
        stored = db.session.get(LocalQuestion, question_id)
        assert stored is not None
    assert stored.item_id.startswith("local.")  # whatever is typed, it is a new local item


def test_the_group_invitation_page_has_the_groups_link_a_qr_code_and_counts(
    app: Flask, staff: dict[str, Staff]
) -> None:
    fay = signed_in(app, staff["group_facilitator"])
    page = parse_page(fay.get("/codesign/groups/polish-community/invite"))
    link = page.select_one(".cv-link")
    assert link is not None
    assert link.get_text(strip=True).endswith("/a/north-riverside?group=polish-community")
    assert page.select_one(".cv-qr svg path") is not None
    counts = fay.get("/codesign/groups/polish-community/counts.json").get_json()
    assert counts == {"started": 0, "sent": 0}


def test_the_question_bank_offers_approved_questions_from_any_area(
    app: Flask, staff: dict[str, Staff]
) -> None:
    fay = signed_in(app, staff["group_facilitator"])
    cora = signed_in(app, staff["commissioner"])
    question_id = propose(fay)
    page = f"/codesign/questions/{question_id}"
    post(fay, f"{page}/submit", page)
    post(cora, f"{page}/review", page, decision="approve")
    vic = signed_in(app, staff["vale_facilitator"])
    bank = parse_page(vic.get("/codesign/bank?q=priest"))
    start = bank.find("a", href=f"/codesign/questions/new?from={question_id}")
    assert start is not None
    copy = parse_page(vic.get(f"/codesign/questions/new?from={question_id}"))
    text = copy.find("textarea", attrs={"name": "text"})
    assert text is not None and text.get_text() == QUESTION
    assert (
        parse_page(vic.get("/codesign/bank?q=zebra")).find(
            "a", href=f"/codesign/questions/new?from={question_id}"
        )
        is None
    )
