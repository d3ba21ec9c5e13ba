"""The calendar date held per zone between its local midnights is the date the clock gives, whenever it is asked.

``org.clock.calendar_date`` converts the clock to a zone only on the first request of a day and keeps the date with
the two instants it runs between. Asked at any instants, in any order, for any zone — Indonesia's three and zones
whose offset changes at or around midnight — it must answer what converting the clock answers.
"""

import datetime as dt
import zoneinfo
from types import SimpleNamespace
from unittest import mock

from django.conf import settings as django_settings
from django.test import override_settings
from hypothesis import example, given, settings
from hypothesis import strategies as st

from angsur.org import clock

ZONES = [
    "Asia/Jakarta",
    "Asia/Makassar",
    "Asia/Jayapura",
    "America/Sao_Paulo",  # until 2019 its clocks went forward at midnight: 00:00 did not exist
    "America/Havana",  # clocks change at midnight (forward) and 01:00 (back, repeating 00:00–01:00)
    "America/Santiago",  # offset changes at 24:00
    "Europe/Berlin",
    "Pacific/Apia",  # skipped 30 December 2011 entirely
    "Pacific/Kiritimati",  # UTC+14
    "Pacific/Pago_Pago",  # UTC-11
]

# Instants near the offset changes of those zones, and anywhere else.
instants = st.one_of(
    st.sampled_from(
        [
            dt.datetime(2018, 11, 4, 3, 0, tzinfo=dt.UTC),  # São Paulo: 00:00 skipped
            dt.datetime(2024, 3, 10, 5, 0, tzinfo=dt.UTC),  # Havana: 00:00 skipped
            dt.datetime(2024, 11, 3, 5, 0, tzinfo=dt.UTC),  # Havana: 00:00–01:00 repeated
            dt.datetime(2011, 12, 30, 10, 0, tzinfo=dt.UTC),  # Apia: the day skipped
            dt.datetime(2024, 10, 27, 1, 0, tzinfo=dt.UTC),  # Berlin: 02:00–03:00 repeated
        ]
    ).flatmap(lambda t: st.integers(min_value=-2 * 86_400, max_value=2 * 86_400).map(lambda s: t + dt.timedelta(seconds=s))),
    st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2040, 1, 1)).map(lambda t: t.replace(tzinfo=dt.UTC)),
)


@settings(max_examples=300, deadline=None, database=None)
@given(asked=st.lists(st.tuples(st.sampled_from([*ZONES, None]), instants), min_size=1, max_size=40))
# the last microsecond of a day, then midnight
@example(
    asked=[
        ("Asia/Jakarta", dt.datetime(2026, 12, 6, 16, 59, 59, 999_999, tzinfo=dt.UTC)),
        ("Asia/Jakarta", dt.datetime(2026, 12, 6, 17, tzinfo=dt.UTC)),
    ]
)
# days of 23 hours: held at noon, asked again in the next day's first hour (which 24 hours from midnight would miss)
@example(
    asked=[
        ("Europe/Berlin", dt.datetime(2024, 3, 31, 12, tzinfo=dt.UTC)),
        ("Europe/Berlin", dt.datetime(2024, 3, 31, 22, 30, tzinfo=dt.UTC)),
    ]
)
@example(
    asked=[
        ("America/Sao_Paulo", dt.datetime(2018, 11, 4, 12, tzinfo=dt.UTC)),
        ("America/Sao_Paulo", dt.datetime(2018, 11, 5, 2, 30, tzinfo=dt.UTC)),
    ]
)
def test_the_held_date_is_the_clocks_date_in_the_zone(asked):
    clock._days.clear()
    for zone, now in asked:
        branch = None if zone is None else SimpleNamespace(time_zone=zone)
        with mock.patch("django.utils.timezone.now", return_value=now):
            answered = clock.calendar_date(branch)
        expected = now.astimezone(zoneinfo.ZoneInfo(zone or django_settings.TIME_ZONE)).date()
        assert answered == expected, (zone, now)


@override_settings(TIME_ZONE="Asia/Jakarta")
def test_the_default_zone_follows_the_setting():
    now = dt.datetime(2026, 12, 6, 20, 0, tzinfo=dt.UTC)  # 7 December in Jakarta, still 6 December in UTC
    with mock.patch("django.utils.timezone.now", return_value=now):
        assert clock.calendar_date(None) == dt.date(2026, 12, 7)
        with override_settings(TIME_ZONE="UTC"):
            assert clock.calendar_date(None) == dt.date(2026, 12, 6)
        assert clock.calendar_date(None) == dt.date(2026, 12, 7)
