"""Origination screens through the Django test client (the browser walk is in tests/browser)."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from angsur.devdata.factories import nik_for
from angsur.origination.models import Application
from angsur.origination.workflow import Status
from tests.origination.conftest import AS_OF, JPEG

ORDER = {
    "product": "NMC",
    "vehicle_brand": "Honda",
    "vehicle_model": "Vario 125",
    "vehicle_year": "2026",
    "vehicle_condition": "new",
    "otr": "23.400.000",
    "down_payment": "4.700.000",
    "tenor_months": "24",
    "household_expense": "2.000.000",
    "dependents": "2",
    "residence_ownership": "own",
    "residence_months": "48",
    "applicant-full_name": "Budi Santoso",
    "applicant-birth_place": "Jakarta",
    "applicant-birth_date": "1990-01-12",
    "applicant-sex": "M",
    "applicant-marital_status": "married",
    "applicant-phone": "0812-3456-7890",
    "applicant-ktp_address": "Jl. Pemuda 10, Jakarta Timur",
    "applicant-employment_type": "employee",
    "applicant-employment_months": "36",
    "applicant-monthly_income": "6.000.000",
}


def order(dealer, **changes):
    import datetime as dt

    data = {**ORDER, "dealer": str(dealer.pk), "applicant-nik": nik_for(dt.date(1990, 1, 12))}
    data.update(changes)
    return data


def test_cmo_creates_and_submits_an_order_through_the_form(web, cmo_a, dealer_a, credit):
    client = web(cmo_a)
    assert client.get("/applications/new/").status_code == 200
    response = client.post("/applications/new/", {**order(dealer_a), "submit": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    app = Application.objects.get()
    assert app.status == Status.SUBMITTED
    page = client.get(response["Location"]).content.decode()
    assert app.number in page and "Budi Santoso" in page


def test_invalid_nik_is_shown_next_to_the_field_and_nothing_is_saved(web, cmo_a, dealer_a, credit):
    response = web(cmo_a).post("/applications/new/", order(dealer_a, **{"applicant-nik": "1234"}))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="error-applicant-nik"' in body
    assert Application.objects.count() == 0


def test_nik_of_a_woman_declared_as_a_man_is_refused(web, cmo_a, dealer_a, credit):
    import datetime as dt

    response = web(cmo_a).post("/applications/new/", order(dealer_a, **{"applicant-nik": nik_for(dt.date(1990, 1, 12), "F")}))
    assert response.status_code == 400
    assert "40" in response.content.decode()


def test_zero_income_is_refused_with_a_message(web, cmo_a, dealer_a, credit):
    response = web(cmo_a).post("/applications/new/", order(dealer_a, **{"applicant-monthly_income": "0"}))
    assert response.status_code == 400
    assert 'data-testid="error-applicant-monthly_income"' in response.content.decode()
    assert 'name="declared_income"' not in response.content.decode()  # the income is asked once, on the applicant


def test_wrong_state_step_gives_a_message_not_an_error_page(web, new_application, cmo_a):
    app = new_application()
    response = web(cmo_a).post(f"/applications/{app.pk}/submit/", {"version": app.version}, follow=True)
    assert response.status_code == 200
    assert "tidak dapat" in response.content.decode().lower() or "not possible" in response.content.decode()


def test_document_upload_refuses_a_text_file_dressed_as_jpeg(web, new_application, cmo_a):
    app = new_application(documents=False)
    fake = SimpleUploadedFile("ktp.jpg", b"just some text, not an image", content_type="image/jpeg")
    response = web(cmo_a).post(f"/applications/{app.pk}/documents/", {"kind": "ektp", "file": fake}, follow=True)
    assert app.documents.count() == 0
    assert "JPEG" in response.content.decode()
    good = SimpleUploadedFile("ktp.jpg", JPEG, content_type="image/jpeg")
    web(cmo_a).post(f"/applications/{app.pk}/documents/", {"kind": "ektp", "file": good})
    document = app.documents.get()
    assert web(cmo_a).get(f"/files/documents/{document.pk}/").status_code == 200


def test_documents_are_not_served_to_another_branch(web, new_application, cmo_a, cmo_b):
    app = new_application(documents=False)
    web(cmo_a).post(f"/applications/{app.pk}/documents/", {"kind": "ektp", "file": SimpleUploadedFile("k.jpg", JPEG)})
    document = app.documents.get()
    assert web(cmo_b).get(f"/files/documents/{document.pk}/").status_code == 404


def test_dealer_sees_only_its_orders_and_no_private_data(web, surveyed, staff, dealer_user_a, dealer_a2, cmo_a):
    from angsur.devdata.factories import make_application
    from angsur.origination.services import analysis_start, bureau_check_record, decision_record

    app = surveyed(data={"verified_income": Decimal("3000000")}, income=Decimal("3000000"))
    analysis_start(actor=staff["ca"], application=app)
    bureau_check_record(actor=staff["ca"], application=app, enquiry_date=AS_OF, consent_given=True, worst_collectibility=1, as_of=AS_OF)
    decision_record(
        actor=staff["ca"],
        application=app,
        outcome="reject",
        reason_codes=["dsr_too_high"],
        rationale="Penghasilan tidak cukup, DSR 37 persen.",
        as_of=AS_OF,
    )
    other = make_application(actor=cmo_a, dealer=dealer_a2, as_of=AS_OF)
    client = web(dealer_user_a)
    page = client.get(f"/applications/{app.pk}/").content.decode()
    assert 'data-testid="explanations"' in page
    for secret in ("3.000.000", "Penghasilan tidak cukup", app.applicant_nik, "Kol"):
        assert secret not in page
    assert client.get(f"/applications/{other.pk}/").status_code == 404


def test_survey_form_saves_a_draft_and_completes(web, new_application, cmo_a):
    from django.utils import timezone

    from angsur.origination.services import survey_assign

    app = new_application()
    survey = survey_assign(actor=cmo_a, application=app, surveyor=cmo_a, scheduled_for=timezone.now())
    client = web(cmo_a)
    assert client.get(f"/surveys/{survey.pk}/").status_code == 200
    assert client.post(f"/surveys/{survey.pk}/draft/", {"house_type": "Rumah permanen"}).status_code == 200
    survey.refresh_from_db()
    assert survey.draft["house_type"] == "Rumah permanen"
    client.post(
        f"/surveys/{survey.pk}/photos/",
        {
            "file": SimpleUploadedFile("r.jpg", JPEG),
            "latitude": "-6.2005",
            "longitude": "106.9004",
            "taken_at": "2026-11-02T09:00:00+07:00",
        },
    )
    assert survey.photos.count() == 1
    data = {
        "residence_ownership": "own",
        "residence_months": "48",
        "house_type": "Permanen",
        "house_condition": "Baik",
        "road_access": "Mobil",
        "employer_verified": "on",
        "employment_verification": "Telepon HRD",
        "employment_months": "36",
        "dependents": "2",
        "verified_income": "6.000.000",
        "recommendation": "recommend",
        "recommendation_reason": "Layak",
        "latitude": "-6.200500",
        "longitude": "106.900400",
        "informant_1_name": "Pak RT",
        "informant_1_relation": "RT",
        "informant_1_confirms": "on",
        "informant_1_answer": "Benar tinggal di sini",
        "informant_2_name": "Bu Wati",
        "informant_2_relation": "Tetangga",
        "informant_2_answer": "Orangnya baik",
        "version": app.version + 0,
    }
    app.refresh_from_db()
    data["version"] = app.version
    response = client.post(f"/surveys/{survey.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    app.refresh_from_db()
    assert app.status == Status.SURVEYED


def test_home_pages_show_worklists(web, surveyed, staff, cmo_a):
    app = surveyed()
    assert app.number in web(staff["ca"]).get("/").content.decode()
    assert app.number in web(cmo_a).get("/").content.decode()


def test_the_application_list_offers_a_new_order_only_to_the_roles_that_take_orders(web, staff, cmo_a):
    # An analyst reads the list but may not take an order: the button led it to a 403 (the branch manager takes orders).
    for user, offered in ((cmo_a, True), (staff["ms"], True), (staff["bm"], True), (staff["ca"], False), (staff["cca"], False)):
        client = web(user)
        page = client.get("/applications/")
        assert page.status_code == 200
        assert (b'href="/applications/new/"' in page.content) is offered, user.username
        assert client.get("/applications/new/").status_code == (200 if offered else 403), user.username
