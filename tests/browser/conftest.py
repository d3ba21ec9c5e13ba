"""Headless Chromium (Debian's package) driven by Playwright against pytest-django's live server.

Without Chromium the browser tests skip with a message; under CI=true a missing browser fails.
Never `playwright install`: it downloads browsers.
"""

import os
import select
import shutil
import threading
import time

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _serial_live_server() -> type:
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
            self.in_flight = 0
            self.served = 0  # requests taken, ever
            SerialWSGIServer.current = self

        def process_request(self, request, client_address):
            self.in_flight += 1
            self.served += 1
            try:
                with SerialWSGIServer.lock:
                    super().process_request(request, client_address)
            finally:
                self.in_flight -= 1

        def wait_idle(self, timeout: float) -> bool:
            """Wait until no request is being answered nor waiting to be accepted; False on the timeout."""
            deadline = time.monotonic() + timeout
            while True:
                waiting, _, _ = select.select([self.socket], [], [], 0)
                if not self.in_flight and not waiting:
                    return True
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.02)

    SerialWSGIServer.current = None
    # Held while a request is answered, and by the test's own queries (_queries_between_requests).
    SerialWSGIServer.lock = threading.RLock()
    LiveServerThread.server_class = SerialWSGIServer
    return SerialWSGIServer


SerialWSGIServer = _serial_live_server()


def clear_cookies_when_quiet(page, **which) -> None:
    """Clear the browser's cookies (``which``: as BrowserContext.clear_cookies) once the live server has
    answered all the browser sent and nothing new came for a moment.

    Every answer sets the session cookie again (SESSION_SAVE_EVERY_REQUEST), so an answer still on its way
    when the cookies are cleared logs the user back in: a walk switching users then found itself on the last
    user's home instead of the login page (the service worker checks /sw.js right after a download, say).
    """
    server = SerialWSGIServer.current
    for _attempt in range(20):
        if server is None:
            break
        assert server.wait_idle(10), "the live server was still answering after 10 s"
        served = server.served
        page.wait_for_timeout(100)  # the browser takes in the last answers' cookies; anything new shows
        if server.served == served and server.wait_idle(0):
            break
    page.context.clear_cookies(**which)


def sign_in_as(page, user) -> None:
    """Switch the browser to another user: the last one's cookies go (once the server is quiet), then the
    real login form with the demo password."""
    from angsur.devdata.factories import DEMO_PASSWORD

    clear_cookies_when_quiet(page)
    _login(page, user.username, DEMO_PASSWORD)


@pytest.fixture(autouse=True)
def _queries_between_requests():
    """The test's own queries wait while the live server answers a request, and a request waits for them.

    Both run on the one connection of the in-memory SQLite test database: a test that set a branch's date
    while the server was still answering the browser (the service worker checks /sw.js after a download,
    say) failed with "database table is locked" now and then, and a page then failed to load.
    """
    from django.db import connection

    lock = SerialWSGIServer.lock

    def one_at_a_time(execute, sql, params, many, context):
        if threading.current_thread() is not threading.main_thread():
            return execute(sql, params, many, context)  # the server's thread: it holds the lock already
        with lock:
            return execute(sql, params, many, context)

    with connection.execute_wrapper(one_at_a_time):
        yield


@pytest.fixture(autouse=True)
def _live_server_idle_before_the_flush():
    """After a browser test, wait until the live server has answered what the browser had already sent.

    The test's pages are closed by then (their fixtures end first), but a request they sent may still be
    answered on the test's one database connection while the database is flushed: the flush then failed
    with "database table is locked" or "FOREIGN KEY constraint failed" now and then. Set up after
    pytest-django's database fixture (autouse fixtures of a plugin come first), so it ends before the flush.
    """
    yield
    server = SerialWSGIServer.current
    if server is not None:
        assert server.wait_idle(10), "the live server was still answering 10 s after the test ended"


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
