"""Score an application on a configurable points scorecard and grade it."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any, NoReturn

from angsur.scoring import errors
from angsur.scoring.errors import ScorecardError

NUMERIC = "numeric"
CATEGORICAL = "categorical"

# How each line was scored.
MATCHED = "matched"
MISSING = "missing"
UNMATCHED = "unmatched"

FORMAT_VERSION = 1

Value = Decimal | int | str | None


def _invalid(reason: str, **params: Any) -> NoReturn:
    raise ScorecardError(errors.SCORECARD_INVALID, {"reason": reason, **params})


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _bound(value: object, name: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        _invalid(f"bin {name} must be a Decimal, an int or None")
    bound = Decimal(value)
    if not bound.is_finite():
        _invalid(f"bin {name} must be finite")
    return bound


@dataclass(frozen=True, slots=True)
class Bin:
    """Award points to a numeric range [lower, upper) or to one category."""

    lower: Decimal | None = None
    upper: Decimal | None = None
    category: str | None = None
    points: int = 0
    label: str = ""

    def __post_init__(self) -> None:
        """Validate the bin; a bin is either categorical or numeric, never both."""
        if not _is_int(self.points):
            _invalid(f"bin {self.label!r} points must be a whole number")
        if not isinstance(self.label, str) or not self.label.strip():
            _invalid("every bin needs a label")
        if self.category is not None:
            if not isinstance(self.category, str) or not self.category:
                _invalid(f"bin {self.label!r} category must be a non-empty string")
            if self.lower is not None or self.upper is not None:
                _invalid(f"bin {self.label!r} cannot have both a category and bounds")
            return
        lower, upper = _bound(self.lower, "lower"), _bound(self.upper, "upper")
        if lower is not None and upper is not None and lower >= upper:
            _invalid(f"bin {self.label!r} lower bound {lower} must be below its upper bound {upper}")
        object.__setattr__(self, "lower", lower)
        object.__setattr__(self, "upper", upper)

    @property
    def kind(self) -> str:
        """Return "categorical" or "numeric"."""
        return CATEGORICAL if self.category is not None else NUMERIC

    def matches(self, value: Decimal | str) -> bool:
        """Return True when the (already normalised) value falls in this bin."""
        if self.category is not None:
            return value == self.category
        assert isinstance(value, Decimal)
        return (self.lower is None or value >= self.lower) and (self.upper is None or value < self.upper)


@dataclass(frozen=True, slots=True)
class Attribute:
    """Describe one scored characteristic: its bins and the points when the value is missing."""

    code: str
    label: str
    bins: tuple[Bin, ...]
    missing_points: int = 0

    def __post_init__(self) -> None:
        """Validate that the bins are of one kind, sorted, contiguous and non-overlapping."""
        if not isinstance(self.code, str) or not self.code:
            _invalid("every attribute needs a code")
        if not isinstance(self.label, str) or not self.label.strip():
            _invalid(f"attribute {self.code} needs a label", attribute=self.code)
        if not _is_int(self.missing_points):
            _invalid(f"attribute {self.code} missing_points must be a whole number", attribute=self.code)
        bins = tuple(self.bins)
        if not bins or not all(isinstance(b, Bin) for b in bins):
            _invalid(f"attribute {self.code} needs at least one bin", attribute=self.code)
        object.__setattr__(self, "bins", bins)
        kinds = {b.kind for b in bins}
        if len(kinds) > 1:
            _invalid(f"attribute {self.code} mixes numeric and categorical bins", attribute=self.code)
        if kinds == {CATEGORICAL}:
            categories = [b.category for b in bins]
            if len(set(categories)) != len(categories):
                _invalid(f"attribute {self.code} lists a category twice", attribute=self.code)
            return
        for before, after in pairwise(bins):
            if before.upper is None or after.lower is None:
                _invalid(f"attribute {self.code}: only the first bin may be open below and only the last open above", attribute=self.code)
            if after.lower < before.upper:
                _invalid(
                    f"attribute {self.code}: bins {before.label!r} and {after.label!r} overlap or are not sorted",
                    attribute=self.code,
                )
            if after.lower > before.upper:
                _invalid(f"attribute {self.code}: gap between {before.upper} and {after.lower}", attribute=self.code)

    @property
    def kind(self) -> str:
        """Return "categorical" or "numeric"."""
        return self.bins[0].kind

    @property
    def min_points(self) -> int:
        """Return the fewest points this attribute can give, missing included."""
        return min(self.missing_points, *(b.points for b in self.bins))

    @property
    def max_points(self) -> int:
        """Return the most points this attribute can give, missing included."""
        return max(self.missing_points, *(b.points for b in self.bins))


@dataclass(frozen=True, slots=True)
class Grade:
    """Name the grade given to totals of at least min_score."""

    code: str
    min_score: int

    def __post_init__(self) -> None:
        """Validate the grade."""
        if not isinstance(self.code, str) or not self.code:
            _invalid("every grade needs a code")
        if not _is_int(self.min_score):
            _invalid(f"grade {self.code} min_score must be a whole number")


@dataclass(frozen=True, slots=True)
class Scorecard:
    """Hold a complete scorecard: base points, attributes and grades from best to worst."""

    code: str
    base_points: int
    attributes: tuple[Attribute, ...]
    grades: tuple[Grade, ...]

    def __post_init__(self) -> None:
        """Validate unique codes, descending grades, and that every reachable total has a grade."""
        if not isinstance(self.code, str) or not self.code:
            _invalid("the scorecard needs a code")
        if not _is_int(self.base_points):
            _invalid("base_points must be a whole number")
        attributes, grades = tuple(self.attributes), tuple(self.grades)
        if not attributes or not all(isinstance(a, Attribute) for a in attributes):
            _invalid("the scorecard needs at least one attribute")
        if not grades or not all(isinstance(g, Grade) for g in grades):
            _invalid("the scorecard needs at least one grade")
        codes = [a.code for a in attributes]
        if len(set(codes)) != len(codes):
            _invalid("an attribute code is listed twice")
        grade_codes = [g.code for g in grades]
        if len(set(grade_codes)) != len(grade_codes):
            _invalid("a grade code is listed twice")
        for better, worse in pairwise(grades):
            if worse.min_score >= better.min_score:
                _invalid(f"grades must be listed best first with falling min_score ({better.code} then {worse.code})")
        object.__setattr__(self, "attributes", attributes)
        object.__setattr__(self, "grades", grades)
        lowest = grades[-1]
        if lowest.min_score > self.min_score:
            _invalid(f"the lowest grade {lowest.code} starts at {lowest.min_score} but a total can be as low as {self.min_score}")

    @property
    def min_score(self) -> int:
        """Return the lowest reachable total."""
        return self.base_points + sum(a.min_points for a in self.attributes)

    @property
    def max_score(self) -> int:
        """Return the highest reachable total."""
        return self.base_points + sum(a.max_points for a in self.attributes)

    def grade_for(self, total: int) -> str:
        """Return the grade code for a total."""
        for grade in self.grades:
            if total >= grade.min_score:
                return grade.code
        return self.grades[-1].code


@dataclass(frozen=True, slots=True)
class ScoreLine:
    """Show how one attribute scored: its value, the bin it fell in and the points."""

    code: str
    label: str
    value: Decimal | str | None
    bin_label: str
    points: int
    status: str = MATCHED


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """Hold the total, the grade and one line per attribute."""

    total: int
    grade: str
    lines: tuple[ScoreLine, ...]
    base_points: int = 0
    scorecard_code: str = ""


def _normalise(attribute: Attribute, raw: object) -> Decimal | str:
    def bad() -> NoReturn:
        raise ScorecardError(errors.SCORE_VALUE_INVALID, {"attribute": attribute.code, "value": str(raw)})

    if isinstance(raw, bool | float):
        bad()
    if attribute.kind == CATEGORICAL:
        if isinstance(raw, str):
            return raw
        if isinstance(raw, Decimal | int):
            return str(raw)
        bad()
    if isinstance(raw, Decimal | int):
        number = Decimal(raw)
    elif isinstance(raw, str):
        try:
            number = Decimal(raw.strip())
        except InvalidOperation:
            bad()
    else:
        bad()
    if not number.is_finite():
        bad()
    return number


def score(card: Scorecard, values: Mapping[str, Value]) -> ScoreResult:
    """Score values on the card; every attribute gets a line, missing or unmatched ones their missing_points."""
    lines: list[ScoreLine] = []
    for attribute in card.attributes:
        raw = values.get(attribute.code)
        if raw is None:
            lines.append(ScoreLine(attribute.code, attribute.label, None, "missing", attribute.missing_points, MISSING))
            continue
        value = _normalise(attribute, raw)
        found = next((b for b in attribute.bins if b.matches(value)), None)
        if found is None:
            # A value outside every bin scores like a missing one, and says so.
            lines.append(ScoreLine(attribute.code, attribute.label, value, "unmatched", attribute.missing_points, UNMATCHED))
        else:
            lines.append(ScoreLine(attribute.code, attribute.label, value, found.label, found.points, MATCHED))
    total = card.base_points + sum(line.points for line in lines)
    return ScoreResult(total=total, grade=card.grade_for(total), lines=tuple(lines), base_points=card.base_points, scorecard_code=card.code)


# --- JSON storage -----------------------------------------------------------------

_CARD_KEYS = {"format", "code", "base_points", "attributes", "grades"}
_ATTRIBUTE_KEYS = {"code", "label", "missing_points", "bins"}
_BIN_KEYS = {"lower", "upper", "category", "points", "label"}
_GRADE_KEYS = {"code", "min_score"}


def _bound_to_json(bound: Decimal | None) -> str | None:
    return None if bound is None else str(bound)


def scorecard_to_dict(card: Scorecard) -> dict[str, Any]:
    """Return the card as a JSON-safe dict (Decimals as strings)."""
    return {
        "format": FORMAT_VERSION,
        "code": card.code,
        "base_points": card.base_points,
        "attributes": [
            {
                "code": a.code,
                "label": a.label,
                "missing_points": a.missing_points,
                "bins": [
                    {
                        "lower": _bound_to_json(b.lower),
                        "upper": _bound_to_json(b.upper),
                        "category": b.category,
                        "points": b.points,
                        "label": b.label,
                    }
                    for b in a.bins
                ],
            }
            for a in card.attributes
        ],
        "grades": [{"code": g.code, "min_score": g.min_score} for g in card.grades],
    }


def _mapping(data: object, where: str, allowed: set[str], required: set[str]) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        _invalid(f"{where} must be an object", path=where)
    if unknown := set(data) - allowed:
        _invalid(f"{where} has unknown keys {sorted(map(str, unknown))}", path=where)
    if missing := required - set(data):
        _invalid(f"{where} lacks keys {sorted(missing)}", path=where)
    return data


def _list(data: object, where: str) -> list[Any]:
    if not isinstance(data, list | tuple):
        _invalid(f"{where} must be a list", path=where)
    return list(data)


def _bound_from_json(value: object, where: str) -> Decimal | None:
    # Bounds are stored as strings (exact); ints are accepted, floats are not.
    if value is None:
        return None
    if _is_int(value):
        return Decimal(value)
    if isinstance(value, str):
        try:
            bound = Decimal(value.strip())
        except InvalidOperation:
            _invalid(f"{where} is not a decimal number", path=where)
        if bound.is_finite():
            return bound
    _invalid(f"{where} must be a decimal string, an int or null", path=where)


def _bin_from_dict(data: object, where: str) -> Bin:
    data = _mapping(data, where, _BIN_KEYS, {"points", "label"})
    try:
        return Bin(
            lower=_bound_from_json(data.get("lower"), f"{where}.lower"),
            upper=_bound_from_json(data.get("upper"), f"{where}.upper"),
            category=data.get("category"),
            points=data["points"],
            label=data["label"],
        )
    except ScorecardError as exc:
        exc.params.setdefault("path", where)
        raise


def _attribute_from_dict(data: object, where: str) -> Attribute:
    data = _mapping(data, where, _ATTRIBUTE_KEYS, {"code", "label", "bins"})
    bins = tuple(_bin_from_dict(b, f"{where}.bins[{i}]") for i, b in enumerate(_list(data["bins"], f"{where}.bins")))
    try:
        return Attribute(code=data["code"], label=data["label"], bins=bins, missing_points=data.get("missing_points", 0))
    except ScorecardError as exc:
        exc.params.setdefault("path", where)
        raise


def scorecard_from_dict(data: Mapping[str, Any]) -> Scorecard:
    """Build and validate a card from its dict form, or raise ScorecardError("scorecard_invalid")."""
    data = _mapping(data, "scorecard", _CARD_KEYS, {"code", "base_points", "attributes", "grades"})
    if data.get("format", FORMAT_VERSION) != FORMAT_VERSION:
        _invalid(f"unsupported format {data.get('format')!r}", path="format")
    attributes = tuple(_attribute_from_dict(a, f"attributes[{i}]") for i, a in enumerate(_list(data["attributes"], "attributes")))
    grades = tuple(Grade(**_mapping(g, f"grades[{i}]", _GRADE_KEYS, _GRADE_KEYS)) for i, g in enumerate(_list(data["grades"], "grades")))
    return Scorecard(code=data["code"], base_points=data["base_points"], attributes=attributes, grades=grades)


# --- Demo card --------------------------------------------------------------------


def _num(lower: str | None, upper: str | None, points: int, label: str) -> Bin:
    return Bin(None if lower is None else Decimal(lower), None if upper is None else Decimal(upper), None, points, label)


def _cat(category: str, points: int, label: str) -> Bin:
    return Bin(None, None, category, points, label)


# A realistic demonstration card for Indonesian vehicle finance, not a validated model:
# points follow the usual directions (stability, capacity, own capital, bureau history).
# Every company must fit and validate its own card on its own performance data.
DEFAULT_SCORECARD = Scorecard(
    code="vehicle_demo_v1",
    base_points=300,
    attributes=(
        Attribute(
            "age",
            "Age at application (years)",
            (
                _num(None, "21", 5, "under 21"),
                _num("21", "25", 15, "21–24"),
                _num("25", "30", 30, "25–29"),
                _num("30", "40", 45, "30–39"),
                _num("40", "50", 50, "40–49"),
                _num("50", "56", 35, "50–55"),
                _num("56", None, 15, "56 and over"),
            ),
            missing_points=0,
        ),
        Attribute(
            "dsr_pct",
            "Debt service ratio (%)",
            (
                _num(None, "20", 70, "under 20%"),
                _num("20", "25", 60, "20% to under 25%"),
                _num("25", "30", 45, "25% to under 30%"),
                # ≤ 30 % healthy, ≤ 33 % the usual ceiling (domain primer §3); DSR is
                # quantised to 0.01, so 33.00 still falls in this bin.
                _num("30", "33.01", 25, "30% to 33%"),
                _num("33.01", "40", 5, "over 33% to under 40%"),
                _num("40", None, -20, "40% and over"),
            ),
            missing_points=-20,
        ),
        Attribute(
            "residence_ownership",
            "Residence ownership",
            (
                _cat("own", 60, "own home"),
                _cat("family", 45, "family home"),
                _cat("official", 40, "official housing (rumah dinas)"),
                _cat("rent", 20, "rented / boarding (kontrak / kos)"),
            ),
            missing_points=10,
        ),
        Attribute(
            "residence_months",
            "Length of stay (months)",
            (
                _num(None, "12", 10, "under 1 year"),
                _num("12", "24", 25, "1–2 years"),
                _num("24", "60", 40, "2–5 years"),
                _num("60", None, 50, "5 years and over"),
            ),
            missing_points=10,
        ),
        Attribute(
            "employment_months",
            "Length of employment / business (months)",
            (
                _num(None, "12", 10, "under 1 year"),
                _num("12", "24", 25, "1–2 years"),
                _num("24", "60", 40, "2–5 years"),
                _num("60", None, 50, "5 years and over"),
            ),
            missing_points=10,
        ),
        Attribute(
            "employment_type",
            "Employment type",
            (
                _cat("employee", 45, "employee (karyawan)"),
                _cat("self_employed", 35, "self-employed (wiraswasta)"),
                _cat("other", 20, "other"),
            ),
            missing_points=0,
        ),
        Attribute(
            "dependents",
            "Dependents (tanggungan)",
            (
                _num(None, "1", 35, "none"),
                _num("1", "3", 40, "1–2"),
                _num("3", "5", 25, "3–4"),
                _num("5", None, 10, "5 and more"),
            ),
            missing_points=10,
        ),
        Attribute(
            "dp_pct",
            "Down payment (% of OTR)",
            (
                _num(None, "15", 5, "under 15%"),
                _num("15", "20", 20, "15–20%"),
                _num("20", "25", 35, "20–25%"),
                _num("25", "30", 45, "25–30%"),
                _num("30", None, 60, "30% and over"),
            ),
            missing_points=0,
        ),
        Attribute(
            "bureau_kol",
            "Worst SLIK collectibility",
            (
                _num("1", "2", 60, "Kol 1 (lancar)"),
                _num("2", "3", 10, "Kol 2 (dalam perhatian khusus)"),
                _num("3", None, -60, "Kol 3–5"),
            ),
            # No bureau record: new to credit, scored between Kol 1 and Kol 2.
            missing_points=30,
        ),
        Attribute(
            "vehicle_kind",
            "Vehicle",
            (
                _cat("motorcycle", 20, "motorcycle"),
                _cat("car", 35, "car"),
            ),
            missing_points=0,
        ),
    ),
    grades=(
        Grade("A", 700),
        Grade("B", 620),
        Grade("C", 540),
        Grade("D", 460),
        Grade("E", 0),
    ),
)
