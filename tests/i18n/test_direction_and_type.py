"""Right-to-left pages by language code, mirrored layout, free text in its own direction."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.page_checks import SurveyWalker
from tests.survey.test_journey import start_open_link


def stylesheets(walker: SurveyWalker) -> list[str]:
    assert walker.soup is not None
    return [str(link["href"]) for link in walker.soup.select('link[rel="stylesheet"]')]


@pytest.mark.parametrize("code", ["ur", "ar"])
def test_urdu_and_arabic_pages_are_right_to_left_throughout(
    app: Flask, client: FlaskClient, area: str, code: str
) -> None:
    walker = SurveyWalker(client)
    walker.get(f"/a/{area}?lang={code}")
    walker.submit()
    walker.submit({"consent": "yes"})
    walker.submit({"person_name": "Amira"})
    for _ in range(3):  # the first question pages
        soup = walker.soup
        assert soup is not None
        assert (soup.html["lang"], soup.html["dir"]) == (code, "rtl"), walker.path
        assert any(href.endswith("css/rtl.css") for href in stylesheets(walker))
        assert soup.body is not None and f"cv-lang-{code}" in soup.body["class"]
        walker.submit()
    soup = walker.get("/survey/saved")
    code_box = soup.select_one(".cv-resume-code")
    assert code_box is not None and code_box["dir"] == "ltr"  # codes are typed left to right


def test_left_to_right_languages_do_not_load_the_mirroring(client: FlaskClient, area: str) -> None:
    walker = SurveyWalker(client)
    for code in ("pl", "pa", "zh_Hans"):
        soup = walker.get(f"/?lang={code}")
        assert soup.html["dir"] == "ltr"
        assert not any(href.endswith("css/rtl.css") for href in stylesheets(walker))
    assert soup.html["lang"] == "zh-Hans"


def test_free_text_follows_its_own_direction(app: Flask, client: FlaskClient, area: str) -> None:
    walker = start_open_link(client)
    soup = walker.get("/survey/person")
    name = soup.select_one('input[name="person_name"]')
    assert name is not None and name["dir"] == "auto"
    from tests.survey.test_bad_input import walk_to

    walker.submit()
    walk_to(walker, "overall-good")
    assert walker.soup is not None
    box = walker.soup.select_one('textarea[name="overall.good"]')
    assert box is not None and box["dir"] == "auto"
