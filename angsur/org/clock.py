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

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone


def branch_today(user: Any) -> dt.date:
    """Today's date in the user's branch time zone (WIB/WITA/WIT), Asia/Jakarta otherwise."""
    branch = getattr(user, "branch", None)
    return calendar_date(branch)


# Each zone's calendar date with the UTC instants it runs between (its local midnights). Nearly every request
# asks for today (every quote, every worklist) and the answer changes once a day, so the zone conversion runs
# on the first request of a day, not on each. A clock read before the day held (a test's frozen clock) misses
# and converts again.
_days: dict[str | None, tuple[dt.datetime, dt.datetime, dt.date]] = {}


@receiver(setting_changed)
def _on_setting_changed(setting: str, **kwargs: object) -> None:
    if setting == "TIME_ZONE":
        _days.clear()


def calendar_date(branch: Any | None) -> dt.date:
    """Today in the branch's time zone (the default zone without a branch)."""
    key = branch.time_zone if branch is not None else None
    now = timezone.now()
    held = _days.get(key)
    if held is not None and held[0] <= now < held[1]:
        return held[2]
    zone = zoneinfo.ZoneInfo(key) if key is not None else timezone.get_default_timezone()
    day = now.astimezone(zone).date()
    # Local midnight as an instant: fold=0 takes a midnight repeated by a change of offset at its first
    # occurrence, and one skipped by it at the change itself, which is when the date turns either way.
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone).astimezone(dt.UTC)
    if start <= now < end:
        _days[key] = (start, end, day)
    return day


def business_date(branch: Any) -> dt.date:
    """The branch's business date: the day its books are on (its calendar date until end-of-day first runs)."""
    return branch.business_date or calendar_date(branch)
