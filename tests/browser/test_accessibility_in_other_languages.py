"""Every respondent page type in every language, in Chromium: axe-clean, right lang and dir.

One browser page per language walks the survey by direct URLs where it can (a question page
is open at any point of the carer's route), in an area whose questionnaire adds a co-designed
multiple-choice question (the core has none, nor any number or date question), runs axe-core
on each page type, and checks that <html lang dir> stay in the chosen language, including on
pages with no response behind them (the 404 page, the public pages) and after the answers are
deleted.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from app.i18n.languages import PSEUDO_LANGUAGE, language, language_codes

from .axe_helpers import axe_source, axe_violations, format_violations
from .conftest import REPO_ROOT, _server_env
from .server_support import LiveServer

pytestmark = pytest.mark.browser

# An area whose questionnaire adds a co-designed multiple-choice question (the core has none).
LOCAL_AREA = "languages-local-area"
START = "/a/demo-area"
# Question pages of the core on every carer's route, whatever they answer first.
SINGLE_CHOICE_PAGE = "about-relationship"
FREE_TEXT_PAGE = "overall-good"
PUBLIC_PAGES = ("/privacy", "/accessibility", "/contact", "/support")
PAGE_TYPES = (
    "welcome",
    "consent",
    "consent with an error",
    "not now",
    "person",
    "single choice",
    "free text",
    "multiple choice",
    "saved",
    "resume",
    "check answers",
    "thank you",
    "withdraw",
    "withdraw confirm",
    "withdrawn",
    "not found",
    *PUBLIC_PAGES,
)
SUBMIT = 'main form button[type="submit"]'


@dataclass
class LanguageWalk:
    """One language's walk: axe and <html lang dir> on every page type it reaches."""

    page: Page
    base_url: str
    code: str
    multiple_choice_page: str
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def check(self, label: str) -> None:
        where = f"{self.code} {label} ({urlsplit(self.page.url).path})"
        html = self.page.locator("html")
        expected = language(self.code)
        lang, direction = html.get_attribute("lang"), html.get_attribute("dir")
        if (lang, direction) != (expected.html_lang, expected.direction):
            self.problems.append(
                f"{where}: <html lang={lang} dir={direction}>, expected "
                f"lang={expected.html_lang} dir={expected.direction}"
            )
        violations = axe_violations(self.page)
        if violations:
            self.problems.append(format_violations(violations, where))
        self.checked.append(label)

    def open(self, path: str, status: int = 200) -> None:
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status == status, (
            f"{self.code}: GET {path} -> {response and response.status}, expected {status}"
        )

    def submit(self, selector: str = SUBMIT) -> None:
        with self.page.expect_navigation(wait_until="load"):
            self.page.locator(selector).first.click()

    def choose(self, name: str, value: str) -> None:
        self.page.locator(f'main form input[name="{name}"][value="{value}"]').check(force=True)

    def code_shown(self) -> str:
        return self.page.locator(".cv-resume-code").inner_text().strip()


def walk_every_page_type(walk: LanguageWalk) -> None:
    walk.open(f"/a/{LOCAL_AREA}?lang={walk.code}")
    walk.check("welcome")
    walk.submit()
    walk.check("consent")
    walk.submit()  # no choice made: the error summary
    walk.check("consent with an error")
    walk.choose("consent", "no")
    walk.submit()
    walk.check("not now")
    walk.open("/survey/consent")
    walk.choose("consent", "yes")
    walk.submit()
    walk.check("person")
    walk.submit()  # no name given: the questions say "the person who died"
    for label, page_id in (
        ("single choice", SINGLE_CHOICE_PAGE),
        ("free text", FREE_TEXT_PAGE),
    ):
        walk.open(f"/survey/q/{page_id}")
        walk.check(label)
    walk.open(f"/survey/q/{walk.multiple_choice_page}")
    assert walk.page.locator('main form input[type="checkbox"]').count() == 4, walk.page.url
    walk.check("multiple choice")
    walk.submit('main form button[value="save_and_exit"]')
    walk.check("saved")
    resume_code = walk.code_shown()
    walk.open("/resume")
    walk.check("resume")
    walk.page.fill("#resume_code", resume_code)
    walk.submit()
    walk.open("/survey/check")
    walk.check("check answers")
    walk.submit()
    walk.check("thank you")
    withdrawal_code = walk.code_shown()
    walk.open("/withdraw")
    walk.check("withdraw")
    walk.page.fill("#code", withdrawal_code)
    walk.submit()
    walk.check("withdraw confirm")
    walk.submit()
    walk.check("withdrawn")
    walk.open("/s/not-a-real-token", status=404)
    walk.check("not found")
    for path in PUBLIC_PAGES:
        walk.open(path)
        walk.check(path)


@pytest.fixture(scope="module")
def multiple_choice_page(live_server: LiveServer) -> str:
    """The page id of a multiple-choice question published in LOCAL_AREA's questionnaire."""
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.browser.seed_local_question", LOCAL_AREA],
        cwd=REPO_ROOT,
        env=_server_env(live_server.log_path.parent / "browser.db"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert seeded.returncode == 0, seeded.stderr
    return seeded.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("code", [*language_codes(), PSEUDO_LANGUAGE])
def test_every_page_type_has_no_axe_violations_in_every_language(
    live_server: LiveServer, new_page: Callable[..., Page], multiple_choice_page: str, code: str
) -> None:
    page = new_page(bypass_csp=True)
    # Each language's carer comes from an address of their own (TEST-NET-1): the resume and
    # withdrawal forms allow 10 tries a minute per address, and fifteen walks from one address
    # within a minute would meet that limit (a moving window) instead of the pages.
    carer = [*language_codes(), PSEUDO_LANGUAGE].index(code) + 1
    page.set_extra_http_headers({"X-Forwarded-For": f"192.0.2.{carer}"})
    # axe loads with each page rather than by a separate round trip before every check.
    page.context.add_init_script(script=axe_source())
    walk = LanguageWalk(page, live_server, code, multiple_choice_page)
    try:
        walk_every_page_type(walk)
    except AssertionError as stopped:
        walk.problems.append(f"the walk stopped: {stopped}\n{live_server.log_tail()}")
    assert not walk.problems, "\n\n".join(walk.problems)
    assert walk.checked == list(PAGE_TYPES)


def test_an_urdu_page_is_mirrored_and_uses_the_local_nastaliq_font(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    page = new_page()
    fonts: list[str] = []
    page.on("response", lambda r: fonts.append(r.url) if "/static/fonts/" in r.url else None)
    page.goto(f"{live_server}{START}?lang=ur")
    page.locator(SUBMIT).first.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    # The consent radio sits at the right, its label to the left of it.
    radio = page.locator(".nhsuk-radios__input").first.bounding_box()
    label = page.locator(".nhsuk-radios__label").first.bounding_box()
    assert radio is not None and label is not None
    assert label["x"] + label["width"] <= radio["x"] + 1
    page.evaluate("document.fonts.ready")
    assert any(urlsplit(url).path.endswith("NotoNastaliqUrdu-Regular.ttf") for url in fonts)
    assert all(urlsplit(url).hostname == "127.0.0.1" for url in fonts)
