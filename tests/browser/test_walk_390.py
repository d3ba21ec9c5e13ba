"""Every page each role reaches fits a 390 px screen.

The pages the other browser tests open are checked one by one; this walks the seeded demo company (orders in
every state, booked contracts, the collection cases and performance figures of closed nights) as each role of
one branch, the head office and a dealer, following the links of the pages reached (one page of each URL
shape), and fails on any page wider than the screen. Found this way: an order over its turnaround targets and
the end-of-day's list of runs scrolled sideways at 390 px, though each page passed with fresher data.
"""

from collections import deque

import pytest

from angsur.devdata.seed import DEMO_PASSWORD
from tests.browser.a11y import hand_check
from tests.walk import is_page, seed_walked_company, url_shape

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
_PAGES_PER_ROLE = 40


def _links(page) -> list[str]:
    return page.eval_on_selector_all("a[href^='/']", "els => els.map((e) => e.getAttribute('href').split('#')[0])")


def test_every_page_each_role_reaches_fits_a_390_px_screen(chromium, live_server, login, settings, tmp_path):
    people = seed_walked_company(settings, tmp_path)
    wide = {}
    for user in people:
        context = chromium.new_context(viewport=PHONE, locale="id-ID", base_url=live_server.url)
        context.set_default_timeout(15000)
        page = context.new_page()
        login(page, user.username, DEMO_PASSWORD)
        shapes: set[str] = set()
        queue = deque(["/"])
        visited = 0
        while queue and visited < _PAGES_PER_ROLE:
            url = queue.popleft()
            shape = url_shape(url)
            if shape in shapes or not is_page(url):
                continue
            shapes.add(shape)
            response = page.goto(url)
            visited += 1
            if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
                continue
            overflow = hand_check(page)["overflow"]
            if overflow:
                wide.setdefault(user.username, []).append((url, overflow))
            queue.extend(_links(page))
        context.close()
    assert not wide, "\n".join(f"{who}: {url} {overflow}" for who, rows in wide.items() for url, overflow in rows)
