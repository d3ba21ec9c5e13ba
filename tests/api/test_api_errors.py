"""API authentication, schema and JSON errors (never an HTML page)."""

from django.test import Client


def test_openapi_schema_is_served(db):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/quotes" in paths and "/api/dealers/{dealer_id}" in paths


def test_unauthenticated_request_gets_json_401(db):
    response = Client().get("/api/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_bad_token_gets_json_401(db):
    response = Client(headers={"Authorization": "Bearer not-a-token"}).get("/api/me")
    assert response.status_code == 401


def test_token_authenticates(api, cmo_a):
    body = api(cmo_a).get("/api/me").json()
    assert body["username"] == cmo_a.username
    assert body["role"] == "cmo"
    assert "quote.create" in body["capabilities"]


def test_session_authenticates(web, cmo_a):
    assert web(cmo_a).get("/api/me").json()["username"] == cmo_a.username


def test_malformed_json_body_gets_400_with_code(api, cmo_a):
    response = api(cmo_a).post("/api/quotes", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] in {"invalid_input", "bad_request"}


def test_wrong_types_get_400_naming_the_field(api, cmo_a):
    response = api(cmo_a).post("/api/quotes", {"otr": "abc", "tenor_months": 12}, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert any(e["field"] and "otr" in e["field"] for e in body["errors"])


def test_missing_permission_gets_403_json(api, cmo_a):
    response = api(cmo_a).get("/api/audit-events")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_unknown_api_path_is_json_404(api, cmo_a):
    response = api(cmo_a).get("/api/no-such-thing")
    assert response.status_code == 404


def test_errors_answer_in_english_when_asked(api, cmo_a):
    response = api(cmo_a).get("/api/audit-events", headers={"Accept-Language": "en"})
    assert response.json()["message"] == "Your role is not allowed to do this."
