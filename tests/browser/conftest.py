"""Fixtures for the browser tests: Debian Chromium driven by Playwright, and the real app.

Playwright's own browser download is not used (it can't be fetched here): the tests
launch the Debian `chromium` package at /usr/bin/chromium (`make browsers` installs
it; override with $CHROMIUM).  The app runs in a subprocess (`flask run`) on a free
127.0.0.1 port with its own temporary SQLite database.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from .server_support import LiveServer, tail

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_AREA = "demo-area"
SERVER_START_TIMEOUT = 30.0
DEFAULT_TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run `make browsers` (installs Debian's chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(chromium_browser: Browser) -> Iterator[Callable[..., Page]]:
    """Factory: new_page(bypass_csp=True) -> a Page in a fresh context (fresh cookies).

    bypass_csp=True is needed to inject axe (the app's CSP forbids inline scripts);
    use bypass_csp=False to see the app exactly as a user's browser does.
    """
    contexts: list[BrowserContext] = []

    def make(bypass_csp: bool = True) -> Page:
        context = chromium_browser.new_context(bypass_csp=bypass_csp)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.set_default_navigation_timeout(2 * DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _flask_command() -> list[str]:
    """The flask CLI next to the running interpreter (the .venv's in CI and `make test`)."""
    flask = Path(sys.executable).parent / "flask"
    if not flask.exists():
        pytest.fail(f"{flask} not found: run `make install`")
    return [str(flask), "--app", "wsgi"]


def _server_env(db_path: Path) -> dict[str, str]:
    env = os.environ.copy()
    for name in ("FLASK_ENV", "FLASK_DEBUG", "FLASK_APP", "FLASK_RUN_PORT", "FLASK_RUN_HOST"):
        env.pop(name, None)
    env["DATABASE_URL"] = f"sqlite:///{db_path}"
    env["SECRET_KEY"] = "test"
    env["PYTHONUNBUFFERED"] = "1"
    # The browser stands in for one proxy, so a test can say which carer's address a request
    # comes from (X-Forwarded-For): per-address limits then apply per carer, as in life.
    env["PROXY_FIX_X_FOR"] = "1"
    # Queued reports' files stay with this run's database, never in the checkout's instance/.
    env["REPORTS_DIR"] = str(db_path.parent / "reports")
    return env


def _run_cli(args: list[str], env: dict[str, str]) -> None:
    __tracebackhide__ = True  # keep the environment out of failure reports
    cmd = _flask_command() + args
    proc = subprocess.run(
        cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if proc.returncode != 0:
        pytest.fail(
            f"`{' '.join(cmd)}` exited {proc.returncode}\n"
            f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
        )


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Run the real app (migrated, with the demo area) and yield its base URL."""
    tmp = tmp_path_factory.mktemp("live_server")
    env = _server_env(tmp / "browser.db")
    _run_cli(["db", "upgrade"], env)
    _run_cli(["areas", "add", DEMO_AREA, "Demo area"], env)

    port = _free_port()
    log_path = tmp / "server.log"
    base_url = LiveServer(f"http://127.0.0.1:{port}")
    base_url.log_path = log_path
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            _flask_command()
            + ["run", "--host", "127.0.0.1", "--port", str(port), "--no-reload", "--no-debugger"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"app exited with {proc.returncode} on start:\n{tail(log_path)}")
            try:
                with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"GET {base_url}/healthz not 200 within {SERVER_START_TIMEOUT:.0f}s:\n"
                    f"{tail(log_path)}"
                )
            time.sleep(0.2)
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
