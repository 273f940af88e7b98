"""Accessibility (axe-core, WCAG 2.2 AA) and privacy checks of the web survey in Chromium.

The journey test walks the whole survey from the demo area's welcome page to the
thank-you page, submitting every page with blank answers (consent: "yes"), and runs
axe on every page it reaches, on a question page showing the error summary, and on
the /resume and 404 pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from .axe_helpers import axe_violations, format_violations
from .server_support import LiveServer

pytestmark = pytest.mark.browser

DEMO_AREA = "demo-area"  # created by the live_server fixture (conftest.py)
START_PATH = f"/a/{DEMO_AREA}"
MAX_STEPS = 200
LONG_TEXT = "a" * 6000
ERROR_SUMMARY = ".nhsuk-error-summary"
# Path segments that are ids: numbers, uuids, and long tokens containing a digit.
ID_SEGMENT = re.compile(r"\d+|[0-9a-fA-F-]{32,36}|(?=[^/]*\d)[A-Za-z0-9_-]{16,}")


def page_key(url: str) -> str:
    """URL path with ids stripped: /survey/q/<page>, /s/<token>, ..."""
    parts = urlsplit(url).path.rstrip("/").split("/")
    out: list[str] = []
    for i, part in enumerate(parts):
        if i > 0 and parts[i - 1] == "q":
            out.append("<page>")
        elif i > 0 and parts[i - 1] == "a" and i == 2:
            out.append("<area>")
        elif ID_SEGMENT.fullmatch(part):
            out.append("<id>")
        else:
            out.append(part)
    return "/".join(out) or "/"


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def error_summary_text(page: Page) -> str:
    summary = page.locator(ERROR_SUMMARY)
    if summary.count() and summary.first.is_visible():
        return " | ".join(summary.first.inner_text().split("\n"))
    return ""


def choose_consent(page: Page) -> None:
    radio = page.locator('main form input[type="radio"][name="consent"][value="yes"]')
    if radio.count():
        try:
            radio.first.check()
        except Exception:  # NHS radios are visually restyled; fall back to a forced check
            radio.first.check(force=True)


def heading(page: Page) -> str:
    h1 = page.locator("h1")
    return h1.first.inner_text().strip() if h1.count() else "(no h1)"


def submit_main_form(page: Page) -> None:
    """Click the first submit button of the main form and wait for the next page."""
    before = path_of(page)
    button = page.locator('main form button[type="submit"]').first
    if button.count() == 0:
        raise AssertionError(f"no `main form button[type=submit]` on {page.url}: {heading(page)}")
    with page.expect_navigation(wait_until="load") as navigation:
        button.click()
    response = navigation.value
    # A 4xx re-render that shows an error summary is a validation answer, not a failure.
    if response is not None and (
        response.status >= 500 or (response.status >= 400 and not error_summary_text(page))
    ):
        raise AssertionError(
            f"submitting the form on {before} gave HTTP {response.status} at {page.url}: "
            f"{heading(page)}"
        )


@dataclass
class Walk:
    """What one walk through the survey saw."""

    trail: list[str] = field(default_factory=list)  # every URL reached, in order
    keys: dict[str, str] = field(default_factory=dict)  # page type -> first URL seen


def walk_survey(
    page: Page,
    base_url: str,
    visit: Callable[[Page, int], None] = lambda page, step: None,
    walk: Walk | None = None,
) -> Walk:
    """Walk from the welcome page to /thank-you submitting blank answers.

    `visit(page, step)` is called on every page reached (including thank-you) before
    it is submitted; it may navigate (e.g. to provoke an error) as long as it leaves
    the browser on a page whose main form can be submitted blank.
    """
    walk = walk if walk is not None else Walk()
    response = page.goto(base_url + START_PATH)
    assert response is not None and response.ok, (
        f"GET {START_PATH} -> {response and response.status}"
    )
    for step in range(MAX_STEPS):
        walk.trail.append(page.url)
        walk.keys.setdefault(page_key(page.url), page.url)
        visit(page, step)
        if path_of(page).endswith("/thank-you"):
            return walk
        before = path_of(page)
        choose_consent(page)
        submit_main_form(page)
        errors = error_summary_text(page)
        if errors and path_of(page) == before:
            raise AssertionError(
                f"blank answers were rejected on {before}, so the walk is stuck: {errors}"
            )
    raise AssertionError(f"no /thank-you after {MAX_STEPS} steps; last pages: {walk.trail[-5:]}")


def test_survey_journey_has_no_axe_violations(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    page = new_page(bypass_csp=True)
    results: dict[str, list[dict[str, Any]]] = {}
    error_check: dict[str, str] = {}

    def check(label: str) -> None:
        results[label] = axe_violations(page)

    def visit(page: Page, step: int) -> None:
        check(f"step {step:03d} {page_key(page.url)} ({path_of(page)})")
        textarea = page.locator("main form textarea")
        if "done" in error_check or textarea.count() == 0:
            return
        # Provoke the error summary: 6000 characters in a free-text answer.  maxlength is
        # removed first so that the server's validation, not the browser, is exercised.
        where = path_of(page)
        textarea.first.evaluate("el => el.removeAttribute('maxlength')")
        textarea.first.fill(LONG_TEXT)
        submit_main_form(page)
        error_check["done"] = where
        errors = error_summary_text(page)
        assert errors, (
            f"submitting {len(LONG_TEXT)} characters in the textarea on {where} showed no "
            f"error summary ({ERROR_SUMMARY}); now on {page.url}"
        )
        check(f"error summary on {page_key(page.url)} ({path_of(page)})")
        page.locator("main form textarea").first.fill("")  # carry on with a blank answer

    walk = Walk()
    problems: list[str] = []
    try:
        walk_survey(page, live_server, visit, walk)
    except AssertionError as exc:
        problems.append(
            f"the walk stopped: {exc}\n--- app server log (tail)\n{live_server.log_tail()}"
        )
    else:
        paths = [urlsplit(url).path for url in walk.trail]
        if not any(p.endswith("/check") for p in paths):
            problems.append(f"the walk reached no check-answers page: {paths}")
        if "done" not in error_check:
            print("NOTE: no page with a textarea was found: error-summary axe check skipped")

    failing = {label: v for label, v in results.items() if v}
    if failing:
        report = "\n\n".join(format_violations(v, label) for label, v in failing.items())
        problems.append(f"axe violations on {len(failing)} of {len(results)} pages:\n{report}")
    print(f"axe ran on {len(results)} pages; page types seen: {sorted(walk.keys)}")
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


@pytest.mark.parametrize(
    ("path", "expected_status"),
    [("/resume", 200), ("/s/not-a-real-token", 404), ("/methodology", 200)],
    ids=["resume", "not-found", "methodology"],
)
def test_standalone_page_has_no_axe_violations(
    live_server: str, new_page: Callable[..., Page], path: str, expected_status: int
) -> None:
    page = new_page(bypass_csp=True)
    response = page.goto(live_server + path)
    assert response is not None and response.status == expected_status, (
        f"GET {path} -> {response and response.status}, expected {expected_status}"
    )
    violations = axe_violations(page)
    assert not violations, format_violations(violations, path)


@dataclass
class PlainWalk:
    requests: list[str]
    console_problems: list[str]
    trail: list[str]


@pytest.fixture(scope="module")
def plain_walk(live_server: LiveServer, chromium_browser: Any) -> PlainWalk:
    """One walk as a user's browser sees it (CSP enforced), recording traffic and errors."""
    context = chromium_browser.new_context()
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        requests: list[str] = []
        problems: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.on(
            "console",
            lambda msg: (
                problems.append(f"console {msg.type}: {msg.text}")
                if msg.type == "error" and "Content Security Policy" in msg.text
                else None
            ),
        )
        page.on("pageerror", lambda exc: problems.append(f"uncaught script error: {exc}"))
        try:
            walk = walk_survey(page, live_server)
        except AssertionError as exc:
            raise AssertionError(
                f"{exc}\n--- app server log (tail)\n{live_server.log_tail()}"
            ) from None
        for path in ("/resume", "/s/not-a-real-token"):
            page.goto(live_server + path)
        return PlainWalk(requests=requests, console_problems=problems, trail=walk.trail)
    finally:
        context.close()


def test_no_request_leaves_127_0_0_1(plain_walk: PlainWalk) -> None:
    offsite = [
        url
        for url in plain_walk.requests
        if urlsplit(url).scheme not in ("data", "blob", "about")
        and urlsplit(url).hostname != "127.0.0.1"
    ]
    assert plain_walk.requests, "no requests were recorded"
    assert not offsite, "requests to hosts other than 127.0.0.1:\n" + "\n".join(
        sorted(set(offsite))
    )


def test_no_csp_violations_or_script_errors(plain_walk: PlainWalk) -> None:
    assert not plain_walk.console_problems, "\n".join(plain_walk.console_problems)
