import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from angsur.remedial.calendar import is_working_day, next_working_day


def test_saturday_is_a_working_day_and_sunday_is_not():
    assert is_working_day(dt.date(2026, 11, 7))  # Saturday
    assert not is_working_day(dt.date(2026, 11, 8))  # Sunday


def test_cash_taken_on_saturday_is_due_on_monday():
    assert next_working_day(dt.date(2026, 11, 7)) == dt.date(2026, 11, 9)


def test_a_national_holiday_is_skipped():
    # 25 December (Christmas) 2026 is a Friday: cash of Thursday the 24th is due on Saturday the 26th
    assert not is_working_day(dt.date(2026, 12, 25))
    assert next_working_day(dt.date(2026, 12, 24)) == dt.date(2026, 12, 26)


def test_two_working_days():
    assert next_working_day(dt.date(2026, 11, 6), after=2) == dt.date(2026, 11, 9)


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31)), st.integers(min_value=1, max_value=5))
def test_the_due_day_is_the_nth_working_day_after_with_none_skipped(day, n):
    due = next_working_day(day, after=n)
    assert due > day and is_working_day(due)
    between = [day + dt.timedelta(days=i) for i in range(1, (due - day).days)]
    assert sum(is_working_day(d) for d in between) == n - 1
    assert (due - day).days <= 7 * n + 10  # never runs away (Lebaran's days off are the longest run)
