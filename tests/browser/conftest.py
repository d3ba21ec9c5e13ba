"""Headless Chromium (Debian's package) driven by Playwright against pytest-django's live server.

Without Chromium the browser tests skip with a message; under CI=true a missing browser fails.
Never `playwright install`: it downloads browsers.
"""

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _serial_live_server() -> None:
    """One request at a time in the live server.

    With the in-memory SQLite test database, Django's live server shares the test's one connection with
    every request thread; the browser (and the field screens' service worker) send requests in parallel,
    and two threads on one SQLite connection corrupted each other's reads now and then (a session "returned
    2" rows, a page answered 500, then every later test failed on the broken transaction). Served one at a
    time, each request has the connection to itself; Django closes each HTTP connection after its answer
    when the server is not threaded, so no idle keep-alive blocks the next one.
    """
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    class SerialWSGIServer(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)
            self.connections_override = connections_override  # the server thread already uses them

    LiveServerThread.server_class = SerialWSGIServer


_serial_live_server()

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def _chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="session")
def chromium():
    path = _chromium_path()
    if path is None:
        message = "Chromium not found: install Debian's 'chromium' package to run the browser tests"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: a missing browser is a failure)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(chromium, live_server):
    """A phone-sized page (a CMO in the field), in Bahasa Indonesia."""
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="id-ID", accept_downloads=True, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def desktop(chromium, live_server):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def login():
    """login(page, username, password) through the real login form."""
    return _login


def _login(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=home-title]")
