"""Collection conduct: when a debtor may be contacted. Pure rules (no Django), tested at their boundaries.

POJK 22/2023 Pasal 62: collection only Monday-Saturday, 08.00-20.00 in the debtor's local time
(WIB/WITA/WIT), never on a national holiday, unless the debtor agreed otherwise. The national holidays
come from the `holidays` package (Indonesia, Islamic holidays included); the company's own days off
(cuti bersama) are added by the caller.
"""

import datetime as dt
import functools
import zoneinfo
from collections.abc import Collection
from dataclasses import dataclass

import holidays

# The first minute allowed and the first minute no longer allowed, in the debtor's local time.
CONTACT_FROM = dt.time(8, 0)
CONTACT_UNTIL = dt.time(20, 0)
SUNDAY = 6

ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}

# A debtor's address that names a place in another zone than the branch's: its zone wins (a Jakarta
# branch's debtor who lives in Makassar is called in WITA). Only unambiguous names; otherwise the branch's.
_ADDRESS_ZONES: tuple[tuple[str, str], ...] = (
    ("papua", "Asia/Jayapura"),
    ("jayapura", "Asia/Jayapura"),
    ("maluku", "Asia/Jayapura"),
    ("ambon", "Asia/Jayapura"),
    ("sorong", "Asia/Jayapura"),
    ("sulawesi", "Asia/Makassar"),
    ("makassar", "Asia/Makassar"),
    ("manado", "Asia/Makassar"),
    ("bali", "Asia/Makassar"),
    ("denpasar", "Asia/Makassar"),
    ("nusa tenggara", "Asia/Makassar"),
    ("mataram", "Asia/Makassar"),
    ("kupang", "Asia/Makassar"),
    ("kalimantan timur", "Asia/Makassar"),
    ("kalimantan selatan", "Asia/Makassar"),
    ("kalimantan utara", "Asia/Makassar"),
    ("balikpapan", "Asia/Makassar"),
    ("samarinda", "Asia/Makassar"),
    ("banjarmasin", "Asia/Makassar"),
)


@dataclass(frozen=True)
class ContactWindow:
    """The conduct rule's verdict for one moment: allowed or why not, and the debtor's local time."""

    allowed: bool
    reason: str  # "" when allowed; "sunday", "holiday", "before_hours", "after_hours"
    local_time: dt.datetime
    zone: str
    holiday_name: str = ""

    @property
    def local_label(self) -> str:
        """E.g. "2026-12-04 21:00 WIT"."""
        return f"{self.local_time:%Y-%m-%d %H:%M} {ZONE_ABBREVIATIONS.get(self.zone, self.zone)}"


@functools.cache
def _national(year: int) -> holidays.HolidayBase:
    return holidays.Indonesia(years=year)


def national_holiday(day: dt.date) -> str:
    """The name of Indonesia's national holiday on that day, or ""."""
    return _national(day.year).get(day) or ""


def debtor_zone(address: str, branch_zone: str) -> str:
    """The debtor's time zone: the branch's, unless the address names a place in another zone."""
    folded = (address or "").casefold()
    for name, zone in _ADDRESS_ZONES:
        if name in folded:
            return zone
    return branch_zone


def contact_window(
    at: dt.datetime,
    *,
    zone: str,
    company_holidays: Collection[dt.date] | dict[dt.date, str] = (),
) -> ContactWindow:
    """Whether a debtor in `zone` may be contacted at the aware moment `at` (before any consent)."""
    if at.tzinfo is None:
        raise ValueError("the moment of a contact must carry its time zone")
    local = at.astimezone(zoneinfo.ZoneInfo(zone))
    day, clock = local.date(), local.time()
    if local.weekday() == SUNDAY:
        return ContactWindow(False, "sunday", local, zone)
    name = national_holiday(day)
    if not name and day in company_holidays:
        name = company_holidays[day] if isinstance(company_holidays, dict) else "company holiday"
    if name:
        return ContactWindow(False, "holiday", local, zone, holiday_name=str(name))
    if clock < CONTACT_FROM:
        return ContactWindow(False, "before_hours", local, zone)
    if clock >= CONTACT_UNTIL:
        return ContactWindow(False, "after_hours", local, zone)
    return ContactWindow(True, "", local, zone)
