"""A survey submitted without signal is never lost (issue 14, first part).

The CMO fills the survey on a phone, the connection drops, the CMO taps "Complete survey": the form stays
on screen with a "not sent yet" notice (no browser error page), what was typed stays on the phone until
the server has accepted the survey, and it is sent when the signal returns.
"""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from angsur.audit.models import AuditEvent
from angsur.devdata.factories import DEMO_PASSWORD, make_application, make_credit_config
from angsur.origination.models import SurveyStatus
from angsur.origination.services import survey_assign, survey_photo_add
from angsur.origination.workflow import Status
from tests.browser.conftest import clear_cookies_when_quiet
from tests.origination.conftest import JPEG  # a real image: uploads are decoded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PENDING = "Belum terkirim — akan dikirim saat sinyal kembali"
RESTORED = "Survei ini belum terkirim"

TYPED = {
    "#id_residence_months": "60",
    "#id_house_type": "Rumah permanen",
    "#id_house_condition": "Baik",
    "#id_road_access": "Gang, motor bisa masuk",
    "#id_employment_verification": "Telepon HRD PT Sinar",
    "#id_employment_months": "48",
    "#id_dependents": "1",
    "#id_verified_income": "3.500.000",  # the server shows the declared 6.000.000: what was typed must win
    "#id_recommendation_reason": "Rumah sendiri, pekerjaan tetap, lingkungan baik.",
    "#id_informant_1_name": "Pak RT Joko",
    "#id_informant_1_relation": "Ketua RT",
    "#id_informant_1_answer": "Benar tinggal di sini sejak 2020.",
    "#id_informant_2_name": "Ibu Ani",
    "#id_informant_2_relation": "Tetangga",
    "#id_informant_2_answer": "Orangnya baik dan ramah.",
}


HOME = {"latitude": -6.2005, "longitude": 106.9004, "accuracy": 12}


@pytest.fixture
def phone(chromium, live_server):
    """The CMO's phone at 390 px with its GPS on (a survey without a position needs a reason: test_offline_survey)."""
    context = chromium.new_context(
        viewport={"width": 390, "height": 844},
        locale="id-ID",
        base_url=live_server.url,
        geolocation=HOME,
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def survey(products, cmo_a, dealer_a):
    """A submitted order whose survey is assigned to the CMO, with the photo of the residence already taken."""
    make_credit_config()
    app = make_application(actor=cmo_a, dealer=dealer_a, as_of=dt.date.today())
    survey = survey_assign(actor=cmo_a, application=app, surveyor=cmo_a, scheduled_for=timezone.now())
    survey_photo_add(
        actor=cmo_a,
        survey=survey,
        uploaded=SimpleUploadedFile("rumah.jpg", JPEG, content_type="image/jpeg"),
        taken_at=timezone.now(),
        latitude=None,
        longitude=None,
    )
    return survey


def _fill(page, skip: tuple[str, ...] = ()) -> None:
    page.select_option("#id_residence_ownership", "family")
    for field, value in TYPED.items():
        if field not in skip:
            page.fill(field, value)
    page.check("#id_employer_verified")
    page.check("#id_informant_1_confirms")
    page.check("input[name=recommendation][value=recommend]")


def _assert_typed_values_shown(page, skip: tuple[str, ...] = ()) -> None:
    for field, value in TYPED.items():
        if field not in skip:
            assert page.input_value(field) == value, field
    assert page.input_value("#id_residence_ownership") == "family"
    assert page.is_checked("#id_employer_verified")
    assert page.is_checked("#id_informant_1_confirms")
    assert not page.is_checked("#id_informant_2_confirms")
    assert page.is_checked("input[name=recommendation][value=recommend]")


def _local_copy(page, survey) -> dict | None:
    """The survey's copy on the phone, opened with the page's key (it is kept encrypted: device.js)."""
    raw = page.evaluate(
        "k => { const v = localStorage.getItem(k); return v === null ? null : window.AngsurDevice.openText(v, k); }",
        f"angsur-u{survey.surveyor_id}-survey-{survey.pk}",
    )
    return None if raw is None else json.loads(raw)


def _pending_mark(page, survey) -> str | None:
    return page.evaluate("k => localStorage.getItem(k)", f"angsur-u{survey.surveyor_id}-survey-{survey.pk}:pending")


def _open_survey(page, survey) -> None:
    page.goto(f"/surveys/{survey.pk}/")
    page.wait_for_selector("#survey-form [data-geo-status]:has-text('GPS:')")
    page.wait_for_selector("#survey-form[data-draft-ready=restored]", state="attached")  # the phone's (encrypted) copy is back


def _submit_offline(page, live_server, survey) -> None:
    page.context.set_offline(True)
    _fill(page)
    page.click("[data-testid=complete-survey]")
    page.wait_for_selector(f"[data-testid=submit-notice]:has-text('{PENDING}')")
    # still the survey page, not the browser's "no internet" page, with everything typed on screen
    assert page.url == f"{live_server.url}/surveys/{survey.pk}/"
    assert "ERR_INTERNET_DISCONNECTED" not in page.content()
    assert page.inner_text("[data-testid=survey-title]").startswith("Survei")
    _assert_typed_values_shown(page)
    assert page.is_visible("[data-testid=send-again]")
    assert page.is_enabled("[data-testid=complete-survey]")
    copy = _local_copy(page, survey)
    assert copy is not None and copy["informant_1_name"] == "Pak RT Joko" and copy["verified_income"] == "3.500.000"
    assert _pending_mark(page, survey)
    survey.refresh_from_db()
    assert survey.status != SurveyStatus.COMPLETED


def _assert_completed(page, survey, verified_income: int = 3_500_000) -> None:
    page.wait_for_selector("[data-testid=status]:has-text('Sudah disurvei')")
    assert page.url.endswith(f"/applications/{survey.application_id}/")
    assert "Survei selesai dan dikirim ke analis kredit." in page.inner_text("main")
    assert _local_copy(page, survey) is None and _pending_mark(page, survey) is None
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.COMPLETED
    assert survey.verified_income_sen == verified_income * 100
    assert survey.residence_ownership == "family"
    assert sorted(survey.informants.values_list("name", flat=True)) == ["Ibu Ani", "Pak RT Joko"]
    survey.application.refresh_from_db()
    assert survey.application.status == Status.SURVEYED
    # sent once: one completion on the record, whatever the retries
    assert AuditEvent.objects.filter(action="application.complete_survey", object_id=str(survey.application_id)).count() == 1


def test_survey_submitted_without_signal_stays_and_is_sent_when_the_signal_returns(phone, live_server, login, survey, cmo_a):
    errors = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    login(phone, cmo_a.username, DEMO_PASSWORD)
    _open_survey(phone, survey)
    _submit_offline(phone, live_server, survey)
    phone.screenshot(path="/tmp/survey_pending.png")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391

    phone.context.set_offline(False)  # the signal returns: the pending survey goes by itself
    _assert_completed(phone, survey)
    assert errors == []


def test_survey_typed_without_signal_is_restored_when_the_page_opens_again(phone, live_server, login, survey, cmo_a):
    login(phone, cmo_a.username, DEMO_PASSWORD)
    _open_survey(phone, survey)
    _submit_offline(phone, live_server, survey)

    # the CMO closes the browser while still without signal, and opens the survey again once back online
    context = phone.context
    phone.close()
    context.set_offline(False)
    page = context.new_page()
    _open_survey(page, survey)
    survey.refresh_from_db()
    assert survey.status != SurveyStatus.COMPLETED
    assert "informant_1_name" not in survey.draft  # the server never got it: what is shown comes from the phone
    _assert_typed_values_shown(page)
    page.wait_for_selector(f"[data-testid=submit-notice]:has-text('{RESTORED}')")

    page.click("[data-testid=send-again]")
    _assert_completed(page, survey)


def test_survey_refused_by_the_server_keeps_the_local_copy(phone, live_server, login, survey, cmo_a):
    login(phone, cmo_a.username, DEMO_PASSWORD)
    _open_survey(phone, survey)
    missing = ("#id_informant_2_answer",)
    _fill(phone, skip=missing)
    phone.wait_for_selector("[data-testid=draft-status]:has-text('Draf')")  # the autosave is done
    phone.click("[data-testid=complete-survey]")

    # the server's answer (400, its form with the message) is shown; nothing typed is dropped from the phone
    phone.wait_for_selector(".errorlist")
    assert phone.url == f"{live_server.url}/surveys/{survey.pk}/"
    _assert_typed_values_shown(phone, skip=missing)
    copy = _local_copy(phone, survey)
    assert copy is not None and copy["informant_1_answer"] == TYPED["#id_informant_1_answer"]
    assert copy["recommendation"] == "recommend" and copy["employer_verified"] == "on"
    assert _pending_mark(phone, survey) is None
    assert not phone.is_visible("[data-testid=submit-notice]")
    survey.refresh_from_db()
    assert survey.status != SurveyStatus.COMPLETED

    # the page opened again still shows it; the CMO completes the missing answer and sends once
    _open_survey(phone, survey)
    _assert_typed_values_shown(phone, skip=missing)
    phone.fill("#id_informant_2_answer", TYPED["#id_informant_2_answer"])
    posts = []
    phone.on("request", lambda r: posts.append(r.url) if r.method == "POST" and r.url.endswith(f"/surveys/{survey.pk}/") else None)
    disabled_in_flight = phone.evaluate(
        """() => {
            const form = document.querySelector('#survey-form');
            form.requestSubmit();
            const disabled = document.querySelector('[data-testid=complete-survey]').disabled;
            form.requestSubmit();  // a second tap while the first is on its way
            return disabled;
        }"""
    )
    assert disabled_in_flight
    _assert_completed(phone, survey)
    assert len(posts) == 1


def test_survey_answered_with_a_server_error_is_kept_and_sent_again(phone, live_server, login, survey, cmo_a):
    login(phone, cmo_a.username, DEMO_PASSWORD)
    _open_survey(phone, survey)
    _fill(phone)
    survey_url = f"{live_server.url}/surveys/{survey.pk}/"

    def upstream_down(route):
        if route.request.method == "POST":
            route.fulfill(status=503, body="upstream down")
        else:
            route.continue_()

    phone.route(survey_url, upstream_down)
    phone.click("[data-testid=complete-survey]")
    phone.wait_for_selector("[data-testid=submit-notice]:has-text('Belum terkirim — server belum dapat menerimanya')")
    assert phone.url == survey_url
    _assert_typed_values_shown(phone)
    assert _local_copy(phone, survey)["informant_2_name"] == "Ibu Ani"

    phone.unroute(survey_url)
    phone.click("[data-testid=send-again]")
    _assert_completed(phone, survey)


def test_survey_sent_after_the_session_ended_is_kept_through_the_login(phone, live_server, login, survey, cmo_a):
    login(phone, cmo_a.username, DEMO_PASSWORD)
    _open_survey(phone, survey)
    _fill(phone)
    clear_cookies_when_quiet(phone, name="sessionid")  # the session ended while the CMO was typing
    phone.click("[data-testid=complete-survey]")

    # the server asks for the login: the copy stays on the phone, and after logging in the survey is back
    phone.wait_for_selector("#id_username")
    assert "/login/" in phone.url
    # the copy stays on the phone, encrypted: the login page (nobody's session) cannot read it
    kept = phone.evaluate("k => localStorage.getItem(k)", f"angsur-u{survey.surveyor_id}-survey-{survey.pk}")
    assert kept.startswith("angsur-sealed:1:") and "Pak RT Joko" not in kept
    phone.fill("#id_username", cmo_a.username)
    phone.fill("#id_password", DEMO_PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_selector(f"[data-testid=submit-notice]:has-text('{RESTORED}')")
    assert phone.url == f"{live_server.url}/surveys/{survey.pk}/"
    phone.wait_for_selector("#survey-form[data-draft-ready=restored]", state="attached")
    _assert_typed_values_shown(phone)
    survey.refresh_from_db()
    assert survey.status != SurveyStatus.COMPLETED

    phone.click("[data-testid=send-again]")
    _assert_completed(phone, survey)
