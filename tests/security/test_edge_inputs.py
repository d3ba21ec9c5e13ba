"""Issue 17 item 11: inputs that were server errors (500) answer 400 at the edge, on SQLite and PostgreSQL.

A NUL character in any text (PostgreSQL refuses it in text columns, at the first query), dates near
year 1 or 9999 (a datetime overflows when converted to UTC; a schedule overflows past 9999) and an audit
offset beyond PostgreSQL's bigint.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from angsur.devdata.factories import DEMO_PASSWORD
from angsur.origination.services import survey_assign
from tests.security.test_uploads import jpeg_bytes

NUL = "\x00"
QUOTE = {"otr": "15000000", "down_payment": "3000000", "tenor_months": 12, "flat_rate": "17"}


def _json(client: Client, path: str, body: dict, method: str = "post"):
    return getattr(client, method)(path, body, content_type="application/json")


def assert_refused(response, code: str = "invalid_input") -> None:
    assert response.status_code == 400, response.content[:300]
    if response["Content-Type"].startswith("application/json"):
        assert response.json()["code"] == code


# --- NUL -------------------------------------------------------------------------------------------------


def test_a_nul_in_the_anonymous_token_request_is_refused(db):
    response = _json(Client(), "/api/auth/token", {"username": f"cmo{NUL}.a", "password": DEMO_PASSWORD})
    assert_refused(response)


def test_a_nul_in_a_json_key_is_refused(api, cmo_a):
    assert_refused(_json(api(cmo_a), "/api/quotes", {**QUOTE, f"prospect{NUL}": "x"}))


def test_a_nul_deep_in_a_json_body_is_refused(api, cmo_a, dealer_a, credit):
    body = {"dealer_id": dealer_a.pk, "product": "NMC", "otr": "1", "down_payment": "0", "tenor_months": 12}
    body["vehicle"] = {"brand": "Honda", "model": f"Beat{NUL}", "year": 2026}
    assert_refused(_json(api(cmo_a), "/api/applications", body))


def test_an_escaped_backslash_before_u0000_is_plain_text_not_a_nul(api, cmo_a):
    # the JSON text "\\u0000" is a backslash followed by "u0000": no NUL, nothing to refuse
    response = api(cmo_a).post(
        "/api/quotes",
        b'{"otr": "15000000", "down_payment": "3000000", "tenor_months": 12, "flat_rate": "17", "prospect_name": "a\\\\u0000"}',
        content_type="application/json",
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/api/applications?q=a%00b", "/api/audit-events?actor=a%00", "/api/quotes?q=%00", "/api/dealers?q=%00"],
)
def test_a_nul_in_an_api_query_string_is_refused(api, bm_a, path):
    assert_refused(api(bm_a).get(path))


@pytest.mark.parametrize("path", ["/applications/?q=a%00b", "/dealers/?q=%00", "/audit/?actor=%00"])
def test_a_nul_in_a_page_query_string_is_refused(web, bm_a, path):
    response = web(bm_a).get(path)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_in_a_login_form_is_refused(db):
    assert Client().post("/login/", {"username": f"a{NUL}", "password": "x"}).status_code == 400


def test_a_nul_in_a_multipart_form_field_is_refused(api, new_application, cmo_a):
    app = new_application()
    upload = SimpleUploadedFile("ktp.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = api(cmo_a).post(f"/api/applications/{app.pk}/documents", {"kind": f"ektp{NUL}", "file": upload})
    assert_refused(response)


# --- dates near year 1 and 9999 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "scheduled_for", ["0001-01-01T00:00:00", "0001-01-01T00:00:00+07:00", "9999-12-31T23:59:00-05:00", "9999-12-31T23:59:59"]
)
def test_a_survey_visit_near_year_1_or_9999_is_refused(api, new_application, cmo_a, staff, scheduled_for):
    app = new_application()
    body = {"surveyor_id": cmo_a.pk, "scheduled_for": scheduled_for}
    response = _json(api(staff["ms"]), f"/api/applications/{app.pk}/survey-assignment", body)
    assert_refused(response)
    assert response.json()["errors"][0]["field"].endswith("scheduled_for")


@pytest.mark.parametrize("first_due_date", ["9998-06-01", "9999-12-31", "0001-01-01"])
def test_a_quote_first_due_in_year_9998_9999_or_1_is_refused(api, cmo_a, first_due_date):
    response = _json(api(cmo_a), "/api/quotes", {**QUOTE, "tenor_months": 60, "first_due_date": first_due_date})
    assert_refused(response)
    assert response.json()["errors"][0]["field"].endswith("first_due_date")


def test_a_quote_first_due_in_a_normal_year_is_priced(api, cmo_a):
    response = _json(api(cmo_a), "/api/quotes", {**QUOTE, "first_due_date": "2027-01-15"})
    assert response.status_code == 200
    assert response.json()["schedule"][0]["due_date"] == "2027-01-15"


@pytest.mark.parametrize("param", ["date_from", "date_to"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_an_audit_filter_near_year_1_or_9999_is_refused(api, web, bm_a, param, day):
    assert_refused(api(bm_a).get("/api/audit-events", {param: day}))
    assert web(bm_a).get("/audit/", {param: day}).status_code == 400


def test_a_photo_time_near_year_1_is_refused_not_a_server_error(api, new_application, cmo_a):
    """The photo endpoint takes `taken_at` as a form field, outside a body schema."""
    app = new_application()
    survey = survey_assign(actor=cmo_a, application=app, surveyor=cmo_a, scheduled_for=timezone.now())
    upload = SimpleUploadedFile("r.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = api(cmo_a).post(f"/api/surveys/{survey.pk}/photos", {"file": upload, "taken_at": "0001-01-01T00:00:00+07:00"})
    assert response.status_code == 400


# --- offsets ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [{"offset": 2**63}, {"offset": 2**63 - 1}, {"offset": -1}, {"limit": 0}, {"limit": 501}])
def test_an_audit_page_beyond_the_bounds_is_refused(api, bm_a, query):
    assert_refused(api(bm_a).get("/api/audit-events", query))


def test_an_audit_page_within_the_bounds_is_served(api, bm_a):
    assert api(bm_a).get("/api/audit-events", {"offset": 1_000_000_000, "limit": 500}).json() == []
