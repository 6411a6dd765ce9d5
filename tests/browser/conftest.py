"""Real-browser tests: headless Chromium (Debian's, through Playwright) against the app under gunicorn.

Session-wide: one SQLite database built by `civmon init` + `civmon demo` in a temporary folder, one
gunicorn (2 workers) serving dashboard.app:server on a free port of 127.0.0.1, one Chromium. Each test
gets a fresh browser context (no shared cookies or history) whose console, page errors and requests are
recorded (`page.log`).

Chromium is CIVMON_CHROMIUM or /usr/bin/chromium; Playwright never downloads a browser of its own.
When Chromium is missing the tests skip with a message, unless CIVMON_REQUIRE_BROWSER=1 (set by
.ci/run), in which case they fail. Tests wait on content (Playwright's auto-waiting `expect`), never on time.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from tests.server import ROOT, serve

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

CHROMIUM = os.environ.get("CIVMON_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("CIVMON_REQUIRE_BROWSER") == "1"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
TIMEOUT_MS = 30_000  # for one wait on content; a page here is drawn in 1–3 s
DESKTOP = {"width": 1400, "height": 1000}


def _unavailable(message: str):
    if REQUIRE_BROWSER:
        pytest.fail(message + " CIVMON_REQUIRE_BROWSER=1 makes this a failure.", pytrace=False)
    pytest.skip(message)


def chromium_path() -> str:
    """Chromium's executable; the test skips (or fails, when required) with how to install it."""
    path = shutil.which(CHROMIUM) or (CHROMIUM if os.path.isfile(CHROMIUM) else None)
    if not path:
        _unavailable(f"Chromium not found at {CHROMIUM}; install it with apt-get install chromium, "
                     "or set CIVMON_CHROMIUM to its path.")
    return path


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium, shared by the session."""
    path = chromium_path()
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _unavailable("The Python package playwright is not installed: make install-test (pip install -e '.[test]').")
    expect.set_options(timeout=TIMEOUT_MS)
    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
    except Exception as exc:  # a broken install: say so instead of an obscure error in every test
        pw.stop()
        _unavailable(f"Chromium at {path} did not start: {exc}")
    yield chromium
    chromium.close()
    pw.stop()


@pytest.fixture(scope="session")
def demo_env(browser, tmp_path_factory) -> dict:
    """The environment of a server on the demo dataset (built once per session), with no Redis."""
    folder = tmp_path_factory.mktemp("browser")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'civmon.db'}"}
    env.pop("REDIS_URL", None)
    civmon = [sys.executable, "-m", "dashboard.cli"]
    for args in (["init"], ["demo"]):
        done = subprocess.run(civmon + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"civmon {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return env


def serve_checked(env: dict, folder):
    """The app under gunicorn (2 workers) for a test or a session; afterwards, its log must hold no error."""
    served = serve(env, folder)
    yield served.base
    served.stop()
    errors = [line for line in served.log.splitlines() if "Traceback" in line or "Exception on" in line]
    assert not errors, f"the server logged errors (see {served.log_path}):\n" + "\n".join(errors[:20])


@pytest.fixture(scope="session")
def live_server(demo_env, tmp_path_factory):
    """The base URL of the app under gunicorn, on the demo dataset, each worker with its own memory cache."""
    yield from serve_checked(demo_env, tmp_path_factory.mktemp("live"))


@dataclass
class PageLog:
    """What a page did that a user does not see: console errors, uncaught exceptions, requests."""
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # responses ≥ 400 and requests that failed

    @property
    def outside(self) -> list[str]:
        """Requests to anything but this machine's 127.0.0.1 (data: and blob: URLs are not requests)."""
        return [u for u in self.requests
                if urlsplit(u).scheme in ("http", "https", "ws", "wss") and urlsplit(u).hostname != "127.0.0.1"]

    def assert_clean(self):
        assert not self.page_errors, f"uncaught exceptions in the page: {self.page_errors}"
        assert not self.console_errors, f"console errors: {self.console_errors}"
        assert not self.failed, f"failed requests: {self.failed}"
        assert not self.outside, f"requests outside 127.0.0.1: {self.outside}"


def new_page(browser, base_url: str, viewport=DESKTOP):
    context = browser.new_context(base_url=base_url, viewport=viewport, locale="en-GB",
                                  service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log = PageLog()
    page.on("console", lambda m: log.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.page_errors.append(str(e)))
    page.on("request", lambda r: log.requests.append(r.url))
    page.on("websocket", lambda ws: log.requests.append(ws.url))
    # a request the page itself gave up (Dash cancels the callbacks of a page the user has left) is no failure
    page.on("requestfailed", lambda r: log.failed.append(f"{r.url} ({r.failure})")
            if "ERR_ABORTED" not in (r.failure or "") else None)
    page.on("response", lambda r: log.failed.append(f"{r.url} → {r.status}") if r.status >= 400 else None)
    page.log = log
    return page


@pytest.fixture
def page(browser, live_server):
    """A fresh page (own context) on the app, 1400×1000; `page.log` records what it did."""
    p = new_page(browser, live_server)
    yield p
    p.context.close()


@pytest.fixture
def open_page(browser, live_server):
    """A factory of further fresh pages, e.g. to open a saved address as another user would."""
    pages = []

    def make(viewport=DESKTOP):
        pages.append(new_page(browser, live_server, viewport))
        return pages[-1]
    yield make
    for p in pages:
        p.context.close()
