"""The error type and codes the Django layer translates, and the core's purity."""

import ast
import pickle
import re
from pathlib import Path

import pytest

import angsur.finance
import angsur.scoring
from angsur.finance import ERROR_CODES, FinanceError, errors

FINANCE_DIR = Path(angsur.finance.__file__).parent


def test_every_code_is_a_snake_case_module_constant_with_a_message():
    constants = {value for name, value in vars(errors).items() if name.isupper() and isinstance(value, str)}

    assert constants == set(ERROR_CODES)
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", code) for code in ERROR_CODES)
    assert {
        "dp_not_below_otr",
        "tenor_not_allowed",
        "rate_out_of_range",
        "amount_not_positive",
        "dp_below_minimum",
        "vehicle_too_old",
    } <= ERROR_CODES


def test_error_carries_code_field_params_and_an_english_message():
    error = FinanceError("tenor_not_allowed", field="tenor_months", params={"tenor": 18, "allowed": "12, 24"})

    assert (error.code, error.field, error.params) == ("tenor_not_allowed", "tenor_months", {"tenor": 18, "allowed": "12, 24"})
    assert str(error) == error.message == "A tenor of 18 months is not offered (allowed: 12, 24)."


def test_error_message_falls_back_to_the_template_when_params_are_missing():
    assert FinanceError("tenor_not_allowed").message.startswith("A tenor of {tenor}")


def test_error_survives_pickling():
    error = FinanceError("dp_below_minimum", field="down_payment", params={"required_pct": "20", "required_amount": "3000000"})
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes

    assert (copy.code, copy.field, copy.params, copy.message) == (error.code, error.field, error.params, error.message)


# The places binary floating point may appear: the IRR solver's starting point (and its expansion), which the exact Decimal Newton
# then refines (tests/finance/test_finance_properties.py checks it changes no result), and the root a level
# schedule's IRR bracket starts from, which the certificate proves in exact integers (tests/finance/test_rate_bracket.py).
FLOAT_ALLOWED = {
    ("rates.py", "_float_guess"),
    ("rates.py", "_float_root_value"),
    ("rates.py", "_level_root"),
    ("rates.py", "_certified_bracket"),
}


def _nodes_outside_allowed_functions(path: Path, tree: ast.AST):
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef) and (path.name, node.name) in FLOAT_ALLOWED:
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


SCORING_DIR = Path(angsur.scoring.__file__).parent


@pytest.mark.parametrize("core", [FINANCE_DIR, SCORING_DIR], ids=["finance", "scoring"])
def test_pure_cores_import_no_django_and_compute_no_float(core):
    for path in core.glob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in _nodes_outside_allowed_functions(path, tree):
            if isinstance(node, ast.Import):
                assert not any(alias.name.split(".")[0] == "django" for alias in node.names), path
            if isinstance(node, ast.ImportFrom):
                assert (node.module or "").split(".")[0] != "django", path
            if isinstance(node, ast.Constant):
                assert not isinstance(node.value, float), f"float literal in {path.name}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id != "float", f"float() in {path.name}"
            if core == FINANCE_DIR and isinstance(node, ast.Name):
                # The money core does not even name float (scoring names it to refuse float inputs).
                assert node.id != "float", f"float in {path.name}"


def test_the_float_exemption_names_functions_that_exist():
    for file_name, function in FLOAT_ALLOWED:
        tree = ast.parse((FINANCE_DIR / file_name).read_text())
        assert any(isinstance(node, ast.FunctionDef) and node.name == function for node in ast.walk(tree))
