"""Every link a role is shown leads somewhere it may go.

Walking the demo at 390 px as every role found links that answered 403 to the person who was shown them (the
contract page linked its application for the front office, collectors and remedial staff; the application
list offered "New order" to analysts). This walks the seeded demo company — its hand-made orders in every
state, booked contracts, the collection cases and performance figures of the closed nights — as each role of
one branch, the head office and a dealer, following the links of every page reached (at most two pages of
each URL shape), and fails on any link that answers other than 200 or a redirect.
"""

import re
from collections import deque

import pytest
from django.test import Client

from angsur.devdata.seed import DEMO_PASSWORD
from tests.walk import is_page, seed_walked_company, url_shape

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

_HREF = re.compile(rb'<a\b[^>]*\bhref="(/[^"#]*)')
# A URL shape is walked at most twice.
_PER_SHAPE = 2
_PAGES_PER_ROLE = 80


def _walk(client: Client) -> list[tuple[str, str, int]]:
    """Follow links from the home page; return (page, link, status) for every link that is not 200 or a redirect."""
    dead = []
    seen: set[str] = set()
    shapes: dict[str, int] = {}
    queue: deque[tuple[str, str]] = deque([("", "/")])
    visited = 0
    while queue and visited < _PAGES_PER_ROLE:
        source, url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        shape = url_shape(url)
        if shapes.get(shape, 0) >= _PER_SHAPE:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        response = client.get(url)
        visited += 1
        if response.status_code not in (200, 301, 302):
            dead.append((source, url, response.status_code))
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for raw in _HREF.findall(response.content):
            link = raw.decode().replace("&amp;", "&")
            if is_page(link) and link not in seen:
                queue.append((url, link))
    assert visited > 3, "the walk reached almost nothing: is the home page empty?"
    return dead


def test_no_role_is_shown_a_link_it_may_not_follow(settings, tmp_path):
    people = seed_walked_company(settings, tmp_path)
    assert len({user.role for user in people}) >= 12
    dead = {}
    for user in people:
        client = Client()
        assert client.post("/login/", {"username": user.username, "password": DEMO_PASSWORD}).status_code == 302
        found = _walk(client)
        if found:
            dead[user.username] = found
    assert not dead, "\n".join(f"{who}: {page} -> {link} answered {status}" for who, rows in dead.items() for page, link, status in rows)
