import datetime as dt

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
