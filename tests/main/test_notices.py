"""The organisation's own statements: shown on the public pages, checked at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from flask.testing import FlaskClient

from app import create_app
from app.main.notices import NOTICE_KEYS, NoticesFileError, load_notices
from config import ConfigurationError
from tests.conftest import DEMO_NOTICES
from tests.page_checks import parse_page

PUBLIC_PAGES = ("/privacy", "/accessibility", "/contact")


def write_notices(path: Path, **changes: object) -> Path:
    data: dict[str, object] = yaml.safe_load(DEMO_NOTICES.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_every_statement_appears_on_the_public_pages_and_nothing_is_left_to_fill_in(
    client: FlaskClient,
) -> None:
    notices = load_notices(DEMO_NOTICES)
    shown = " ".join(parse_page(client.get(path)).get_text(" ") for path in PUBLIC_PAGES)
    for key in NOTICE_KEYS:
        text, _language = notices.text(key, "en")
        assert " ".join(text.split()[:8]) in " ".join(shown.split()), key
    assert "PLACEHOLDER" not in shown and "To be completed" not in shown


def test_a_statement_translated_in_the_file_is_shown_in_the_carers_language(
    tmp_path: Path, migrated_database: str
) -> None:
    welsh = "Bwrdd Gofal Integredig Gogledd Glan-yr-afon yw rheolydd y data."
    path = write_notices(
        tmp_path / "notices.yaml",
        data_controller={"en": "North Riverside ICB is the data controller.", "cy": welsh},
    )
    app = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": migrated_database, "NOTICES_FILE": str(path)}
    )
    page = parse_page(app.test_client().get("/privacy?lang=cy"))
    [statement] = [p for p in page.select(".cv-deployment-notice") if welsh in p.get_text()]
    assert statement["lang"] == "cy"
    urdu = parse_page(app.test_client().get("/privacy?lang=ur"))
    english = [p for p in urdu.select(".cv-deployment-notice") if "data controller" in p.get_text()]
    assert english and english[0]["lang"] == "en" and english[0]["dir"] == "ltr"


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"lawful_basis": ""}, "'lawful_basis' needs English text"),
        ({"sharing": {"pl": "Tylko po polsku"}}, "'sharing' needs English text"),
        ({"colour": "blue"}, "unknown statements colour"),
    ],
)
def test_a_bad_notices_file_stops_the_app_saying_what_to_fix(
    tmp_path: Path, changes: dict[str, object], said: str
) -> None:
    path = write_notices(tmp_path / "notices.yaml", **changes)
    with pytest.raises(NoticesFileError, match=said):
        load_notices(path)
    with pytest.raises(ConfigurationError, match=said):
        create_app("testing", {"NOTICES_FILE": str(path)})
    with pytest.raises(NoticesFileError, match="not found"):
        load_notices(tmp_path / "missing.yaml")


def test_production_will_not_start_without_its_own_notices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTICES_FILE")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    with pytest.raises(ConfigurationError, match="NOTICES_FILE"):
        create_app("production")
