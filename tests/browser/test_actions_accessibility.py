"""'You said, we did' in Chromium: a commissioner records an action; axe checks every page."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page

from app.models.clock import utc_now
from app.services import totp

from .axe_helpers import axe_violations, format_violations
from .conftest import DEMO_AREA, REPO_ROOT, _flask_command, _server_env
from .server_support import LiveServer

pytestmark = pytest.mark.browser

EMAIL = "cora.browser@example.nhs.uk"
PASSWORD = "lantern-orchard-violet-47"


@pytest.fixture(scope="module")
def commissioner_secret(live_server: LiveServer) -> str:
    """A commissioner of the demo area, made with the real command; returns their TOTP secret."""
    assert live_server.log_path is not None
    env = _server_env(Path(live_server.log_path).parent / "browser.db")
    made = subprocess.run(
        [*_flask_command(), "users", "create", "--email", EMAIL, "--role", "commissioner",
         "--area", DEMO_AREA],
        cwd=REPO_ROOT, env=env, input=PASSWORD + "\n", capture_output=True, text=True, check=True,
    )  # fmt: skip
    uri = re.search(r"otpauth://\S+", made.stdout)
    assert uri, made.stdout
    return parse_qs(urlsplit(uri.group(0)).query)["secret"][0]


def assert_accessible(page: Page, label: str) -> None:
    violations = axe_violations(page)
    assert not violations, format_violations(violations, label)


def test_recording_and_publishing_an_action_has_no_axe_violations(
    live_server: LiveServer, new_page: Callable[..., Page], commissioner_secret: str
) -> None:
    page = new_page(bypass_csp=True)
    page.goto(f"{live_server}/login")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/login/code"))
    page.fill("#code", totp.code_for_step(commissioner_secret, totp.time_step(utc_now())))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/staff"))

    page.goto(f"{live_server}/areas/{DEMO_AREA}/you-said-we-did/new")
    assert_accessible(page, "record an action")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_selector(".nhsuk-error-summary")
    assert_accessible(page, "record an action, with errors")

    page.select_option("#theme_id", "eol_out_of_hours")
    page.fill("#you_said", "Nobody came at night when the syringe driver alarmed.")
    page.fill("#we_did", "A night nursing team now covers the whole area.")
    page.fill("#action_date-day", "3")
    page.fill("#action_date-month", "2")
    page.fill("#action_date-year", "2026")
    page.check("input[name=status][value=done]", force=True)
    page.check("input[name=is_public]", force=True)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/you-said-we-did$"))
    assert "Out-of-hours and timely access" in page.inner_text("main")
    assert_accessible(page, "the area's actions")

    public = new_page(bypass_csp=True)
    public.goto(f"{live_server}/you-said-we-did/{DEMO_AREA}")
    assert "A night nursing team" in public.inner_text("main")
    assert_accessible(public, "the public page")
