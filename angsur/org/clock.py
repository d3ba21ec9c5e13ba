"""The only place that reads the clock for business dates: the outermost layer asks here.

Two dates exist for a branch. Its **calendar date** (``branch_today``) is today in the branch's
time zone (WIB/WITA/WIT): when a survey is due, what "today" means on a screen. Its **business
date** (``business_date``) is the day its books are on: end-of-day closes a business date and moves
it on (``org.services.business_date_advance``), so a payment taken after the cut-off, or a night run that is late,
counts for the right day. Business code takes ``as_of`` from here and never reads the wall clock.
"""

import datetime as dt
import zoneinfo
from typing import Any

from django.utils import timezone


def branch_today(user: Any) -> dt.date:
    """Today's date in the user's branch time zone (WIB/WITA/WIT), Asia/Jakarta otherwise."""
    branch = getattr(user, "branch", None)
    return calendar_date(branch)


def calendar_date(branch: Any | None) -> dt.date:
    """Today in the branch's time zone (the default zone without a branch)."""
    zone = zoneinfo.ZoneInfo(branch.time_zone) if branch is not None else timezone.get_default_timezone()
    return timezone.now().astimezone(zone).date()


def business_date(branch: Any) -> dt.date:
    """The branch's business date: the day its books are on (its calendar date until end-of-day first runs)."""
    return branch.business_date or calendar_date(branch)
