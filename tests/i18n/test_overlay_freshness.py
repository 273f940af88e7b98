"""The overlay's version is read at most once a second; a translator's own save shows at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.i18n import overlay
from app.i18n.po_files import CatalogueFiles
from tests.i18n.test_served_overlay import heading, in_app


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The overlay's clock, moved only by the test (no timing in tests)."""
    now = [1000.0]
    monkeypatch.setattr(overlay, "monotonic", lambda: now[0])
    return now


def test_a_save_in_this_worker_is_on_the_next_page_at_once(
    app: Flask, client: FlaskClient, translations_dir: Path, clock: list[float]
) -> None:
    app.config["TRANSLATIONS_SERVE_DRAFTS"] = True
    files = CatalogueFiles(translations_dir)
    assert heading(client) == "Carer Voices"
    in_app(app, files, "Głosy opiekunów")
    assert heading(client) == "Głosy opiekunów"  # the clock has not moved
    in_app(app, files, "Głosy Opiekunów")
    assert heading(client) == "Głosy Opiekunów"


def test_a_save_in_another_worker_shows_within_a_second(
    app: Flask,
    client: FlaskClient,
    translations_dir: Path,
    clock: list[float],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Saves this worker does not count are another worker's.
    monkeypatch.setattr(overlay, "local_changes", lambda: 0)
    app.config["TRANSLATIONS_SERVE_DRAFTS"] = True
    files = CatalogueFiles(translations_dir)
    assert heading(client) == "Carer Voices"
    in_app(app, files, "Głosy opiekunów")
    clock[0] += overlay.VERSION_CHECK_SECONDS / 2
    assert heading(client) == "Carer Voices"  # the version read half a second ago still holds
    clock[0] += overlay.VERSION_CHECK_SECONDS / 2
    assert heading(client) == "Głosy opiekunów"
