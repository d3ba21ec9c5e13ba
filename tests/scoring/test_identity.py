"""Tests for NIK, KK and phone handling."""

import pickle
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.id import nik as stdnum_nik

from angsur.scoring import (
    IdentityError,
    NikInfo,
    check_nik_against_declared,
    mask_nik,
    mask_phone,
    normalize_phone,
    parse_nik,
    validate_kk,
)

AS_OF = date(2026, 3, 15)


def test_parse_nik_man():
    info = parse_nik("3175091201900001", as_of=AS_OF)
    assert info == NikInfo(region_code="317509", province_code="31", birth_date=date(1990, 1, 12), sex="M")
    assert info.regency_code == "3175"
    assert info.province_name == "Jakarta"


def test_parse_nik_woman_day_plus_40():
    # DD = 52 → 12th, female.
    info = parse_nik("3175095201900001", as_of=AS_OF)
    assert info.birth_date == date(1990, 1, 12)
    assert info.sex == "F"


def test_parse_nik_accepts_separators():
    assert parse_nik("3175 0952-0190.0001", as_of=AS_OF).sex == "F"


@pytest.mark.parametrize(
    ("nik", "expected"),
    [
        ("3175091201050001", date(2005, 1, 12)),
        ("3175091201000001", date(2000, 1, 12)),
        ("3175091201260001", date(2026, 1, 12)),  # same yy, already past on as_of
        ("3175091201270001", date(1927, 1, 12)),  # yy above as_of's yy
        ("3175091201990001", date(1999, 1, 12)),
    ],
)
def test_century_never_in_the_future(nik, expected):
    assert parse_nik(nik, as_of=AS_OF).birth_date == expected


def test_century_same_yy_later_in_year_goes_back_a_century():
    # 20 Dec 26 would be after 15 Mar 2026, so it is 1926.
    assert parse_nik("3175092012260001", as_of=AS_OF).birth_date == date(1926, 12, 20)
    # yy above as_of's yy is always the previous century.
    assert parse_nik("3175090101300001", as_of=AS_OF).birth_date == date(1930, 1, 1)


def test_leap_day():
    assert parse_nik("3175092902000001", as_of=AS_OF).birth_date == date(2000, 2, 29)
    assert parse_nik("3175096902040001", as_of=AS_OF).birth_date == date(2004, 2, 29)
    with pytest.raises(IdentityError) as exc:
        parse_nik("3175092902010001", as_of=AS_OF)  # 2001 and 1901 are not leap years
    assert exc.value.code == "nik_birth_date"


@pytest.mark.parametrize(
    "nik",
    [
        "3175091213900001",  # month 13
        "3175090001900001",  # day 0
        "3175093201900001",  # day 32
        "3175094001900001",  # day 40 (neither a man's nor a woman's day)
        "3175097201900001",  # woman's day 32
        "3175093104900001",  # 31 April
    ],
)
def test_impossible_birth_date(nik):
    with pytest.raises(IdentityError) as exc:
        parse_nik(nik, as_of=AS_OF)
    assert exc.value.code == "nik_birth_date"
    assert exc.value.params == {"date_digits": nik[6:12]}


@pytest.mark.parametrize("nik", ["317509120190000", "31750912019000011", "", "31750912019000A1", "３１７５０９１２０１９０００１"])
def test_wrong_format(nik):
    with pytest.raises(IdentityError) as exc:
        parse_nik(nik, as_of=AS_OF)
    assert exc.value.code == "nik_format"


@pytest.mark.parametrize("nik", ["9975091201900001", "1075091201900001", "3100091201900001", "3175001201900001", "0001011201900001"])
def test_bad_region(nik):
    with pytest.raises(IdentityError) as exc:
        parse_nik(nik, as_of=AS_OF)
    assert exc.value.code == "nik_region"
    assert exc.value.params["region_code"] == nik[:6]


def test_newer_provinces_accepted_though_stdnum_rejects_them():
    # Kalimantan Utara (65) and Papua Barat Daya (96) are missing from stdnum's table.
    for nik in ("6501011708850001", "9601011708850001"):
        assert not stdnum_nik.is_valid(nik)
        assert parse_nik(nik, as_of=AS_OF).birth_date == date(1985, 8, 17)


def test_custom_province_list():
    with pytest.raises(IdentityError):
        parse_nik("3175091201900001", as_of=AS_OF, province_codes={"32"})


def test_error_is_pickleable_and_has_message():
    with pytest.raises(IdentityError) as exc:
        parse_nik("123", as_of=AS_OF)
    clone = pickle.loads(pickle.dumps(exc.value))  # noqa: S301 - our own freshly pickled object
    assert (clone.code, clone.params, clone.message) == (exc.value.code, exc.value.params, exc.value.message)
    assert "16 digits" in clone.message


def test_no_mismatch():
    assert check_nik_against_declared("3175095201900001", birth_date=date(1990, 1, 12), sex="F", as_of=AS_OF) == ()


def test_mismatches():
    found = check_nik_against_declared("3175095201900001", birth_date=date(1990, 1, 13), sex="M", as_of=AS_OF)
    assert [m.code for m in found] == ["nik_birth_date_mismatch", "nik_sex_mismatch"]
    assert found[0].params == {"declared": "1990-01-13", "from_nik": "1990-01-12"}
    assert found[1].params == {"declared": "M", "from_nik": "F"}
    assert all(m.message for m in found)


def test_mismatch_ignores_century_the_nik_cannot_carry():
    # The NIK holds 12/01/26 only; a declared 1926 birth matches even though we infer 2026.
    assert check_nik_against_declared("3175091201260001", birth_date=date(1926, 1, 12), sex="M", as_of=AS_OF) == ()


def test_mismatch_rejects_unknown_sex_and_bad_nik():
    with pytest.raises(IdentityError) as exc:
        check_nik_against_declared("3175091201900001", birth_date=date(1990, 1, 12), sex="L", as_of=AS_OF)
    assert exc.value.code == "sex_invalid"
    with pytest.raises(IdentityError) as exc:
        check_nik_against_declared("31750912019", birth_date=date(1990, 1, 12), sex="M", as_of=AS_OF)
    assert exc.value.code == "nik_format"


@pytest.mark.parametrize("raw", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "081234567890", " (0812) 3456 7890 "])
def test_normalize_phone(raw):
    assert normalize_phone(raw) == "+6281234567890"


def test_landline_and_mobile_only():
    assert normalize_phone("021-5551234") == "+62215551234"
    assert normalize_phone("0812-3456-7890", mobile_only=True) == "+6281234567890"
    with pytest.raises(IdentityError) as exc:
        normalize_phone("021-5551234", mobile_only=True)
    assert exc.value.code == "phone_not_mobile"


@pytest.mark.parametrize("raw", ["12345", "08123", "", "not a phone", "0812-3456-7890-1234-5"])
def test_invalid_phone(raw):
    with pytest.raises(IdentityError) as exc:
        normalize_phone(raw)
    assert exc.value.code == "phone_invalid"


def test_foreign_phone():
    with pytest.raises(IdentityError) as exc:
        normalize_phone("+65 6123 4567")
    assert exc.value.code == "phone_not_indonesian"


def test_masks():
    assert mask_nik("3175091201900001") == "317509******0001"
    assert mask_nik("3175 0912 0190 0001") == "317509******0001"
    assert mask_nik("123") == "***"
    assert mask_phone("+6281234567890") == "+62812****7890"
    assert mask_phone("0812-3456-7890") == "+62812****7890"
    assert mask_phone("+62812345678") == "+62812**5678"
    assert mask_phone("12") == "**"


def test_validate_kk():
    assert validate_kk("3175 0912 0100 0001") == "3175091201000001"
    for bad in ("317509120100000", "31750912010000011", "317509120100000X"):
        with pytest.raises(IdentityError) as exc:
            validate_kk(bad)
        assert exc.value.code == "kk_format"


@given(
    birth=st.dates(min_value=date(1926, 3, 16), max_value=AS_OF),
    sex=st.sampled_from(["M", "F"]),
    serial=st.integers(1, 9999),
)
def test_nik_round_trip(birth, sex, serial):
    day = birth.day + (40 if sex == "F" else 0)
    nik = f"327301{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"
    info = parse_nik(nik, as_of=AS_OF)
    assert (info.birth_date, info.sex) == (birth, sex)
    assert check_nik_against_declared(nik, birth_date=birth, sex=sex, as_of=AS_OF) == ()


# --- one stored form for every identifier (issue 17 item 2) ----------------------------------------------

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")


@pytest.mark.parametrize("table", [FULL_WIDTH, ARABIC_INDIC, DEVANAGARI])
def test_nik_in_other_digits_normalises_to_ascii(table):
    from angsur.scoring.identity import normalize_nik

    typed = "3175091201900001".translate(table)
    assert normalize_nik(typed) == "3175091201900001"
    assert normalize_nik("3175 0912–0190.0001".translate(table)) == "3175091201900001"
    assert parse_nik(typed, as_of=AS_OF).birth_date == date(1990, 1, 12)


@pytest.mark.parametrize(
    "typed",
    ["317509120190000\u200b1", "31750912019000O1", "3175091201900001\x00", "３１７５０９１２０１９０００Ａ", "3175/0912/0190/0001"],
)
def test_nik_that_does_not_normalise_is_refused(typed):
    from angsur.scoring.identity import normalize_nik

    with pytest.raises(IdentityError) as exc:
        normalize_nik(typed)
    assert exc.value.code == "nik_format"


def test_kk_and_phone_in_other_digits_normalise():
    assert validate_kk("3175091201000001".translate(FULL_WIDTH)) == "3175091201000001"
    assert normalize_phone("０８１２-３４５６-７８９０") == "+6281234567890"
    assert normalize_phone("+62 812 3456 7890".translate(ARABIC_INDIC)) == "+6281234567890"
    with pytest.raises(IdentityError):
        validate_kk("317509120100000\u200b1")


@pytest.mark.parametrize("raw", ["0812-CALL-7890", "0812\u200b34567890", "0812 3456 789О"])
def test_phone_with_letters_or_invisible_characters_is_refused(raw):
    with pytest.raises(IdentityError) as exc:
        normalize_phone(raw)
    assert exc.value.code == "phone_invalid"


def test_vehicle_numbers_normalise_to_capitals_and_digits():
    from angsur.scoring.identity import normalize_vehicle_number

    assert normalize_vehicle_number(" mh1-jm8119 lk123456 ") == "MH1JM8119LK123456"
    assert normalize_vehicle_number("ＭＨ１ＪＭ８１１９") == "MH1JM8119"
    assert normalize_vehicle_number("") == ""
    # A Cyrillic look-alike (М, Н) is not the Latin frame number: refused, never stored as typed.
    for raw in ("МН1JM8119", "MH1\u200bJM", "MH1/JM", "X" * 41):
        with pytest.raises(IdentityError) as exc:
            normalize_vehicle_number(raw)
        assert exc.value.code == "vehicle_number_format"


@given(st.text(max_size=30))
def test_a_normalised_identifier_is_ascii_and_normalises_to_itself(raw):
    from angsur.scoring.identity import fold_identifier

    folded = fold_identifier(raw, letters=True)
    if folded is not None:
        assert folded.isascii() and (folded == "" or folded.isalnum())
        assert fold_identifier(folded, letters=True) == folded


@pytest.mark.parametrize("raw", ["0812-CALL-ME", "12", ""])
def test_an_invalid_phone_is_named_in_the_message(raw):
    from angsur.scoring import normalize_phone

    with pytest.raises(IdentityError) as caught:
        normalize_phone(raw)
    assert caught.value.code == "phone_invalid"
    assert "{raw}" not in caught.value.message and raw in caught.value.message
