"""The conduct rule (POJK 22/2023 Pasal 62) at its boundaries: Monday-Saturday 08.00-20.00 debtor time, no holidays."""

import datetime as dt
import zoneinfo

import pytest

from angsur.collection.conduct import contact_window, debtor_zone, national_holiday

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"


def at(zone: str, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zoneinfo.ZoneInfo(zone))


FRIDAY = dt.date(2026, 12, 4)
SATURDAY = dt.date(2026, 12, 5)
SUNDAY = dt.date(2026, 12, 6)


@pytest.mark.parametrize("zone", [WIB, WITA, WIT])
@pytest.mark.parametrize(
    ("hour", "minute", "allowed", "reason"),
    [(7, 59, False, "before_hours"), (8, 0, True, ""), (19, 59, True, ""), (20, 0, False, "after_hours"), (0, 0, False, "before_hours")],
)
def test_the_hours_are_the_debtors_own(zone, hour, minute, allowed, reason):
    window = contact_window(at(zone, FRIDAY, hour, minute), zone=zone)
    assert (window.allowed, window.reason) == (allowed, reason)


def test_saturday_is_a_working_day_sunday_is_not():
    assert contact_window(at(WIB, SATURDAY, 10), zone=WIB).allowed
    window = contact_window(at(WIB, SUNDAY, 10), zone=WIB)
    assert (window.allowed, window.reason) == (False, "sunday")


def test_the_same_moment_is_allowed_in_jakarta_and_refused_in_jayapura():
    # 18.30 WIB is 20.30 WIT: a Jakarta collector calling a debtor in Papua is too late.
    moment = at(WIB, FRIDAY, 18, 30)
    assert contact_window(moment, zone=WIB).allowed
    assert contact_window(moment, zone=WITA).allowed  # 19.30 WITA
    late = contact_window(moment, zone=WIT)
    assert (late.allowed, late.reason, late.local_label) == (False, "after_hours", "2026-12-04 20:30 WIT")


def test_7_in_the_morning_in_jakarta_is_already_9_in_jayapura():
    moment = at(WIB, FRIDAY, 7, 0)
    assert not contact_window(moment, zone=WIB).allowed
    assert contact_window(moment, zone=WIT).allowed


def test_a_national_holiday_is_refused_all_day():
    christmas = dt.date(2026, 12, 25)  # a Friday
    assert national_holiday(christmas)
    window = contact_window(at(WIB, christmas, 10), zone=WIB)
    assert (window.allowed, window.reason) == (False, "holiday")
    assert window.holiday_name


def test_an_islamic_holiday_from_the_package_is_refused():
    idul_fitri = dt.date(2026, 3, 21)  # a Saturday, otherwise a working day
    window = contact_window(at(WIT, idul_fitri, 10), zone=WIT)
    assert (window.allowed, window.reason) == (False, "holiday")
    assert "Idul Fitri" in window.holiday_name


def test_a_company_holiday_is_refused_like_a_national_one():
    window = contact_window(at(WITA, FRIDAY, 10), zone=WITA, company_holidays={FRIDAY: "Cuti bersama"})
    assert (window.allowed, window.reason, window.holiday_name) == (False, "holiday", "Cuti bersama")
    assert contact_window(at(WITA, SATURDAY, 10), zone=WITA, company_holidays={FRIDAY: "Cuti bersama"}).allowed


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        contact_window(dt.datetime(2026, 12, 4, 10), zone=WIB)


@pytest.mark.parametrize(
    ("address", "zone"),
    [
        ("Jl. Pemuda 10, Rawamangun, Jakarta Timur", WIB),
        ("Jl. Ahmad Yani 5, Abepura, Kota Jayapura, Papua", WIT),
        ("Jl. Somba Opu 3, Makassar, Sulawesi Selatan", WITA),
        ("Jl. Gajah Mada, Pontianak, Kalimantan Barat", WIB),
        ("", WIB),
    ],
)
def test_the_debtors_zone_follows_an_address_in_another_zone(address, zone):
    assert debtor_zone(address, WIB) == zone
