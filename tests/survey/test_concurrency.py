"""Many carers saving at once: no "database is locked", no lost or duplicated answers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.models import Answer, Response
from app.services import areas as area_service
from tests.page_checks import SurveyWalker
from tests.survey.test_journey import start_open_link

CARERS = 6
PAGES_EACH = 8


def test_carers_saving_pages_at_the_same_time_all_succeed(app: Flask) -> None:
    with app.app_context():
        area_service.add_area(db.session(), "north-riverside", "North Riverside ICB")

    def one_carer(_index: int) -> int:
        walker: SurveyWalker = start_open_link(app.test_client())
        for _ in range(PAGES_EACH):
            walker.submit()  # every page saved as seen-but-skipped; each is a write transaction
        return len(walker.visited)

    with ThreadPoolExecutor(max_workers=CARERS) as pool:
        visited = list(pool.map(one_carer, range(CARERS)))

    assert all(count >= PAGES_EACH for count in visited)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == CARERS
        per_response = db.session.execute(
            select(Answer.response_id, func.count()).group_by(Answer.response_id)
        ).all()
    assert len(per_response) == CARERS
    assert {n for _, n in per_response} == {PAGES_EACH}
