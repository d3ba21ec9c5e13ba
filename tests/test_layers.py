"""Dependencies point one way: a module imports only from its own layer or the layers below.

finance | scoring < audit < org < audit screens | workflow | documents < products < dealers
< origination < servicing < collection | remedial < performance < web | api | devdata

The base modules (errors, schemas, caching, formatting, fields, routing) sit under every app and import
none. ``scoring`` may use ``finance`` (the one DSR lives there), never the reverse. The audit trail
(its model and ``audit_record``) sits under ``org``: every service writes it, org's logins and
users included, and it refers to users only through the AUTH_USER_MODEL setting. The audit
*screens* (list, API, selectors), which check roles and branches, sit above ``org``.
"""

import ast
from pathlib import Path

import angsur

ROOT = Path(angsur.__file__).parent

BASE = {"errors", "schemas", "caching", "formatting", "fields", "routing"}
LAYERS = [
    {"finance", "scoring"},
    {"audit"},
    {"org"},
    {"audit screens", "workflow", "documents"},
    {"products"},
    {"dealers"},
    {"origination"},
    {"servicing"},
    {"collection", "remedial"},
    {"performance"},
    {"web", "api", "devdata", "urls", "settings", "wsgi", "cli", "asgi"},
]
RANK = {name: -1 for name in BASE} | {name: i for i, layer in enumerate(LAYERS) for name in layer}

# Wrong-way imports not yet removed, each with where it goes. The test fails when one is added and
# when one of these disappears (then strike it here): the list only shrinks.
KNOWN: set[tuple[str, str]] = set()


# Modules that belong to another layer than their app's.
UNIT_OF_FILE = {f"audit/{name}.py": "audit screens" for name in ("api", "views", "selectors")}


def _unit(path: Path) -> str:
    relative = path.relative_to(ROOT)
    if relative.as_posix() in UNIT_OF_FILE:
        return UNIT_OF_FILE[relative.as_posix()]
    parts = relative.parts
    return parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def wrong_way_imports() -> set[tuple[str, str]]:
    found = set()
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        unit = _unit(path)
        for module in _imports(path):
            parts = module.split(".")
            if parts[0] != "angsur" or len(parts) < 2:
                continue
            target = UNIT_OF_FILE.get("/".join(parts[1:]) + ".py", parts[1])
            if target == unit:
                continue
            assert unit in RANK, f"{path}: '{unit}' has no layer in tests/test_layers.py"
            assert target in RANK, f"{path}: imports '{module}', which has no layer in tests/test_layers.py"
            same_layer_wrong_way = unit == "finance" and target == "scoring"
            if RANK[target] > RANK[unit] or same_layer_wrong_way:
                found.add((str(path.relative_to(ROOT.parent)), module))
    return found


def test_no_module_imports_from_a_layer_above_it():
    found = wrong_way_imports()
    assert found - KNOWN == set(), "wrong-way imports: " + ", ".join(f"{p} -> {m}" for p, m in sorted(found - KNOWN))
    assert KNOWN - found == set(), "these wrong-way imports are gone: strike them from KNOWN"


def test_the_layer_test_sees_a_wrong_way_import(tmp_path, monkeypatch):
    # Given a finance module that imports Django's web layer of angsur
    offender = ROOT / "finance" / "_layer_probe.py"
    offender.write_text("from angsur.web import views\n")
    try:
        # Then the check names it
        assert ("angsur/finance/_layer_probe.py", "angsur.web") in wrong_way_imports()
    finally:
        offender.unlink()


# The ORM calls a screen or an API route may not make: they read through selectors and write through services.
ORM_CALLS = {"filter", "exclude", "select_related", "prefetch_related", "annotate", "aggregate", "values_list", "order_by", "get"}
# API modules still building their answers with queries of their own (to move into selectors).
API_WITH_QUERIES: set[str] = set()


def _queries(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append(f"{node.lineno}: .objects")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ORM_CALLS:
            if node.func.attr == "get" and not (isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "objects"):
                continue  # dict.get, request.GET.get
            found.append(f"{node.lineno}: .{node.func.attr}()")
        elif isinstance(node, ast.Name) and node.id == "prefetch_related_objects":
            found.append(f"{node.lineno}: prefetch_related_objects")
    return found


def test_screens_and_api_routes_hold_no_queries():
    offenders = {}
    for path in [*ROOT.glob("*/views.py"), *ROOT.glob("*/*_views.py"), *ROOT.glob("*/api.py"), *ROOT.glob("*/*_api.py"), ROOT / "api.py"]:
        name = str(path.relative_to(ROOT.parent))
        found = _queries(path)
        if found and name not in API_WITH_QUERIES:
            offenders[name] = found
    assert not offenders, offenders
    still = {name for name in API_WITH_QUERIES if _queries(ROOT.parent / name)}
    assert still == API_WITH_QUERIES, f"no queries left in {API_WITH_QUERIES - still}: strike them from API_WITH_QUERIES"
