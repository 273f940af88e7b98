"""Report pages in Chromium: axe-core checks the dashboards, a queued report and invitations.

The dashboards are an area's, a place's, national and a group's; a queued report's page is
checked in each state (waiting, ready, failed, no longer kept).

Each is opened by someone signed in through the pages, with a TOTP code computed here.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page

from app.models.clock import utc_now
from app.services import totp

from .axe_helpers import axe_violations, format_violations
from .conftest import REPO_ROOT, _flask_command, _server_env
from .server_support import LiveServer

pytestmark = pytest.mark.browser

PASSWORD = "lantern-orchard-violet-47"
# The demo seed: East Coast ICB has three places (sub-areas) and the Bangladeshi carers' network.
AREA = "east-coast"
PLACE = "east-coast-harbour"
GROUP = "bangla-carers"
# Report pages analyse every response on first opening: more than a survey page takes.
REPORT_TIMEOUT_MS = 90_000


def _flask(live_server: LiveServer, *args: str, stdin: str | None = None) -> str:
    assert live_server.log_path is not None
    env = _server_env(Path(live_server.log_path).parent / "browser.db")
    done = subprocess.run(
        [*_flask_command(), *args],
        cwd=REPO_ROOT, env=env, input=stdin, capture_output=True, text=True, check=True,
        timeout=300,
    )  # fmt: skip
    return done.stdout


@pytest.fixture(scope="module")
def people(live_server: LiveServer) -> dict[str, tuple[str, str | None]]:
    """The demo data, and an administrator, a commissioner and a facilitator made by command.

    Returns email -> TOTP secret (None for roles that sign in with a password alone).
    """
    _flask(live_server, "demo", "seed", "--responses", "400", "--seed", "5")
    made: dict[str, tuple[str, str | None]] = {}
    for key, role, scope in (
        ("admin", "admin", ()),
        ("commissioner", "commissioner", ("--area", AREA)),
        ("facilitator", "group_facilitator", ("--group", GROUP)),
    ):
        email = f"{key}.reports@example.nhs.uk"
        out = _flask(
            live_server, "users", "create", "--email", email, "--role", role, *scope,
            stdin=PASSWORD + "\n",
        )  # fmt: skip
        uri = re.search(r"otpauth://\S+", out)
        made[key] = (email, parse_qs(urlsplit(uri.group(0)).query)["secret"][0] if uri else None)
    return made


# The last code step each secret signed in with: a code works once, so a second sign-in in the
# same 30 seconds (two tests for one person) takes the next step, which the server's one-step
# drift allowance accepts.
_last_step_used: dict[str, int] = {}


def sign_in(page: Page, live_server: LiveServer, email: str, secret: str | None) -> None:
    page.goto(f"{live_server}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    if secret is not None:
        page.wait_for_url(re.compile(r"/login/code"))
        step = max(totp.time_step(utc_now()), _last_step_used.get(secret, -1) + 1)
        _last_step_used[secret] = step
        page.fill("#code", totp.code_for_step(secret, step))
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/staff"))


def open_report(page: Page, url: str) -> None:
    page.goto(url, timeout=REPORT_TIMEOUT_MS)
    page.wait_for_selector("#methodology")


def assert_accessible(page: Page, label: str) -> None:
    violations = axe_violations(page)
    assert not violations, format_violations(violations, label)


def test_report_dashboards_have_no_axe_violations(
    live_server: LiveServer,
    new_page: Callable[..., Page],
    people: dict[str, tuple[str, str | None]],
) -> None:
    commissioner = new_page(bypass_csp=True)
    sign_in(commissioner, live_server, *people["commissioner"])
    commissioner.goto(f"{live_server}/reports")
    assert_accessible(commissioner, "the reports a commissioner can open")
    open_report(commissioner, f"{live_server}/reports/{AREA}")
    assert commissioner.locator("select#sub_area option").count() == 4
    assert_accessible(commissioner, "an area's report")
    commissioner.select_option("#sub_area", PLACE)
    commissioner.locator("main form button[type=submit]").first.click()
    commissioner.wait_for_url(re.compile(rf"sub_area={PLACE}"), timeout=REPORT_TIMEOUT_MS)
    assert "Harbour place" in commissioner.inner_text("h1")
    assert_accessible(commissioner, "an area's report narrowed to one place")
    open_report(commissioner, f"{live_server}/reports/{AREA}?sub_area=nowhere&from=2026-13-01")
    assert commissioner.locator("#sub-area-error").count() == 1
    assert_accessible(commissioner, "an area's report with filters it cannot use")

    admin = new_page(bypass_csp=True)
    sign_in(admin, live_server, *people["admin"])
    open_report(admin, f"{live_server}/reports/national")
    assert_accessible(admin, "the national report")

    facilitator = new_page(bypass_csp=True)
    sign_in(facilitator, live_server, *people["facilitator"])
    open_report(facilitator, f"{live_server}/reports/groups/{GROUP}")
    assert_accessible(facilitator, "a community group's report")


def queued_builds(live_server: LiveServer) -> dict[str, int]:
    """A queued build in each state (waiting, ready, failed, expired) for the area."""
    assert live_server.log_path is not None
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.browser.seed_report_builds", AREA],
        cwd=REPO_ROOT,
        env=_server_env(Path(live_server.log_path).parent / "browser.db"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert seeded.returncode == 0, seeded.stderr
    lines = [line.split("=") for line in seeded.stdout.split() if "=" in line]
    return {state: int(build_id) for state, build_id in lines}


def test_a_queued_reports_pages_and_the_invitations_summary_have_no_axe_violations(
    live_server: LiveServer,
    new_page: Callable[..., Page],
    people: dict[str, tuple[str, str | None]],
) -> None:
    builds = queued_builds(live_server)
    page = new_page(bypass_csp=True)
    sign_in(page, live_server, *people["commissioner"])
    pages = (
        # The page checks again every 15 seconds: axe runs well within one interval.
        ("waiting", "", "being prepared", "a report being prepared, checking again"),
        ("waiting", "?refresh=off", "being prepared", "a report being prepared, not checking"),
        ("ready", "", "is ready", "a report ready to download"),
        ("failed", "", "could not prepare", "a report that could not be prepared"),
        ("expired", "", "no longer kept", "a report no longer kept"),
        ("expired", "/file", "no longer kept", "the download of a report no longer kept (410)"),
    )
    for state, suffix, heading, label in pages:
        answer = page.goto(f"{live_server}/reports/builds/{builds[state]}{suffix}")
        assert answer is not None and answer.status == (410 if suffix == "/file" else 200)
        assert heading in page.inner_text("h1"), label
        assert_accessible(page, label)
    page.goto(f"{live_server}/areas/{AREA}/invitations")
    assert_accessible(page, "an area's invitations and responses")
