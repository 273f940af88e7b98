"""The method note is one public page that every report links to."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from app.main.methodology import METHODOLOGY_FILE
from tests.page_checks import parse_page


def test_the_method_note_is_served_whole_as_a_page(client: FlaskClient) -> None:
    response = client.get("/methodology")
    assert response.status_code == 200
    page = parse_page(response)
    note = page.select_one(".cv-methodology")
    assert note is not None and note.get("lang") == "en"
    headings = [h.get_text().strip() for h in note.select("h1, h2")]
    written = re.findall(r"^#{1,2} (.+)$", METHODOLOGY_FILE.read_text(encoding="utf-8"), re.M)
    # Every heading of the note reaches the page, in order: nothing is cut or reordered.
    assert headings == [re.sub(r"[*`]", "", h).strip() for h in written]
    # Tables are real tables, not pipes in a paragraph.
    assert note.select("table th") and "|---" not in note.get_text()
    assert "Wilson" in note.get_text(" ")


def test_the_note_carries_no_inline_html_or_script() -> None:
    # Trusted Markdown still must not smuggle HTML past the content security policy.
    assert not re.search(r"<\s*[a-zA-Z/!]", METHODOLOGY_FILE.read_text(encoding="utf-8"))


def test_the_method_note_needs_no_account_and_carries_the_headers(client: FlaskClient) -> None:
    response = client.get("/methodology")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
