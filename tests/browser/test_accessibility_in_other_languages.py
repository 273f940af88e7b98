"""Right-to-left and non-Latin pages in Chromium: axe-clean, mirrored, fonts from our own host."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from .axe_helpers import axe_violations, format_violations
from .server_support import LiveServer

pytestmark = pytest.mark.browser

START = "/a/demo-area"


@pytest.mark.parametrize("code", ["ur", "ar", "zh_Hans", "pa"])
def test_pages_in_other_scripts_have_no_axe_violations(
    live_server: LiveServer, new_page: Callable[..., Page], code: str
) -> None:
    page = new_page(bypass_csp=True)
    problems = []
    page.goto(f"{live_server}{START}?lang={code}")
    for step in range(4):
        violations = axe_violations(page)
        if violations:
            problems.append(format_violations(violations, f"{code} {page.url}"))
        assert page.locator("html").get_attribute("lang") == code.replace("_", "-")
        if step == 3:
            break
        radio = page.locator('main input[type="radio"][value="yes"]')
        if radio.count():
            radio.first.check(force=True)
        page.locator('main form button[type="submit"]').first.click()
        page.wait_for_load_state()
    assert not problems, "\n\n".join(problems)


def test_an_urdu_page_is_mirrored_and_uses_the_local_nastaliq_font(
    live_server: LiveServer, new_page: Callable[..., Page]
) -> None:
    page = new_page()
    fonts: list[str] = []
    page.on("response", lambda r: fonts.append(r.url) if "/static/fonts/" in r.url else None)
    page.goto(f"{live_server}{START}?lang=ur")
    page.locator('main form button[type="submit"]').first.click()
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
