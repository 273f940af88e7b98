"""Public pages, the health check, and the headers every response carries."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.page_checks import parse_page

EXPECTED_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def test_health_check_reports_the_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_check_fails_when_the_database_is_unreachable(tmp_path: Path) -> None:
    from tests.conftest import make_app

    unreachable = tmp_path / "missing-folder" / "nested" / "db.sqlite"
    app = make_app(f"sqlite:///{unreachable}")
    unreachable.parent.rmdir()  # the app made the folder; take it away again
    response = app.test_client().get("/healthz")
    assert response.status_code == 503


@pytest.mark.parametrize("path", ["/", "/support", "/resume", "/s/unknown-token", "/healthz"])
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["Content-Security-Policy"] == EXPECTED_CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/", "/support", "/resume"])
def test_public_pages_signpost_support(client: FlaskClient, path: str) -> None:
    soup = parse_page(client.get(path))
    assert "Samaritans" in soup.get_text(" ")


def test_a_server_error_shows_an_error_id_and_no_details(app: Flask) -> None:
    @app.get("/boom-for-test")
    def boom() -> str:
        raise RuntimeError("secret answer text must not leak")

    response = app.test_client().get("/boom-for-test")
    assert response.status_code == 500
    text = parse_page(response).get_text(" ")
    assert "secret answer text" not in text
    assert "quote error" in text
    assert response.headers["Content-Security-Policy"] == EXPECTED_CSP


def test_an_over_large_post_is_refused_kindly(client: FlaskClient) -> None:
    response = client.post("/resume", data={"resume_code": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too much" in parse_page(response).get_text(" ").lower()
