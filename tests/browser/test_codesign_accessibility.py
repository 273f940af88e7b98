"""Accessibility (axe-core, WCAG 2.2 AA) of a facilitator's co-design pages in Chromium.

A facilitator of a demo-area group signs in, suggests a question, and axe checks every page on
the way: the list, the form (and its error state), the question page, the preview, the
question bank, notifications and the printable invitation page with its QR code.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page

from .axe_helpers import axe_violations, format_violations
from .conftest import DEMO_AREA, REPO_ROOT, _flask_command, _run_cli, _server_env
from .server_support import LiveServer

pytestmark = pytest.mark.browser

EMAIL = "fay.facilitator@example.org"
PASSWORD = "lantern-orchard-violet-47"
GROUP = "demo-carers"


@pytest.fixture(scope="module")
def facilitator(live_server: LiveServer) -> Iterator[str]:
    """A facilitator of a demo-area group, made with the real commands in the live database."""
    env = _server_env(live_server.log_path.parent / "browser.db")
    _run_cli(["groups", "add", GROUP, "Demo carers group", "--area", DEMO_AREA], env)
    made = subprocess.run(
        [*_flask_command(), "users", "create", "--email", EMAIL]
        + ["--role", "group_facilitator", "--group", GROUP],
        cwd=REPO_ROOT,
        env=env,
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    yield EMAIL


def check(page: Page, label: str) -> None:
    assert "/login" not in page.url, f"{label}: sent to sign in"
    violations = axe_violations(page)
    assert not violations, format_violations(violations, label)


def test_a_facilitators_co_design_pages_have_no_axe_violations(
    live_server: LiveServer, facilitator: str, new_page: Callable[..., Page]
) -> None:
    page = new_page()
    page.goto(f"{live_server}/login")
    page.fill("#email", facilitator)
    page.fill("#password", PASSWORD)
    page.locator("main form button").first.click()
    page.wait_for_load_state()

    page.goto(f"{live_server}/codesign")
    check(page, "/codesign")
    page.goto(f"{live_server}/codesign/questions/new")
    check(page, "new question")
    page.locator("main form button").last.click()  # an empty form: the error state
    page.wait_for_load_state()
    assert page.locator(".nhsuk-error-summary").count() == 1
    check(page, "new question with errors")

    page.check("#question_type-3")  # yes or no
    page.fill("#text", "Could a faith leader visit {person} when you asked?")
    page.fill("#sms_text", "Could a faith leader visit? 1 Yes 2 No 3 Don't know")
    page.fill("#reason", "Families told us visits were refused at night.")
    page.locator("main form button").last.click()
    page.wait_for_url(re.compile(r"/codesign/questions/\d+$"))
    check(page, "question")
    page.goto(page.url + "/preview")
    check(page, "preview")
    for path in ("/codesign/bank", "/codesign/notifications", f"/codesign/groups/{GROUP}/invite"):
        page.goto(f"{live_server}{path}")
        check(page, path)
    assert page.locator(".cv-qr svg").count() == 1
