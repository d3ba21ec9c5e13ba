"""Working days for the collectors' cash: Monday to Saturday, not on Indonesia's national holidays."""

import datetime as dt

from angsur.collection.conduct import SUNDAY, national_holiday


def is_working_day(day: dt.date) -> bool:
    """Mon-Sat and not a national holiday (collection's conduct rule: one list of holidays for both)."""
    return day.weekday() != SUNDAY and not national_holiday(day)


def next_working_day(day: dt.date, *, after: int = 1) -> dt.date:
    """The `after`-th working day after `day` (cash taken on Saturday is due on Monday, or later after a holiday)."""
    found = 0
    current = day
    while found < after:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            found += 1
    return current
