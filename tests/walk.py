"""What the walking tests share: the seeded company, who walks it, and which links are pages.

tests/web/test_links_per_role.py (every link shown can be followed) and tests/browser/test_walk_390.py (every
page fits a phone) walk the same company as the same people and treat the same URLs as pages.
"""

import re
from urllib.parse import urlsplit

from angsur.devdata.seed import DEMO_DATE, seed_demo
from angsur.devdata.seed_nights import seed_nights
from angsur.devdata.seed_performance import seed_performance
from angsur.org.models import User
from angsur.org.roles import Role

# Not pages: static files, the service worker, the API (its own fuzz and scoping tests), logging out, the language
# switch, and files or downloads (their own tests).
_NOT_A_PAGE = re.compile(r"^/(static|media|api|i18n)/|^/sw\.js$|^/logout/|^/files/|\.(pdf|xlsx|csv)$|/pdf/$|/export")


def seed_walked_company(settings, media_root) -> list[User]:
    """Seed the demo company (hand-made orders in every state, booked contracts, a month of closed nights with
    their collection cases and performance figures); return every role of Jakarta, the head office and a dealer."""
    settings.MEDIA_ROOT = media_root
    seed_demo(portfolio=0)
    seed_performance(DEMO_DATE)
    seed_nights(DEMO_DATE, months=1)
    people = list(User.objects.filter(branch__code="JKT").exclude(role=Role.DEALER).order_by("username"))
    dealer_user = User.objects.filter(role=Role.DEALER, branch__code="JKT").order_by("username").first()
    return [*people, User.objects.get(username="admin.ho"), dealer_user]


def is_page(url: str) -> bool:
    return not _NOT_A_PAGE.search(urlsplit(url).path)


def url_shape(url: str) -> str:
    """The URL's path with its ids folded: /contracts/5/ and /contracts/7/ have one shape."""
    return re.sub(r"\d+", "N", urlsplit(url).path)
