"""PostgreSQL restarted under load: kind 503s, nothing committed lost, recovery by itself.

While the server is down carers get a kind 503 page; once it is back gunicorn recovers on its
own (pool pre-ping). Runs in CI's PostgreSQL pass (DATABASE_URL=postgresql...), against a
private throwaway server the test may stop and start: CI's own server is shared by the suite.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from flask_migrate import upgrade
from sqlalchemy import select

from app.extensions import db
from app.models import Answer
from app.services import areas as area_service
from bench.load_harness import HOST, Server
from tests.conftest import make_app
from tests.page_checks import SurveyWalker
from tests.reliability.http_walker import http_walker
from tests.reliability.private_postgres import PrivatePostgres, unavailable_reason
from tests.survey.test_bad_input import walk_to
from tests.survey.test_journey import start_open_link

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
    reason="PostgreSQL restart: runs in the PostgreSQL pass (DATABASE_URL=postgresql...)",
)

AREA = "north-riverside"
PAGE = "overall-good"
ITEM = "overall.good"
CARERS = 4


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    server = PrivatePostgres()
    try:
        server.start()
        yield server
    finally:
        server.remove()


@dataclass
class Carer:
    """One carer saving their comment again and again; every reply is recorded."""

    number: int
    walker: SurveyWalker
    base_url: str
    replies: list[tuple[int, int | str]] = field(default_factory=list)  # (attempt, status)

    def text(self, attempt: int) -> str:
        return f"carer {self.number} attempt {attempt}"

    def save(self, attempt: int) -> None:
        assert self.walker.soup is not None
        csrf = self.walker.soup.find("input", attrs={"name": "csrf_token"})
        form = {"csrf_token": csrf["value"], "page_id": PAGE, ITEM: self.text(attempt)}
        session: requests.Session = self.walker.client.session  # type: ignore[attr-defined]
        try:
            reply = session.post(
                f"{self.base_url}/survey/q/{PAGE}", data=form, allow_redirects=False, timeout=10
            )
        except requests.RequestException as problem:
            self.replies.append((attempt, type(problem).__name__))
            return
        if reply.status_code == 503:
            assert "Nothing you saved before is lost" in reply.text
            assert "Traceback" not in reply.text
        self.replies.append((attempt, reply.status_code))

    def last_acknowledged(self) -> int:
        return max((a for a, status in self.replies if status == 302), default=0)


def stored_attempts(url: str) -> dict[int, int]:
    """Carer number -> the attempt number of the comment the database holds."""
    app = make_app(url)
    with app.app_context():
        values = db.session.scalars(select(Answer.value).where(Answer.item_id == ITEM)).all()
        db.engine.dispose()
    held = {}
    for value in values:
        _, carer, _, attempt = str(value).split()
        held[int(carer)] = int(attempt)
    return held


def test_a_postgresql_restart_under_load_loses_nothing_and_recovers_by_itself(
    postgres: PrivatePostgres, tmp_path: Path
) -> None:
    app = make_app(postgres.url)
    with app.app_context():
        upgrade()
        area_service.add_area(db.session(), AREA, "North Riverside ICB")
        db.engine.dispose()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=postgres.url, SECRET_KEY=secrets.token_hex(32), CARER_VOICES_ENV="development"
    )
    env.pop("FLASK_DEBUG", None)
    server = Server("pg-restart", "wsgi:app", env, tmp_path)
    try:
        server.wait_ready(f"/a/{AREA}")
        base = f"http://{HOST}:{server.port}"
        carers = []
        for number in range(CARERS):
            walker = start_open_link(http_walker(base).client, AREA)  # type: ignore[arg-type]
            walk_to(walker, PAGE)
            carers.append(Carer(number, walker, base))

        running = threading.Event()
        finished = threading.Event()

        def load(carer: Carer) -> None:
            attempt = 0
            while not finished.is_set():
                if not running.wait(0.05):
                    continue
                attempt += 1
                carer.save(attempt)
                time.sleep(0.01)

        threads = [threading.Thread(target=load, args=(c,), daemon=True) for c in carers]
        for thread in threads:
            thread.start()
        running.set()
        time.sleep(1.5)
        postgres.stop()  # while saves are in flight
        time.sleep(1.5)
        running.clear()
        time.sleep(0.3)  # let requests in flight finish
        during_outage = [status for c in carers for _, status in c.replies]
        postgres.start()

        # Nothing acknowledged before or during the outage was lost in the restart.
        held = stored_attempts(postgres.url)
        for carer in carers:
            assert held[carer.number] >= carer.last_acknowledged() > 0

        replies_before_restart = {c.number: len(c.replies) for c in carers}
        running.set()
        time.sleep(2.0)
        finished.set()
        for thread in threads:
            thread.join(15)
        held = stored_attempts(postgres.url)
    finally:
        server.stop()

    statuses = [status for c in carers for _, status in c.replies]
    # Figures for docs/reliability.md (pytest -s shows them).
    print(f"\nsaves: {len(statuses)}; 302: {statuses.count(302)}; 503: {statuses.count(503)}")
    assert set(statuses) <= {302, 503}, sorted({str(s) for s in statuses})
    assert 503 in during_outage, "requests during the outage got the kind 503 page"
    for carer in carers:
        # Recovered without anyone restarting gunicorn: every save after the restart worked.
        after = [status for _, status in carer.replies[replies_before_restart[carer.number] :]]
        assert after and set(after) == {302}, after
        assert held[carer.number] == carer.last_acknowledged() == carer.replies[-1][0]
