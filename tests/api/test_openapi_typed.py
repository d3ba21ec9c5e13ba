"""The OpenAPI document describes every answer: dealer integrations generate their clients from it."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from angsur.finance.money import money_str

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}

# Answers that declare no schema at all, each with the reason. The test below fails once an entry is
# declared, so the list only ever shrinks.
UNDECLARED = {
    # angsur/api.py answers {"status": "ok"} without `response=`: a liveness probe, not a client's data.
    ("get", "/api/health"),
}


def openapi() -> dict[str, Any]:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def resolve(schema: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = doc["components"]["schemas"][name]
    return schema


def is_untyped(schema: dict[str, Any], doc: dict[str, Any]) -> bool:
    """A bare object (no properties, any keys of any type), a list of them, or a union with one."""
    schema = resolve(schema, doc)
    variants = schema.get("anyOf") or schema.get("oneOf") or schema.get("allOf")
    if variants:
        return any(is_untyped(s, doc) for s in variants)
    if schema.get("type") == "array":
        return is_untyped(schema.get("items", {}), doc)
    if schema.get("type", "object") != "object" or schema.get("properties"):
        return False
    extra = schema.get("additionalProperties", True)
    return extra is True or (isinstance(extra, dict) and not extra)


def answers(doc: dict[str, Any]):
    """Every successful answer of every operation: (method, path, status, JSON schema or None)."""
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            for status, response in operation["responses"].items():
                if status.startswith("2") and status != "204":  # 204 No Content has no body to describe
                    content = response.get("content", {})
                    # A file (a report as PDF or Excel) is declared by its media type as binary: that is its schema.
                    media = content.get("application/json") or next(iter(content.values()), {})
                    yield method, path, status, media.get("schema")


def test_no_answer_in_the_openapi_document_is_an_untyped_object(db):
    doc = openapi()

    untyped = [f"{method.upper()} {path} {status}" for method, path, status, schema in answers(doc) if schema and is_untyped(schema, doc)]

    assert untyped == []


def test_every_answer_declares_a_schema(db):
    doc = openapi()

    undeclared = {(method, path) for method, path, _status, schema in answers(doc) if schema is None}

    assert undeclared == UNDECLARED


def test_the_dealer_and_staff_views_of_an_application_are_both_described(db):
    doc = openapi()
    detail = doc["paths"]["/api/applications/{application_id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]

    views = {resolve(s, doc)["title"] for s in resolve(detail, doc).get("oneOf", [])}

    assert views == {"DealerApplicationOut", "StaffApplicationOut", "DeciderApplicationOut"}
    dealer = resolve({"$ref": "#/components/schemas/DealerApplicationOut"}, doc)["properties"]
    assert "notice" in dealer and not {"parties", "household", "surveys", "decisions", "bureau_checks"} & set(dealer)


# --- the quote answer is pre-serialised (not validated on the way out): the document must still match it --


def conforms(value: Any, schema: dict[str, Any], doc: dict[str, Any], where: str = "$") -> list[str]:
    """Where a JSON value departs from a JSON schema (the subset ninja emits); [] when it conforms."""
    schema = resolve(schema, doc)
    variants = schema.get("anyOf") or schema.get("oneOf")
    if variants:
        failures = [conforms(value, s, doc, where) for s in variants]
        return [] if any(not f for f in failures) else min(failures, key=len)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if not isinstance(value, dict):
            return [f"{where}: not an object"]
        properties = schema.get("properties", {})
        problems = [f"{where}.{key}: missing" for key in schema.get("required", []) if key not in value]
        # A key the answer has and the document does not name is drift, even where extra keys are
        # allowed (a stored quote read back keeps keys an older writer added; a new quote has none).
        problems += [f"{where}.{key}: not declared" for key in value if properties and key not in properties]
        for key, item in value.items():
            sub = properties.get(key, schema.get("additionalProperties"))
            if isinstance(sub, dict):
                problems += conforms(item, sub, doc, f"{where}.{key}")
        return problems
    if kind == "array":
        if not isinstance(value, list):
            return [f"{where}: not an array"]
        return [p for n, item in enumerate(value) for p in conforms(item, schema.get("items", {}), doc, f"{where}[{n}]")]
    python_types = {"string": str, "integer": int, "boolean": bool, "null": type(None), "number": (int, float)}
    if kind in python_types and (not isinstance(value, python_types[kind]) or (kind == "integer" and isinstance(value, bool))):
        return [f"{where}: {value!r} is not {kind}"]
    return []


def quote_schema(doc: dict[str, Any], status: str) -> dict[str, Any]:
    return doc["paths"]["/api/quotes"]["post"]["responses"][status]["content"]["application/json"]["schema"]


def test_a_quote_on_explicit_terms_answers_what_the_document_declares(api, cmo_a):
    doc = openapi()
    body = {"otr": "20000000", "down_payment": "4000000", "tenor_months": 12, "flat_rate": "18"}

    response = api(cmo_a).post("/api/quotes", body, content_type="application/json")

    assert response.status_code == 200, response.content
    assert conforms(response.json(), quote_schema(doc, "200"), doc) == []
    assert response.json()["installment"] == money_str(Decimal(response.json()["installment"]))  # money stays a string


def test_a_product_quote_and_a_saved_quote_answer_what_the_document_declares(api, cmo_a, products):
    doc = openapi()
    client = api(cmo_a)
    body = {"otr": "15000000", "down_payment": "3000000", "tenor_months": 12, "product": "OJK17", "vehicle_year": 2026}

    shown = client.post("/api/quotes", body, content_type="application/json")
    saved = client.post("/api/quotes", {**body, "save": True, "prospect_name": "Budi"}, content_type="application/json")

    assert shown.status_code == 200, shown.content
    assert saved.status_code == 201, saved.content
    assert conforms(shown.json(), quote_schema(doc, "200"), doc) == []
    assert conforms(saved.json(), quote_schema(doc, "201"), doc) == []
    assert "min_dp_pct" in shown.json() and "id" in saved.json()


@pytest.mark.parametrize("status", ["200", "201"])
def test_the_quote_answer_is_declared_with_its_schedule(db, status):
    doc = openapi()

    schema = resolve(quote_schema(doc, status), doc)
    variants = [resolve(s, doc) for s in schema.get("anyOf", [schema])]

    for variant in variants:
        assert {"installment", "tdp", "schedule"} <= set(variant["properties"])
        assert variant["properties"]["installment"]["type"] == "string"
