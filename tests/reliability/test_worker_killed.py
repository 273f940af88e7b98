"""A web worker killed (SIGKILL) in the middle of saving a page leaves no partial page behind.

Real gunicorn on 127.0.0.1 over the suite's database (SQLite file, or PostgreSQL when
DATABASE_URL says so); the save is held open just before COMMIT by a test-only hook
(tests/reliability/held_save_wsgi.py) and its worker is killed there.
"""

from __future__ import annotations

import os
import secrets
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask

from app.extensions import db
from app.services import areas as area_service
from bench.load_harness import HOST, Server
from tests.page_checks import SurveyWalker
from tests.reliability.conftest import integrity, sqlite_path
from tests.reliability.http_walker import http_walker
from tests.survey.test_bad_input import walk_to
from tests.survey.test_journey import answers_in, start_open_link

AREA = "north-riverside"
DIGNITY = {"hospital.doctors.dignity": "always", "hospital.nurses.dignity": "most"}


@pytest.fixture
def server(app: Flask, migrated_database: str, tmp_path: Path) -> Iterator[Server]:
    with app.app_context():
        area_service.add_area(db.session(), AREA, "North Riverside ICB")
    env = dict(os.environ)
    env.update(
        DATABASE_URL=migrated_database,
        SECRET_KEY=secrets.token_hex(32),
        CARER_VOICES_ENV="development",
        FAULT_DIR=str(tmp_path),
    )
    env.pop("FLASK_DEBUG", None)
    gunicorn = Server("faults", "tests.reliability.held_save_wsgi:app", env, tmp_path)
    try:
        gunicorn.wait_ready(f"/a/{AREA}")
        yield gunicorn
    finally:
        gunicorn.stop()


def kill_the_worker_mid_save(walker: SurveyWalker, values: dict[str, str], fault_dir: Path) -> int:
    """Post the page; when its worker is held inside the transaction, SIGKILL it."""
    (fault_dir / "hold-next-save").touch()
    outcome: list[BaseException | None] = []

    def post() -> None:
        try:
            walker.submit(values)
            outcome.append(None)
        except BaseException as problem:  # noqa: BLE001  (inspected below)
            outcome.append(problem)

    poster = threading.Thread(target=post)
    poster.start()
    held = fault_dir / "held"
    deadline = time.monotonic() + 15
    while not held.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    (fault_dir / "hold-next-save").unlink()
    assert held.exists(), "the save never reached the hold point"
    time.sleep(0.05)  # the pid is written before the file is closed
    pid = int(held.read_text())
    held.unlink()
    os.kill(pid, signal.SIGKILL)
    poster.join(15)
    assert len(outcome) == 1 and isinstance(outcome[0], requests.ConnectionError), outcome
    return pid


def test_a_worker_killed_mid_save_leaves_no_partial_page_and_the_carer_resumes(
    app: Flask, migrated_database: str, server: Server, tmp_path: Path
) -> None:
    walker = http_walker(f"http://{HOST}:{server.port}")
    walker = start_open_link(walker.client, AREA)  # type: ignore[arg-type]
    walker.submit({"about.relationship": "child"})
    walk_to(walker, "hospital-any-time")
    walker.submit({"hospital.any_time": "yes"})
    assert walker.page_id == "hospital-dignity"
    before = answers_in(app)

    killed = kill_the_worker_mid_save(walker, DIGNITY, tmp_path)
    assert killed != server.proc.pid, "a worker was killed, not the master"

    after_kill = answers_in(app)
    assert after_kill == before, "all of the page or none of it: here, none"
    assert not set(DIGNITY) & set(after_kill)
    path = sqlite_path(migrated_database)
    if path is not None:
        assert integrity(path) == "ok"

    # The same browser (same session cookie) carries on: the master has replaced the worker.
    walker.get("/survey/q/hospital-dignity")
    walker.submit(DIGNITY)
    assert walker.page_id != "hospital-dignity"
    stored = answers_in(app)
    assert {item: stored[item] for item in DIGNITY} == DIGNITY
    assert {k: v for k, v in stored.items() if k not in DIGNITY} == before
    if path is not None:
        assert integrity(path) == "ok"
