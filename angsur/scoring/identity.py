"""Decode and check Indonesian identity data: NIK, KK and phone numbers, vehicle frame and engine numbers.

Every identifier is stored in one form only, the one the ``normalize_*`` functions return: ASCII digits
(and capitals for vehicle numbers), separators removed. A NIK typed in full-width digits (``７３７１…``) or
another script's digits is the same NIK; stored as typed it would slip past the negative list, the
duplicate check and the search, which compare stored text. Anything that does not fold to that form
(letters in a NIK, a Cyrillic look-alike in a frame number, zero-width characters) is refused.
"""

import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import phonenumbers
from stdnum.id import nik as stdnum_nik

from angsur.scoring import errors
from angsur.scoring.errors import IdentityError, format_message

Sex = Literal["M", "F"]
SEXES: frozenset[str] = frozenset({"M", "F"})

# Province codes as used in the NIK (Kemendagri / Dukcapil numbering, Permendagri 72/2019
# and the 2022 Papua splits). stdnum's own region table (stdnum/id/loc.dat) lacks 65
# Kalimantan Utara and the new Papua provinces, so stdnum.id.nik.validate() would reject
# real residents there; we keep our own province list and only borrow stdnum's compact().
PROVINCES: dict[str, str] = {
    "11": "Aceh",
    "12": "Sumatera Utara",
    "13": "Sumatera Barat",
    "14": "Riau",
    "15": "Jambi",
    "16": "Sumatera Selatan",
    "17": "Bengkulu",
    "18": "Lampung",
    "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau",
    "31": "Jakarta",
    "32": "Jawa Barat",
    "33": "Jawa Tengah",
    "34": "Daerah Istimewa Yogyakarta",
    "35": "Jawa Timur",
    "36": "Banten",
    "51": "Bali",
    "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat",
    "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur",
    "65": "Kalimantan Utara",
    "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah",
    "73": "Sulawesi Selatan",
    "74": "Sulawesi Tenggara",
    "75": "Gorontalo",
    "76": "Sulawesi Barat",
    "81": "Maluku",
    "82": "Maluku Utara",
    "91": "Papua",
    "92": "Papua Barat",
    "93": "Papua Selatan",
    "94": "Papua Tengah",
    "95": "Papua Pegunungan",
    "96": "Papua Barat Daya",
}
PROVINCE_CODES: frozenset[str] = frozenset(PROVINCES)

# NIK: digits 7-8 are the day of birth, with 40 added for women (Dukcapil numbering).
_FEMALE_DAY_OFFSET = 40
_NIK_LENGTH = 16
_KK_LENGTH = 16
VEHICLE_NUMBER_MAX_LENGTH = 40

# Codes of this module not (yet) in scoring/errors.py; raised with their English message.
VEHICLE_NUMBER_FORMAT = "vehicle_number_format"
_VEHICLE_NUMBER_MESSAGE = "A frame or engine number may hold only letters A-Z and digits (at most 40)."


@dataclass(frozen=True, slots=True)
class NikInfo:
    """Hold what a NIK encodes: region, birth date and sex."""

    region_code: str
    province_code: str
    birth_date: date
    sex: Sex

    @property
    def regency_code(self) -> str:
        """Return the 4-digit province+regency (kabupaten/kota) code."""
        return self.region_code[:4]

    @property
    def district_code(self) -> str:
        """Return the 6-digit province+regency+district (kecamatan) code."""
        return self.region_code

    @property
    def province_name(self) -> str | None:
        """Return the province name, or None for a code outside the built-in table."""
        return PROVINCES.get(self.province_code)


@dataclass(frozen=True, slots=True)
class Mismatch:
    """Describe one difference between a NIK and the declared data."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    message: str = ""


def fold_identifier(raw: object, *, letters: bool = False, keep: str = "") -> str | None:
    """Return an identifier in its stored form, or None when it holds a character that does not fold.

    The form: Unicode compatibility-normalised (NFKC: full-width ``７`` is ``7``), every decimal digit of
    any script as its ASCII digit, spaces and dashes and dots dropped, ASCII letters in capitals (only
    with ``letters``), and the characters in ``keep`` kept as they are (``+()`` of a phone number).
    """
    if not isinstance(raw, str):
        return None
    out: list[str] = []
    for ch in unicodedata.normalize("NFKC", raw):
        if ch in keep or ("0" <= ch <= "9"):
            out.append(ch)
        elif ch.isspace() or ch == "." or unicodedata.category(ch) == "Pd":
            continue  # separators typed or pasted between groups of digits (any dash)
        elif unicodedata.category(ch) == "Nd":
            out.append(str(unicodedata.decimal(ch)))
        elif letters and ch.isascii() and ch.isalpha():
            out.append(ch.upper())
        else:
            return None
    return "".join(out)


def _digits(raw: str) -> str:
    # For masking only: the folded digits, or what stdnum's compact() leaves of something that does not fold.
    folded = fold_identifier(raw)
    if folded is not None:
        return folded
    return stdnum_nik.compact(raw) if isinstance(raw, str) else ""


def normalize_nik(nik: str) -> str:
    """Return the NIK as the 16 ASCII digits it is stored as, or raise IdentityError (nik_format)."""
    number = fold_identifier(nik)
    if number is None or len(number) != _NIK_LENGTH:
        length = len(number) if number is not None else len(nik) if isinstance(nik, str) else 0
        raise IdentityError(errors.NIK_FORMAT, {"length": length})
    return number


def _nik_digits(nik: str) -> str:
    return normalize_nik(nik)


def _birth_date(day: int, month: int, yy: int, as_of: date) -> date:
    # The NIK carries only two year digits: take the latest century that does not put
    # the birth after as_of (yy above as_of's yy falls back to the previous century).
    century = as_of.year // 100 * 100
    for year in (century + yy, century - 100 + yy):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= as_of:
            return candidate
    raise ValueError("no valid date")


def parse_nik(nik: str, *, as_of: date, province_codes: Collection[str] = PROVINCE_CODES) -> NikInfo:
    """Decode a NIK into region, birth date and sex, or raise IdentityError."""
    number = _nik_digits(nik)
    region = number[:6]
    province = region[:2]
    if province not in province_codes or region[2:4] == "00" or region[4:6] == "00":
        raise IdentityError(errors.NIK_REGION, {"region_code": region, "province_code": province})
    raw_day, month, yy = int(number[6:8]), int(number[8:10]), int(number[10:12])
    sex: Sex = "F" if raw_day > _FEMALE_DAY_OFFSET else "M"
    day = raw_day - _FEMALE_DAY_OFFSET if sex == "F" else raw_day
    try:
        if not 1 <= day <= 31:
            raise ValueError("day out of range")
        birth = _birth_date(day, month, yy, as_of)
    except ValueError:
        raise IdentityError(errors.NIK_BIRTH_DATE, {"date_digits": number[6:12]}) from None
    return NikInfo(region_code=region, province_code=province, birth_date=birth, sex=sex)


def _mismatch(code: str, **params: Any) -> Mismatch:
    return Mismatch(code=code, params=params, message=format_message(code, params))


def check_nik_against_declared(nik: str, *, birth_date: date, sex: str, as_of: date) -> tuple[Mismatch, ...]:
    """Return the differences between what the NIK encodes and the declared birth date and sex."""
    if sex not in SEXES:
        raise IdentityError(errors.SEX_INVALID, {"sex": sex})
    info = parse_nik(nik, as_of=as_of)
    found: list[Mismatch] = []
    # The NIK holds only DDMMYY, so compare those: a declared date a century away from
    # our inferred one is still what the NIK says.
    nik_dmy = (info.birth_date.day, info.birth_date.month, info.birth_date.year % 100)
    declared_dmy = (birth_date.day, birth_date.month, birth_date.year % 100)
    if nik_dmy != declared_dmy:
        found.append(_mismatch(errors.NIK_BIRTH_DATE_MISMATCH, declared=birth_date.isoformat(), from_nik=info.birth_date.isoformat()))
    if sex != info.sex:
        found.append(_mismatch(errors.NIK_SEX_MISMATCH, declared=sex, from_nik=info.sex))
    return tuple(found)


def validate_kk(number: str) -> str:
    """Return the KK (family card) number as the 16 ASCII digits it is stored as, or raise IdentityError."""
    digits = fold_identifier(number)
    if digits is None or len(digits) != _KK_LENGTH:
        raise IdentityError(errors.KK_FORMAT, {"length": len(digits) if digits is not None else len(str(number))})
    return digits


def normalize_vehicle_number(raw: str) -> str:
    """Return a frame (rangka) or engine (mesin) number as stored: A-Z and 0-9 only ("" stays ""), or raise IdentityError."""
    folded = fold_identifier(raw, letters=True)
    if folded is None or len(folded) > VEHICLE_NUMBER_MAX_LENGTH:
        raise IdentityError(VEHICLE_NUMBER_FORMAT, {"length": len(str(raw))}, message=_VEHICLE_NUMBER_MESSAGE)
    return folded


_MOBILE_TYPES = frozenset({phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE})


def normalize_phone(raw: str, *, mobile_only: bool = False) -> str:
    """Return an Indonesian phone number in E.164 form (+62...), or raise IdentityError."""
    # Digits of any script fold to ASCII; letters (phonenumbers would read "0812-CALL-ME" as a keypad) are refused.
    folded = fold_identifier(raw, keep="+()")
    shown = {"raw": str(raw)[:40]}
    if not folded:
        raise IdentityError(errors.PHONE_INVALID, shown)
    try:
        parsed = phonenumbers.parse(folded, "ID")
    except (phonenumbers.NumberParseException, TypeError):
        raise IdentityError(errors.PHONE_INVALID, shown) from None
    if not phonenumbers.is_valid_number(parsed):
        raise IdentityError(errors.PHONE_INVALID, shown)
    if parsed.country_code != 62:
        raise IdentityError(errors.PHONE_NOT_INDONESIAN, {"country_code": parsed.country_code})
    if mobile_only and phonenumbers.number_type(parsed) not in _MOBILE_TYPES:
        raise IdentityError(errors.PHONE_NOT_MOBILE)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _mask_middle(value: str, keep_start: int, keep_end: int) -> str:
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[len(value) - keep_end :]


def mask_nik(nik: str) -> str:
    """Return the NIK with its birth-date digits hidden, for lists (UU 27/2022 PDP)."""
    # Keep region (6) and serial (4); the masked middle is the birth date and sex.
    return _mask_middle(_digits(nik), 6, 4)


def mask_phone(phone: str) -> str:
    """Return the phone number with its middle digits hidden, for lists (UU 27/2022 PDP)."""
    try:
        e164 = normalize_phone(phone)
    except IdentityError:
        e164 = "".join(ch for ch in str(phone) if ch.isdigit() or ch == "+")
    # Keep "+62" and the operator prefix (3 digits) plus the last 4 digits.
    return _mask_middle(e164, 6, 4)
