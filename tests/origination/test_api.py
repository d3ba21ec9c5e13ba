"""The origination REST API: orders, scoping and privacy, the whole walk, conflicts, upload checks, the schema."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from angsur.dealers.services import dealer_coverage_set
from angsur.devdata.factories import make_application, nik_for
from angsur.org.clock import branch_today
from angsur.origination.models import Application, Document
from angsur.origination.services import analysis_start, bureau_check_record, decision_record
from angsur.origination.workflow import Status
from angsur.scoring import mask_nik, mask_phone
from tests.origination.conftest import AS_OF, JPEG

BIRTH = dt.date(1990, 1, 12)
NIK = nik_for(BIRTH)
PHONE_E164 = "+6281234567890"
PDF = b"%PDF-1.4\n" + b"0" * 200


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def order(dealer: Any, *, applicant: dict | None = None, household: dict | None = None, **top: Any) -> dict[str, Any]:
    """A valid order body for the demo NMC product (Honda Vario, 24 months)."""
    body: dict[str, Any] = {
        "dealer_id": dealer.pk,
        "product": "NMC",
        "vehicle": {"brand": "Honda", "model": "Vario 125", "year": timezone.localdate().year, "condition": "new", "colour": "Hitam"},
        "otr": "23400000",
        "down_payment": "4700000",
        "tenor_months": 24,
        "applicant": {
            "full_name": "Budi Santoso",
            "nik": NIK,
            "birth_place": "Jakarta",
            "birth_date": BIRTH.isoformat(),
            "sex": "M",
            "marital_status": "married",
            "phone": "0812-3456-7890",
            "ktp_address": "Jl. Pemuda No. 10, Rawamangun, Jakarta Timur",
            "mother_maiden_name": "Siti",
            "employer_name": "PT Maju Jaya",
            "position": "Staf",
            "employment_months": 36,
            "monthly_income": "6000000",
            **(applicant or {}),
        },
        "household": {
            "declared_income": "6000000",
            "household_expense": "2000000",
            "dependents": 2,
            "residence_ownership": "own",
            "residence_months": 48,
            "address_latitude": "-6.200000",
            "address_longitude": "106.900000",
            **(household or {}),
        },
        "submit": True,
    }
    return {**body, **top}


def post(client: Client, url: str, body: Any = None) -> Any:
    return client.post(url, body if body is not None else {}, content_type="application/json")


def survey_body(version: int, **changes: Any) -> dict[str, Any]:
    return {
        "residence_ownership": "own",
        "residence_months": 48,
        "house_type": "Rumah permanen",
        "house_condition": "Baik",
        "road_access": "Mobil bisa masuk",
        "employer_verified": True,
        "employment_verification": "Telepon HRD PT Maju Jaya",
        "employment_months": 36,
        "dependents": 2,
        "verified_income": "6000000",
        "household_income": "0",
        "household_expense": "2000000",
        "recommendation": "recommend",
        "recommendation_reason": "Rumah sendiri, kerja tetap.",
        "latitude": "-6.200500",
        "longitude": "106.900400",
        "informants": [
            {"name": "Pak RT Slamet", "relation": "Ketua RT", "confirms_residence": True, "answer": "Benar tinggal di sini sejak 2022."},
            {"name": "Ibu Wati", "relation": "Tetangga", "confirms_residence": True, "answer": "Kenal baik, tidak pernah ada masalah."},
        ],
        "expected_version": version,
        **changes,
    }


def all_keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in all_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in all_keys(v)}
    return set()


# --- create and list ---------------------------------------------------------------------------------------


def test_cmo_creates_an_order_and_the_list_masks_nik_and_phone(api, credit, cmo_a, dealer_a):
    client = api(cmo_a)

    response = post(client, "/api/applications", order(dealer_a))

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == Status.SUBMITTED and body["number"].startswith("APP-JKT-")
    assert body["cmo"]["id"] == cmo_a.pk and body["dealer"]["id"] == dealer_a.pk
    assert Decimal(body["terms"]["installment"]) > 0 and body["terms"]["otr"] == "23400000"
    assert body["household"]["declared_income"] == "6000000"
    applicant = body["parties"][0]
    assert applicant["nik"] == NIK and applicant["phone"] == PHONE_E164  # staff detail: unmasked
    assert "assign_survey" in body["allowed_actions"]

    listed = client.get("/api/applications")
    assert listed.status_code == 200
    [row] = listed.json()
    assert row["id"] == body["id"] and row["dealer_name"] == dealer_a.name
    assert row["applicant_nik"] == mask_nik(NIK) != NIK
    assert row["applicant_phone"] == mask_phone(PHONE_E164) != PHONE_E164
    assert NIK not in listed.content.decode() and PHONE_E164 not in listed.content.decode()

    found = client.get("/api/applications", {"q": NIK}).json()
    assert [r["id"] for r in found] == [body["id"]]
    assert client.get("/api/applications", {"status": "approved"}).json() == []
    assert client.get("/api/applications", {"status": "bogus"}).json()["code"] == "invalid_status"


def test_a_draft_order_is_submitted_later(api, credit, cmo_a, dealer_a):
    client = api(cmo_a)
    draft = post(client, "/api/applications", order(dealer_a, submit=False)).json()
    assert draft["status"] == Status.DRAFT

    submitted = post(client, f"/api/applications/{draft['id']}/submit", {"expected_version": draft["version"]})

    assert submitted.status_code == 200
    assert submitted.json()["status"] == Status.SUBMITTED and submitted.json()["version"] == draft["version"] + 1


def test_a_dealer_system_orders_for_its_own_dealer_and_gets_the_dealer_view(api, credit, cmo_a, dealer_a, dealer_user_a):
    dealer_coverage_set(actor=None, dealer=dealer_a, user=cmo_a, is_primary=True)
    body = order(dealer_a)
    del body["dealer_id"]

    response = post(api(dealer_user_a), "/api/applications", body)

    assert response.status_code == 201, response.content
    view = response.json()
    assert view["status"] == Status.SUBMITTED and view["notice"]["status"] == Status.SUBMITTED
    assert "parties" not in view and NIK not in response.content.decode()
    assert Application.objects.get(pk=view["id"]).cmo == cmo_a


@pytest.mark.parametrize(
    ("applicant", "household", "code", "field"),
    [
        ({"nik": "12345"}, None, "nik_format", "applicant.nik"),
        ({"sex": "F"}, None, "nik_sex_mismatch", "applicant.nik"),
        ({"phone": "12"}, None, "phone_invalid", "applicant.phone"),
        ({"monthly_income": "0"}, {"declared_income": None}, "income_not_positive", "applicant.monthly_income"),
        ({"monthly_income": "6000000"}, {"declared_income": "5000000"}, "income_mismatch", "applicant.monthly_income"),
    ],
)
def test_bad_order_data_is_refused_naming_the_field(api, credit, cmo_a, dealer_a, applicant, household, code, field):
    response = post(api(cmo_a), "/api/applications", order(dealer_a, applicant=applicant, household=household))

    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["field"] == field
    assert Application.objects.count() == 0


def test_malformed_or_mistyped_body_is_invalid_input(api, credit, cmo_a, dealer_a):
    client = api(cmo_a)

    broken = client.post("/api/applications", "{not json", content_type="application/json")
    mistyped = post(client, "/api/applications", order(dealer_a, tenor_months="dua puluh empat", otr="1.001"))

    assert broken.status_code == 400 and broken.json()["code"] == "invalid_input"
    assert mistyped.status_code == 400 and mistyped.json()["code"] == "invalid_input"
    fields = {e["field"] for e in mistyped.json()["errors"]}
    assert any(f.endswith("tenor_months") for f in fields) and any(f.endswith("otr") for f in fields)
    assert Application.objects.count() == 0


def test_an_order_for_a_dealer_of_another_branch_is_not_found(api, credit, cmo_a, dealer_b):
    response = post(api(cmo_a), "/api/applications", order(dealer_b))
    assert response.status_code == 404 and response.json()["code"] == "not_found"


# --- scoping and privacy -----------------------------------------------------------------------------------


def test_dealer_user_cannot_read_another_dealers_application(api, credit, cmo_a, cmo_b, dealer_a2, dealer_b, dealer_user_a):
    same_branch = make_application(actor=cmo_a, dealer=dealer_a2, as_of=AS_OF)
    other_branch = make_application(actor=cmo_b, dealer=dealer_b, as_of=AS_OF)
    client = api(dealer_user_a)

    for app in (same_branch, other_branch):
        response = client.get(f"/api/applications/{app.pk}")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.get("/api/applications").json() == []


def test_cmo_of_another_branch_gets_404(api, new_application, cmo_b):
    app = new_application()
    client = api(cmo_b)

    assert client.get(f"/api/applications/{app.pk}").status_code == 404
    cancel = post(client, f"/api/applications/{app.pk}/cancel", {"reason": "Konsumen batal"})
    assert cancel.status_code == 404 and cancel.json()["code"] == "not_found"
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED


def test_dealer_detail_holds_no_income_nik_bureau_or_survey_data(api, surveyed, staff, dealer_user_a):
    app = surveyed(data={"verified_income": Decimal("3000000")}, income=Decimal("3000000"))
    app = analysis_start(actor=staff["ca"], application=app)
    bureau_check_record(actor=staff["ca"], application=app, enquiry_date=AS_OF, consent_given=True, worst_collectibility=1, as_of=AS_OF)
    decision_record(
        actor=staff["ca"],
        application=app,
        outcome="approve_conditions",
        reason_codes=["dsr_too_high"],
        rationale="DSR 37 persen; gaji 3 juta.",
        as_of=AS_OF,
        counter_offer_kind="dp",
    )

    response = api(dealer_user_a).get(f"/api/applications/{app.pk}")

    assert response.status_code == 200
    view = response.json()
    keys = {k.lower() for k in all_keys(view)}
    forbidden = (
        "income",
        "nik",
        "phone",
        "bureau",
        "collectibility",
        "score",
        "grade",
        "dsr",
        "survey_",
        "informant",
        "recommendation",
        "analysis",
        "parties",
        "rationale",
        "flags",
        "decisions",
    )
    # The date of the visit is the dealer's business (issue 15, item 12); nothing the survey found is.
    allowed = {"survey_scheduled_for"}
    assert not [k for k in keys - allowed if any(word in k for word in forbidden)]
    text = response.content.decode()
    for secret in (NIK, PHONE_E164, "Rumah sendiri", "Pak RT", "gaji 3 juta"):
        assert secret not in text
    assert view["notice"]["counter_offer"]["kind"] == "dp"
    assert view["notice"]["explanations"][0]["code"] == "dsr_too_high"


def test_dealers_and_other_branches_cannot_reach_surveys(api, surveyed, cmo_b, dealer_user_a):
    survey = surveyed().surveys.get()

    assert api(dealer_user_a).get(f"/api/surveys/{survey.pk}/draft").status_code == 404
    assert api(cmo_b).get(f"/api/surveys/{survey.pk}/draft").status_code == 404


def test_analysis_is_for_credit_deciders_only(api, surveyed, cmo_a, staff):
    app = surveyed()

    refused = api(cmo_a).get(f"/api/applications/{app.pk}/analysis")
    allowed = api(staff["ca"]).get(f"/api/applications/{app.pk}/analysis")

    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert allowed.status_code == 200
    body = allowed.json()
    assert Decimal(body["dsr_pct"]) > 0 and body["grade"] in "ABCDE" and body["survey"]["recommendation"] == "recommend"
    assert body["version"] == app.version and body["policy_passed"] is False  # no SLIK result yet
    assert all(Decimal(o["dsr_pct"]) <= 33 for o in body["counter_offers"])


# --- the whole walk ----------------------------------------------------------------------------------------


def test_the_whole_walk_through_the_api(api, credit, cmo_a, dealer_a, dealer_user_a, staff):
    cmo, analyst, dealer = api(cmo_a), api(staff["ca"]), api(dealer_user_a)
    today = branch_today(staff["ca"])

    # the CMO takes the order (income 3 M: the 24-month installment breaks the 33 % DSR ceiling)
    app = post(
        cmo, "/api/applications", order(dealer_a, applicant={"monthly_income": "3000000"}, household={"declared_income": "3000000"})
    ).json()
    url = f"/api/applications/{app['id']}"

    # ... attaches the product's documents (a decision waits for them)
    for kind in ("ektp", "kk", "pbb_or_electricity", "applicant_photo", "payslip"):
        upload = SimpleUploadedFile(f"{kind}.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        attached = cmo.post(f"{url}/documents", {"kind": kind, "file": upload})
        assert attached.status_code == 201, attached.content
    app["version"] = cmo.get(url).json()["version"]

    # ... takes their own survey, saves a draft on the way, uploads a photo and completes it
    assigned = post(
        cmo,
        f"{url}/survey-assignment",
        {"surveyor_id": cmo_a.pk, "scheduled_for": timezone.now().isoformat(), "expected_version": app["version"]},
    )
    assert assigned.status_code == 201, assigned.content
    survey_url = f"/api/surveys/{assigned.json()['id']}"
    version = assigned.json()["application"]["version"]
    assert assigned.json()["application"]["status"] == Status.SURVEY_ASSIGNED

    saved = cmo.put(
        f"{survey_url}/draft",
        {"house_type": "Rumah permanen", "verified_income": "3000000", "informants": [{"name": "Pak RT Slamet", "answer": "Benar"}]},
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content
    draft = cmo.get(f"{survey_url}/draft").json()
    assert draft["draft"]["house_type"] == "Rumah permanen" and draft["informants"][0]["name"] == "Pak RT Slamet"

    photo = cmo.post(
        f"{survey_url}/photos",
        {
            "file": SimpleUploadedFile("rumah.jpg", JPEG, content_type="image/jpeg"),
            "latitude": "-6.2005",
            "longitude": "106.9004",
            "taken_at": timezone.now().isoformat(),
            "caption": "Tampak depan",
        },
    )
    assert photo.status_code == 201, photo.content
    assert photo.json()["content_type"] == "image/jpeg" and photo.json()["latitude"] == "-6.200500"

    completed = post(cmo, f"{survey_url}/complete", survey_body(version, verified_income="3000000"))
    assert completed.status_code == 200, completed.content
    assert completed.json()["application"]["status"] == Status.SURVEYED
    assert len(completed.json()["informants"]) == 2 and 40 < completed.json()["distance_from_address_m"] < 100
    version = completed.json()["application"]["version"]

    # the analyst takes it, sees the DSR and the counter-offers, enters SLIK and approves with conditions
    started = post(analyst, f"{url}/analysis-start", {"expected_version": version})
    assert started.status_code == 200 and started.json()["status"] == Status.IN_ANALYSIS
    analysis = analyst.get(f"{url}/analysis").json()
    assert Decimal(analysis["dsr_pct"]) > 33
    assert "dp" in {o["kind"] for o in analysis["counter_offers"]}
    bureau = post(analyst, f"{url}/bureau-checks", {"enquiry_date": today.isoformat(), "consent_given": True, "worst_collectibility": 1})
    assert bureau.status_code == 201, bureau.content
    decided = post(
        analyst,
        f"{url}/decisions",
        {
            "outcome": "approve_conditions",
            "reason_codes": ["dsr_too_high"],
            "rationale": "DSR di atas batas; DP dinaikkan.",
            "counter_offer_kind": "dp",
            "expected_version": started.json()["version"],
        },
    )
    assert decided.status_code == 201, decided.content
    offer = decided.json()["counter_offer"]
    assert Decimal(offer["dsr_pct"]) <= 33 and decided.json()["application"]["status"] == Status.APPROVED_WITH_CONDITIONS

    # the dealer sees the counter-offer (without the reasons behind it) and the customer accepts it
    view = dealer.get(url).json()
    assert view["status"] == Status.APPROVED_WITH_CONDITIONS
    assert view["notice"]["counter_offer"]["down_payment"] == offer["down_payment"]
    accepted = post(dealer, f"{url}/accept-conditions", {"expected_version": view["version"]})
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == Status.APPROVED
    assert Decimal(accepted.json()["terms"]["down_payment"]) == Decimal(offer["down_payment"])

    trail = cmo.get(url).json()
    assert [d["outcome"] for d in trail["decisions"]] == ["approve_conditions"]
    assert "analysis" not in trail["decisions"][0] and "bureau_checks" not in trail  # the CMO sees no SLIK data
    assert len(analyst.get(url).json()["bureau_checks"]) == 1


def test_rejection_is_appealed_by_the_supervisor(api, surveyed, staff):
    app = analysis_start(actor=staff["ca"], application=surveyed())
    url = f"/api/applications/{app.pk}"
    rejected = post(
        api(staff["ca"]),
        f"{url}/decisions",
        {"outcome": "reject", "reason_codes": ["character"], "rationale": "Cek lingkungan negatif", "expected_version": app.version},
    )
    assert rejected.status_code == 201

    appeal = post(
        api(staff["ms"]),
        f"{url}/appeals",
        {
            "argument": "Konsumen lama dengan riwayat bayar baik di dealer ini.",
            "expected_version": rejected.json()["application"]["version"],
        },
    )

    assert appeal.status_code == 201, appeal.content
    assert appeal.json()["to_level"] == 2 and appeal.json()["application"]["status"] == Status.APPEALED
    escalations = api(staff["cca"]).get("/api/worklist").json()
    assert escalations["role"] == "chief_credit_analyst" and [r["id"] for r in escalations["queue"]] == [app.pk]


# --- conflicts ---------------------------------------------------------------------------------------------


def test_stale_expected_version_gets_409(api, new_application, cmo_a, staff):
    app = new_application()
    seen = api(cmo_a).get(f"/api/applications/{app.pk}").json()["version"]
    assigned = post(
        api(staff["ms"]),
        f"/api/applications/{app.pk}/survey-assignment",
        {"surveyor_id": cmo_a.pk, "scheduled_for": "2026-11-30T09:00:00", "expected_version": seen},
    )
    assert assigned.status_code == 201, assigned.content
    # without an offset the visit time is read in the branch's zone (WIB, UTC+7)
    assert dt.datetime.fromisoformat(assigned.json()["scheduled_for"]) == dt.datetime(2026, 11, 30, 2, tzinfo=dt.UTC)

    response = post(api(cmo_a), f"/api/applications/{app.pk}/cancel", {"reason": "Konsumen batal", "expected_version": seen})

    assert response.status_code == 409 and response.json()["code"] == "stale_version"
    app.refresh_from_db()
    assert app.status == Status.SURVEY_ASSIGNED


def test_a_step_from_the_wrong_state_gets_409(api, new_application, cmo_a, staff):
    app = new_application()

    again = post(api(cmo_a), f"/api/applications/{app.pk}/submit", {"expected_version": app.version})
    early = api(staff["ca"]).post(f"/api/applications/{app.pk}/analysis-start", "", content_type="application/json")  # empty body

    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    assert early.status_code == 409 and early.json()["code"] == "invalid_transition"


def test_a_surveyor_from_another_branch_is_refused(api, new_application, cmo_b, staff):
    app = new_application()

    response = post(
        api(staff["ms"]),
        f"/api/applications/{app.pk}/survey-assignment",
        {"surveyor_id": cmo_b.pk, "scheduled_for": timezone.now().isoformat()},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "surveyor_invalid" and response.json()["field"] == "surveyor_id"


# --- uploads -----------------------------------------------------------------------------------------------


def test_a_document_is_uploaded_and_listed(api, new_application, cmo_a):
    app = new_application(documents=False)
    client = api(cmo_a)

    response = client.post(
        f"/api/applications/{app.pk}/documents",
        {"kind": "ektp", "file": SimpleUploadedFile("ktp.pdf", PDF, content_type="application/pdf")},
    )

    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == "application/pdf" and response.json()["kind"] == "ektp"
    assert [d["kind"] for d in client.get(f"/api/applications/{app.pk}").json()["documents"]] == ["ektp"]


def test_text_renamed_to_jpg_is_refused(api, new_application, cmo_a):
    app = new_application(documents=False)
    fake = SimpleUploadedFile("ktp.jpg", b"this is only text, not a photo of a KTP\n" * 5, content_type="image/jpeg")

    response = api(cmo_a).post(f"/api/applications/{app.pk}/documents", {"kind": "ektp", "file": fake})

    assert response.status_code == 400
    assert response.json()["code"] == "upload_type" and response.json()["field"] == "file"
    assert not Document.objects.exists()


def test_a_survey_photo_that_is_not_an_image_is_refused(api, new_application, cmo_a):
    app = new_application()
    survey = post(
        api(cmo_a), f"/api/applications/{app.pk}/survey-assignment", {"surveyor_id": cmo_a.pk, "scheduled_for": timezone.now().isoformat()}
    ).json()

    response = api(cmo_a).post(
        f"/api/surveys/{survey['id']}/photos",
        {"file": SimpleUploadedFile("rumah.jpg", PDF, content_type="image/jpeg"), "taken_at": timezone.now().isoformat()},
    )

    assert response.status_code == 400 and response.json()["code"] == "upload_type"


def test_a_too_large_upload_is_refused(api, new_application, cmo_a, settings):
    settings.ANGSUR_MAX_UPLOAD_BYTES = 100
    app = new_application(documents=False)

    response = api(cmo_a).post(
        f"/api/applications/{app.pk}/documents", {"kind": "ektp", "file": SimpleUploadedFile("ktp.jpg", JPEG, content_type="image/jpeg")}
    )

    assert response.status_code == 400 and response.json()["code"] == "upload_too_large"
    assert not Document.objects.exists()


# --- worklists and schema ----------------------------------------------------------------------------------


def test_worklists_by_role(api, surveyed, new_application, cmo_a, staff, dealer_user_a):
    waiting = surveyed()
    submitted = new_application()

    cmo = api(cmo_a).get("/api/worklist").json()
    analyst = api(staff["ca"]).get("/api/worklist").json()
    supervisor = api(staff["ms"]).get("/api/worklist").json()
    dealer = api(dealer_user_a).get("/api/worklist").json()

    assert {r["id"] for r in cmo["open_orders"]} == {waiting.pk, submitted.pk}
    assert [r["id"] for r in analyst["queue"]] == [waiting.pk]
    assert [r["id"] for r in supervisor["to_assign"]] == [submitted.pk]
    assert {r["id"] for r in dealer["orders"]} == {waiting.pk, submitted.pk}
    assert not any("applicant_nik" in r or "applicant_phone" in r for r in dealer["orders"])
    assert all(r["applicant_nik"] == mask_nik(NIK) for r in analyst["queue"])


def test_openapi_lists_the_origination_paths(db):
    paths = Client().get("/api/openapi.json").json()["paths"]

    for path in (
        "/api/applications",
        "/api/applications/{application_id}",
        "/api/applications/{application_id}/analysis",
        "/api/applications/{application_id}/submit",
        "/api/applications/{application_id}/cancel",
        "/api/applications/{application_id}/survey-assignment",
        "/api/applications/{application_id}/analysis-start",
        "/api/applications/{application_id}/bureau-checks",
        "/api/applications/{application_id}/decisions",
        "/api/applications/{application_id}/appeals",
        "/api/applications/{application_id}/accept-conditions",
        "/api/applications/{application_id}/documents",
        "/api/surveys/{survey_id}/draft",
        "/api/surveys/{survey_id}/photos",
        "/api/surveys/{survey_id}/complete",
        "/api/worklist",
    ):
        assert path in paths, path
    assert {"get", "post"} <= set(paths["/api/applications"]) and {"get", "put"} <= set(paths["/api/surveys/{survey_id}/draft"])
