"""Working days for the collectors' cash: Monday to Saturday, not on Indonesia's national holidays."""

import datetime as dt
from functools import cache

import holidays


@cache
def _national_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.Indonesia(years=year))


def is_working_day(day: dt.date) -> bool:
    """Mon-Sat and not a national holiday (the `holidays` package, Islamic holidays included)."""
    return day.weekday() != 6 and day not in _national_holidays(day.year)


def next_working_day(day: dt.date, *, after: int = 1) -> dt.date:
    """The `after`-th working day after `day` (cash taken on Saturday is due on Monday, or later after a holiday)."""
    found = 0
    current = day
    while found < after:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            found += 1
    return current
