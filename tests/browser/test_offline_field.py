"""Field work without signal (issue 14), in Chromium at 390 px with the network switched off.

- a survey opened, filled and completed entirely offline, with a photo, arrives complete once the signal
  returns, with the GPS time and the phone's clock of when it was really done;
- a field screen opened once opens again without signal (the service worker), and one never opened
  answers our offline page;
- logging out deletes what the user left on the phone; a conflict met by the outbox is shown, not dropped.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from angsur.audit.models import AuditEvent
from angsur.devdata.factories import DEMO_PASSWORD, make_application, make_credit_config, make_user
from angsur.org.roles import Role
from angsur.origination.models import SurveyPhoto, SurveyStatus
from angsur.origination.services import survey_assign, survey_photo_add
from angsur.origination.workflow import Status
from tests.browser.conftest import clear_cookies_when_quiet
from tests.browser.test_survey_offline import HOME, _fill
from tests.origination.conftest import JPEG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(chromium, live_server):
    """A CMO's phone at 390 px with GPS (a fixed position, as Playwright's geolocation override gives it)."""
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
    """A submitted order whose survey is assigned to the CMO; no photo yet."""
    make_credit_config()
    app = make_application(actor=cmo_a, dealer=dealer_a, as_of=dt.date.today())
    return survey_assign(actor=cmo_a, application=app, surveyor=cmo_a, scheduled_for=timezone.now())


def _login(page, user) -> None:
    page.goto("/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=home-title]")


def _kept(page, path: str) -> None:
    """Wait until the service worker keeps this screen on the phone."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    for _attempt in range(100):
        if page.evaluate("p => caches.open('angsur-pages').then(c => c.match(p)).then(r => !!r)", path):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the service worker did not keep {path}")


def _outbox_items(page) -> list[dict]:
    return page.evaluate("window.AngsurOutbox.list().then(items => items.map(i => ({slot: i.slot, kind: i.kind, status: i.status})))")


# What IndexedDB holds, read raw (as anyone with the phone could): binary as latin-1 text, to search for typed words.
RAW_DUMP = """name => new Promise((resolve, reject) => {
  const request = indexedDB.open(name);
  request.onerror = () => reject(request.error);
  request.onsuccess = () => {
    const db = request.result, names = Array.from(db.objectStoreNames), out = [];
    if (!names.length) { db.close(); resolve(""); return; }
    const t = db.transaction(names, "readonly");
    const bytes = v => Array.from(new Uint8Array(v.buffer || v, v.byteOffset || 0, v.byteLength)).map(b => String.fromCharCode(b)).join("");
    const text = v => v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? bytes(v)
      : v instanceof Blob ? "[clear Blob]"
      : v && typeof v === "object" ? Object.keys(v).map(k => k + "=" + text(v[k])).join(";") : String(v);
    names.forEach(n => { t.objectStore(n).getAll().onsuccess = e => e.target.result.forEach(r => out.push(text(r))); });
    t.oncomplete = () => { db.close(); resolve(out.join("\\n")); };
  };
})"""


def _raw_outbox(page, user_pk) -> str:
    return page.evaluate(RAW_DUMP, f"angsur-outbox-{user_pk}")


def _key_records(page) -> list[dict]:
    """The phone's key records, with which wrapped copies each holds (never a key in clear)."""
    return page.evaluate(
        """() => new Promise(resolve => {
            const r = indexedDB.open("angsur-keys");
            r.onsuccess = () => {
              const db = r.result;
              if (!db.objectStoreNames.contains("users")) { db.close(); resolve([]); return; }
              db.transaction("users").objectStore("users").getAll().onsuccess = e => {
                db.close();
                const shown = x => Object.keys(x).filter(k => x[k]).map(k => [k, x[k].data ? x[k].data.byteLength : String(x[k])]);
                resolve(e.target.result.map(x => Object.fromEntries(shown(x))));
              };
            };
          })"""
    )


def test_a_survey_opened_filled_and_completed_offline_with_a_photo_arrives_complete(phone, live_server, survey, cmo_a):
    errors = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    _login(phone, cmo_a)
    # the survey was opened once with signal (in the morning, at the branch): the phone keeps it
    phone.goto(f"/surveys/{survey.pk}/")
    _kept(phone, f"/surveys/{survey.pk}/")
    phone.goto("/")
    _kept(phone, "/")

    # at the customer's house: no signal at all
    phone.context.set_offline(True)
    phone.goto(f"/surveys/{survey.pk}/")  # answered by the service worker
    phone.wait_for_selector("#survey-form [data-geo-status]:has-text('GPS:')")
    assert phone.is_visible("[data-testid=offline-banner]")
    before = timezone.now()
    phone.set_input_files("#id_file", files=[{"name": "rumah.jpg", "mimeType": "image/jpeg", "buffer": JPEG}])
    phone.fill("#id_caption", "Depan rumah")
    phone.click("[data-testid=photo-form] button[type=submit]")
    phone.wait_for_selector("[data-testid=pending-photo][data-status=waiting]")
    _fill(phone)
    phone.click("[data-testid=complete-survey]")
    phone.wait_for_selector("[data-testid=submit-notice]:has-text('Belum terkirim')")
    after = timezone.now()
    phone.wait_for_selector("[data-testid=outbox] [data-outbox-item^=survey-][data-status=waiting]")
    assert [(i["kind"], i["status"]) for i in _outbox_items(phone)] == [("photo", "waiting"), ("survey", "waiting")]
    phone.screenshot(path="/tmp/offline_survey_outbox.png", full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391
    survey.refresh_from_db()
    assert survey.status != SurveyStatus.COMPLETED and not SurveyPhoto.objects.filter(survey=survey).exists()

    # an hour later the signal returns: the photo goes first, then the survey, each once
    phone.context.set_offline(False)
    phone.wait_for_selector("[data-testid=status]:has-text('Sudah disurvei')", timeout=30000)
    assert phone.url.endswith(f"/applications/{survey.application_id}/")
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.COMPLETED
    assert survey.application.status == Status.SURVEYED
    assert sorted(survey.informants.values_list("name", flat=True)) == ["Ibu Ani", "Pak RT Joko"]
    assert survey.verified_income_sen == 3_500_000 * 100
    assert float(survey.latitude) == pytest.approx(HOME["latitude"]) and float(survey.longitude) == pytest.approx(HOME["longitude"])
    # when it was really done, not when it arrived
    assert survey.gps_taken_at is not None and before - dt.timedelta(minutes=1) <= survey.gps_taken_at <= after
    assert before - dt.timedelta(seconds=5) <= survey.device_captured_at <= after + dt.timedelta(seconds=5)
    assert survey.received_at >= after
    photo = SurveyPhoto.objects.get(survey=survey)
    assert photo.caption == "Depan rumah" and photo.client_key
    assert before - dt.timedelta(seconds=5) <= photo.taken_at <= after + dt.timedelta(seconds=5)
    assert float(photo.latitude) == pytest.approx(HOME["latitude"])
    assert AuditEvent.objects.filter(action="application.complete_survey").count() == 1
    assert AuditEvent.objects.filter(action="survey.photo_add").count() == 1
    # the outbox says when each was sent, and keeps nothing of what was sent
    phone.wait_for_selector("[data-testid=outbox] [data-outbox-item^=survey-][data-status=sent]")
    assert "Terkirim pukul" in phone.inner_text("[data-testid=outbox]")
    assert phone.evaluate("window.AngsurOutbox.list().then(items => items.every(i => !i.files.length && !Object.keys(i.fields).length))")
    assert errors == []
    phone.goto("about:blank")  # nothing left talking to the server while the test database is emptied


def test_a_field_screen_opened_once_opens_without_signal(phone, live_server, survey, cmo_a):
    _login(phone, cmo_a)
    _kept(phone, "/")
    _kept(phone, f"/surveys/{survey.pk}/")
    phone.goto("/quotes/new/")
    _kept(phone, "/quotes/new/")
    phone.context.set_offline(True)
    phone.goto("/")
    phone.wait_for_selector("[data-testid=home-title]")
    assert phone.is_visible("[data-testid=offline-banner]")
    phone.screenshot(path="/tmp/offline_home.png", full_page=True)
    # the survey due today, listed on the home page, was kept without being opened
    phone.goto(f"/surveys/{survey.pk}/")
    phone.wait_for_selector("#survey-form")
    # the quote screen: the copy, and the banner saying only the last prices are shown
    phone.goto("/quotes/new/")
    phone.wait_for_selector("[data-testid=prospects-link]")
    assert "hanya harga terakhir" in phone.inner_text("[data-testid=offline-banner]")

    # a screen never opened on this phone: our offline page, listing what is kept
    phone.goto("/applications/")
    phone.wait_for_selector("[data-testid=offline-title]")
    assert "Tidak ada sinyal" in phone.inner_text("main")
    phone.wait_for_selector("[data-testid=offline-screens] a[href='/']")
    phone.screenshot(path="/tmp/offline_page.png", full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391


def test_logging_out_clears_what_can_be_read_and_keeps_unsent_work_encrypted(phone, live_server, survey, cmo_a):
    _login(phone, cmo_a)
    phone.goto(f"/surveys/{survey.pk}/")
    phone.wait_for_selector("#survey-form [data-geo-status]:has-text('GPS:')")
    _kept(phone, f"/surveys/{survey.pk}/")
    phone.context.set_offline(True)
    _fill(phone)
    phone.click("[data-testid=complete-survey]")
    phone.wait_for_selector("[data-testid=submit-notice]:has-text('Belum terkirim')")
    assert phone.evaluate(f"Object.keys(localStorage).filter(k => k.startsWith('angsur-u{cmo_a.pk}-survey-')).length") >= 1
    phone.context.set_offline(False)
    # (the outbox may already be sending it; stop the send so the unsent item stays through the logout)
    phone.route(f"**/surveys/{survey.pk}/", lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    dialogs = []
    phone.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    phone.click("[data-testid=logout] button")
    phone.wait_for_selector("#id_username")
    assert dialogs == []  # nothing is lost at a logout: no question to answer
    # what could be read goes: the kept screens, this session's key
    assert "angsur-pages" not in phone.evaluate("caches.keys()")
    assert "angsur_unlock" not in phone.evaluate("document.cookie")
    assert phone.evaluate("indexedDB.databases().then(l => l.map(d => d.name))").count(f"angsur-outbox-{cmo_a.pk}") == 1
    assert not [r for r in _key_records(phone) if "session" in r]
    # the unsent survey and its local copy stay, as ciphertext only
    stored = _raw_outbox(phone, cmo_a.pk)
    assert stored and "Pak RT Joko" not in stored and "3.500.000" not in stored
    copy = phone.evaluate(f"localStorage.getItem('angsur-u{cmo_a.pk}-survey-{survey.pk}')")
    assert copy.startswith("angsur-sealed:1:") and "Pak RT Joko" not in copy
    survey.refresh_from_db()
    assert survey.status != SurveyStatus.COMPLETED


def test_logging_out_with_nothing_left_to_send_leaves_nothing_of_the_user(phone, live_server, survey, cmo_a):
    _login(phone, cmo_a)
    phone.goto(f"/surveys/{survey.pk}/")
    _kept(phone, f"/surveys/{survey.pk}/")
    phone.click("[data-testid=logout] button")
    phone.wait_for_selector("#id_username")
    assert phone.evaluate("Object.keys(localStorage).filter(k => k.startsWith('angsur-')).length") == 0
    assert "angsur-pages" not in phone.evaluate("caches.keys()")
    databases = phone.evaluate("indexedDB.databases().then(list => list.map(d => d.name))")
    assert not [name for name in databases if name.startswith("angsur-outbox-")]
    assert _key_records(phone) == []


def test_a_survey_reassigned_meanwhile_is_shown_as_a_conflict_and_kept(phone, live_server, survey, cmo_a, branch_a):
    _login(phone, cmo_a)
    phone.goto(f"/surveys/{survey.pk}/")
    phone.wait_for_selector("#survey-form [data-geo-status]:has-text('GPS:')")
    phone.context.set_offline(True)
    _fill(phone)
    phone.click("[data-testid=complete-survey]")
    phone.wait_for_selector("[data-testid=submit-notice]:has-text('Belum terkirim')")

    # meanwhile the supervisor gives the survey to another CMO
    supervisor = make_user(Role.MARKETING_SUPERVISOR, branch_a, username="ms.conflict")
    other = make_user(Role.CMO, branch_a, username="cmo.conflict")
    app = survey.application
    app.refresh_from_db()
    survey_assign(actor=supervisor, application=app, surveyor=other, scheduled_for=timezone.now())

    phone.context.set_offline(False)
    phone.wait_for_selector("[data-testid=submit-notice][data-state=conflict]")
    assert "tidak lagi ditugaskan" in phone.inner_text("[data-testid=submit-notice]")
    phone.wait_for_selector("[data-testid=outbox] [data-outbox-item^=survey-][data-status=conflict]")
    # nothing typed is dropped: the copy and the outbox item stay until the CMO removes them
    assert phone.evaluate(f"localStorage.getItem('angsur-u{cmo_a.pk}-survey-{survey.pk}')")
    phone.screenshot(path="/tmp/offline_conflict.png", full_page=True)


def test_without_gps_the_form_warns_and_asks_for_a_reason(chromium, live_server, survey, cmo_a):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="id-ID", base_url=live_server.url)  # GPS not allowed
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        _login(page, cmo_a)
        page.goto(f"/surveys/{survey.pk}/")
        page.wait_for_selector("[data-testid=gps-reason]:visible")
        assert "Tidak ada posisi GPS" in page.inner_text("[data-testid=gps-reason]")
        # the status in the user's language only (it read "GPS ditolak / denied" in both at once)
        status = page.inner_text("#survey-form [data-geo-status]")
        assert status.startswith("GPS:") and "denied" not in status and " / " not in status
        page.set_input_files("#id_file", files=[{"name": "rumah.jpg", "mimeType": "image/jpeg", "buffer": JPEG}])
        page.click("[data-testid=photo-form] button[type=submit]")
        page.wait_for_selector("[data-testid=photo]")
        _fill(page)
        page.click("[data-testid=complete-survey]")
        # refused without a reason: the server's message on the reason box, nothing lost
        page.wait_for_selector("[data-testid=gps-reason] .errorlist")
        page.screenshot(path="/tmp/offline_gps_reason.png", full_page=True)
        survey.refresh_from_db()
        assert survey.status != SurveyStatus.COMPLETED
        page.fill("#id_gps_missing_reason", "Izin lokasi di HP ditolak")
        page.click("[data-testid=complete-survey]")
        page.wait_for_selector("[data-testid=status]:has-text('Sudah disurvei')")
        survey.refresh_from_db()
        assert survey.gps_missing_reason == "Izin lokasi di HP ditolak" and survey.latitude is None and survey.gps_taken_at is None
    finally:
        context.close()


def test_only_field_staff_keep_screens_on_the_device(phone, live_server, branch_a):
    analyst = make_user(Role.CREDIT_ANALYST, branch_a, username="ca.offline")
    _login(phone, analyst)
    phone.wait_for_timeout(500)
    assert phone.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
    assert phone.evaluate("caches.keys()") == []


def test_another_user_on_the_same_phone_sees_nothing_of_the_first(phone, live_server, survey, cmo_a, branch_a):
    survey_photo_add(
        actor=cmo_a,
        survey=survey,
        uploaded=SimpleUploadedFile("rumah.jpg", JPEG, content_type="image/jpeg"),
        taken_at=timezone.now(),
        latitude=None,
        longitude=None,
    )
    _login(phone, cmo_a)
    phone.goto(f"/surveys/{survey.pk}/")
    phone.wait_for_selector("#survey-form [data-geo-status]:has-text('GPS:')")
    _kept(phone, f"/surveys/{survey.pk}/")
    phone.context.set_offline(True)
    _fill(phone)
    phone.click("[data-testid=complete-survey]")
    phone.wait_for_selector("[data-testid=submit-notice]:has-text('Belum terkirim')")

    # the CMO's session ends without a logout (8 idle hours); a colleague logs in on the same phone
    clear_cookies_when_quiet(phone)
    phone.context.set_offline(False)
    colleague = make_user(Role.CMO, branch_a, username="cmo.colleague")
    _login(phone, colleague)
    phone.wait_for_timeout(300)
    assert phone.is_hidden("[data-testid=outbox]")
    assert phone.evaluate("caches.open('angsur-pages').then(c => c.keys()).then(k => k.map(r => new URL(r.url).pathname))") in ([], ["/"])
    assert phone.evaluate("window.AngsurOutbox.list().then(items => items.length)") == 0
    survey.refresh_from_db()
    assert survey.status != SurveyStatus.COMPLETED

    # the CMO logs in again: the survey kept for them is sent, once
    phone.click("[data-testid=logout] button")
    phone.wait_for_selector("#id_username")
    _login(phone, cmo_a)
    # sent at once, or (a loaded machine: the first try can miss) at the outbox's next 30-second retry
    phone.wait_for_selector("[data-testid=outbox] [data-outbox-item^=survey-][data-status=sent]", timeout=45_000)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.COMPLETED
    assert AuditEvent.objects.filter(action="application.complete_survey").count() == 1
    phone.goto("about:blank")


def test_a_phone_that_refuses_to_store_the_outbox_item_posts_the_form_as_before(phone, live_server, survey, cmo_a):
    survey_photo_add(
        actor=cmo_a,
        survey=survey,
        uploaded=SimpleUploadedFile("rumah.jpg", JPEG, content_type="image/jpeg"),
        taken_at=timezone.now(),
        latitude=None,
        longitude=None,
    )
    _login(phone, cmo_a)
    phone.goto(f"/surveys/{survey.pk}/")
    phone.wait_for_selector("#survey-form [data-geo-status]:has-text('GPS:')")
    _fill(phone)
    phone.evaluate("() => { window.AngsurOutbox.put = () => Promise.reject(new Error('QuotaExceededError')); }")  # storage full
    phone.click("[data-testid=complete-survey]")
    phone.wait_for_selector("[data-testid=status]:has-text('Sudah disurvei')")
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.COMPLETED and survey.submit_key  # the key went with the plain post
    phone.goto("about:blank")
