"""Identifiers as typed and as stored: what folds, what is refused, and what a refusal carries.

A refusal is behaviour (the Django layer translates it by code and shows its params), so each is pinned
whole: code, params and message.
"""

import pytest

from angsur.scoring import IdentityError, mask_nik, normalize_phone, validate_kk
from angsur.scoring.identity import VEHICLE_NUMBER_MAX_LENGTH, fold_identifier, normalize_nik, normalize_vehicle_number

NIK = "3175091201900001"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def refusal(call, *args) -> tuple[str, dict, str]:
    with pytest.raises(IdentityError) as caught:
        call(*args)
    return caught.value.code, caught.value.params, caught.value.message


def test_a_letter_does_not_fold_into_a_number_unless_letters_are_asked_for():
    assert fold_identifier("12X3") is None
    assert fold_identifier("12x3", letters=True) == "12X3"
    assert fold_identifier("0 9-0.9") == "0909"


@pytest.mark.parametrize(
    "typed",
    [
        NIK.translate(FULL_WIDTH),
        NIK.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),  # Arabic-Indic digits
        "3175 0912\t0190\u00a00001",  # a tab and a no-break space between groups
    ],
)
def test_a_nik_typed_in_other_digits_or_with_other_spaces_is_masked_like_the_ascii_one(typed):
    assert mask_nik(typed) == mask_nik(NIK) == "317509******0001"


def test_a_nik_that_does_not_fold_is_still_masked_from_what_was_typed():
    # A letter O for a zero: nothing folds, so the mask works on the typed characters without separators.
    assert mask_nik("3175-0912-0190-000O") == "317509******000O"


@pytest.mark.parametrize(
    ("typed", "length"),
    [
        ("123", 3),
        ("3175 0912", 8),  # the length counted is the folded one, separators dropped
        ("12a4", 4),  # does not fold: the length typed
        (None, 0),
    ],
)
def test_a_nik_of_the_wrong_length_is_refused_with_its_length(typed, length):
    assert refusal(normalize_nik, typed) == ("nik_format", {"length": length}, "The NIK must be exactly 16 digits.")


def test_a_kk_number_of_the_wrong_length_is_refused_with_its_folded_length():
    assert refusal(validate_kk, "3175 0912") == (
        "kk_format",
        {"length": 8},
        "The family card (KK) number must be exactly 16 digits.",
    )


def test_a_vehicle_number_may_have_40_characters_but_not_41():
    assert VEHICLE_NUMBER_MAX_LENGTH == 40
    assert normalize_vehicle_number("mh1" + "A" * 37) == "MH1" + "A" * 37
    assert refusal(normalize_vehicle_number, "A" * 41) == (
        "vehicle_number_format",
        {"length": 41},
        "A frame or engine number may hold only letters A-Z and digits (at most 40).",
    )


@pytest.mark.parametrize("typed", ["0812 3456 789X", "+", "++62"])
def test_a_phone_number_with_a_letter_or_that_does_not_parse_is_refused(typed):
    # "X" would be read as an extension by the parser: letters are refused before parsing.
    code, params, _ = refusal(normalize_phone, typed)
    assert (code, params) == ("phone_invalid", {"raw": typed})  # the message names what was typed
