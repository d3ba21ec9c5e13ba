"""Issue 17 item 15: a decision in the wrong state answers 409; the OpenAPI document lists each route's errors."""

import pytest
from django.test import Client

from angsur.api import operation_error_statuses
from angsur.origination.models import Status


def _decide(client: Client, app_id: int, outcome: str = "approve") -> object:
    return client.post(
        f"/api/applications/{app_id}/decisions", {"outcome": outcome, "rationale": "Layak."}, content_type="application/json"
    )


@pytest.mark.parametrize("outcome", ["approve", "reject", "approve_conditions", "escalate"])
def test_a_decision_on_an_application_not_under_analysis_answers_409(api, surveyed, staff, outcome):
    # given a surveyed application nobody took for analysis
    app = surveyed()
    assert app.status == Status.SURVEYED
    # when an analyst decides it
    response = _decide(api(staff["ca"]), app.pk, outcome)
    # then it is a conflict with the application's state, not an input error or a knock-out
    assert response.status_code == 409, response.content[:300]
    assert response.json()["code"] == "invalid_transition"


def test_a_decision_on_a_cancelled_application_answers_409(api, new_application, cmo_a, staff):
    app = new_application()
    api(cmo_a).post(f"/api/applications/{app.pk}/cancel", {"reason": "Beli tunai"}, content_type="application/json")
    response = _decide(api(staff["ca"]), app.pk)
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


def _operations(document: dict) -> list[tuple[str, str, dict]]:
    return [(path, method, op) for path, ops in document["paths"].items() for method, op in ops.items()]


def test_every_route_declares_its_error_answers_with_the_error_schema(db):
    document = Client().get("/api/openapi.json").json()
    assert document["components"]["schemas"]["ErrorOut"]["required"] == ["code", "message"]
    for path, method, operation in _operations(document):
        errors = {int(status): answer for status, answer in operation["responses"].items() if int(status) >= 400}
        assert 400 in errors, (method, path)
        for status, answer in errors.items():
            assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)


def test_the_error_answers_follow_what_the_route_takes(db):
    document = Client().get("/api/openapi.json").json()
    responses = {(method, path): set(map(int, op["responses"])) for path, method, op in _operations(document)}
    assert {401, 403, 404, 409} <= responses[("post", "/api/applications/{application_id}/decisions")]
    assert 409 not in responses[("get", "/api/applications/{application_id}")]
    assert 404 not in responses[("get", "/api/me")] and 401 in responses[("get", "/api/me")]
    assert {400, 401, 403, 429} <= responses[("post", "/api/auth/token")]


def test_operation_error_statuses_reads_path_body_and_security():
    secured = {"security": [{"BearerToken": []}]}
    assert operation_error_statuses("/api/x", "get", {}) == [400]
    assert operation_error_statuses("/api/x/{id}", "put", {**secured, "requestBody": {}}) == [400, 401, 403, 404, 409]
    assert operation_error_statuses("/api/x", "post", {**secured, "requestBody": {}}) == [400, 401, 403, 404]
