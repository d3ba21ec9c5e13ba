"""The survey report and the credit memo, rendered for an application driven through survey, decision and appeal.

pypdf is not installed, so the text is checked on the HTML the PDF is rendered from (render_to_string on the same
context, in English) and the PDF itself for its signature and the embedded photo.
"""

import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from PIL import Image

from angsur.errors import NotFound, PermissionDenied
from angsur.origination.documents import (
    CREDIT_MEMO_TEMPLATE,
    SURVEY_REPORT_TEMPLATE,
    credit_memo_context,
    credit_memo_pdf,
    survey_report_context,
    survey_report_pdf,
)
from angsur.origination.services import (
    analysis_start,
    appeal_file,
    bureau_check_record,
    decision_record,
    survey_assign,
    survey_complete,
    survey_photo_add,
)
from angsur.origination.workflow import Status
from tests.origination.conftest import AS_OF, INFORMANTS, SURVEY_DATA

REJECTION = "Cek lingkungan kurang meyakinkan, penghasilan usaha sampingan belum terbukti."
ARGUMENT = "Konsumen lama dengan riwayat bayar baik di dealer ini; RT mengenal keluarganya sejak lama."
APPROVAL = "Banding diterima: slip gaji tiga bulan terakhir konsisten dan rumah milik sendiri."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def english(template: str, build: Callable[[], dict]) -> str:
    """The HTML behind a PDF, in English so the assertions do not depend on the translation catalogue."""
    with translation.override("en"):
        return render_to_string(template, build())


def real_jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), (180, 120, 60)).save(buffer, "JPEG", quality=70)
    return SimpleUploadedFile("rumah-depan.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def appealed(new_application, cmo_a, staff):
    """Surveyed with a real geotagged photo, rejected by the analyst, appealed by the supervisor, approved one level up."""
    app = new_application()
    survey = survey_assign(actor=staff["ms"], application=app, surveyor=cmo_a, scheduled_for=timezone.now())
    survey_photo_add(
        actor=cmo_a,
        survey=survey,
        uploaded=real_jpeg(),
        taken_at=timezone.now(),
        latitude=Decimal("-6.200500"),
        longitude=Decimal("106.900400"),
        caption="Tampak depan rumah",
    )
    survey_complete(actor=cmo_a, survey=survey, data=SURVEY_DATA, informants=INFORMANTS)
    app = analysis_start(actor=staff["ca"], application=app)
    bureau_check_record(actor=staff["ca"], application=app, enquiry_date=AS_OF, consent_given=True, worst_collectibility=1, as_of=AS_OF)
    decision_record(
        actor=staff["ca"],
        application=app,
        outcome="reject",
        reason_codes=["character", "employment_unverified"],
        rationale=REJECTION,
        as_of=AS_OF,
    )
    appeal_file(actor=staff["ms"], application=app, argument=ARGUMENT)
    decision_record(actor=staff["cca"], application=app, outcome="approve", reason_codes=["good_profile"], rationale=APPROVAL, as_of=AS_OF)
    app.refresh_from_db()
    assert app.status == Status.APPROVED
    return app


def test_survey_report_pdf_embeds_the_findings_and_photo(appealed, staff):
    pdf = survey_report_pdf(appealed, viewer=staff["ca"])
    assert pdf.startswith(b"%PDF")
    assert b"/Image" in pdf  # the photo is embedded, not linked
    html = english(SURVEY_REPORT_TEMPLATE, lambda: survey_report_context(appealed, viewer=staff["ca"]))
    assert appealed.applicant_name in html
    assert "data:image/jpeg;base64," in html
    assert "Tampak depan rumah" in html and "-6.200500" in html
    assert "Pak RT Slamet" in html and "Rumah sendiri, kerja tetap." in html
    distance = appealed.surveys.get().distance_from_address_m
    assert f"{distance} m" in html
    assert "http://" not in html and "https://" not in html


def test_credit_memo_pdf_carries_the_decision_trail(appealed, staff):
    pdf = credit_memo_pdf(appealed, viewer=staff["bm"], as_of=AS_OF)
    assert pdf.startswith(b"%PDF")
    html = english(CREDIT_MEMO_TEMPLATE, lambda: credit_memo_context(appealed, viewer=staff["bm"], as_of=AS_OF))
    assert appealed.applicant_name in html
    assert REJECTION in html and APPROVAL in html
    assert ARGUMENT in html
    # reason codes are shown by their labels, every policy rule with its parameters
    assert "Negative neighbour or character check" in html and "Employment or income could not be verified" in html
    for rule in ("DSR ceiling", "Minimum down payment", "Credit bureau (SLIK) collectibility"):
        assert rule in html
    # the trail is in time order: rejection, appeal, approval
    assert html.index(REJECTION) < html.index(ARGUMENT[:40]) < html.index(APPROVAL)


def test_credit_memo_shows_the_counter_offer(new_application, cmo_a, staff):
    app = new_application(income=Decimal("3000000"))
    survey = survey_assign(actor=cmo_a, application=app, surveyor=cmo_a, scheduled_for=timezone.now())
    survey_photo_add(actor=cmo_a, survey=survey, uploaded=real_jpeg(), taken_at=timezone.now(), latitude=None, longitude=None)
    survey_complete(actor=cmo_a, survey=survey, data={**SURVEY_DATA, "verified_income": Decimal("3000000")}, informants=INFORMANTS)
    app = analysis_start(actor=staff["ca"], application=app)
    bureau_check_record(actor=staff["ca"], application=app, enquiry_date=AS_OF, consent_given=True, worst_collectibility=1, as_of=AS_OF)
    decision = decision_record(
        actor=staff["ca"],
        application=app,
        outcome="approve_conditions",
        reason_codes=["dsr_too_high"],
        rationale="DSR di atas batas; DP dinaikkan.",
        as_of=AS_OF,
        counter_offer_kind="dp",
    )
    html = english(CREDIT_MEMO_TEMPLATE, lambda: credit_memo_context(app, viewer=staff["ca"], as_of=AS_OF))
    assert "Counter-offer" in html and "Larger down payment, same tenor" in html
    assert "Installment above the repayment capacity (DSR)" in html
    assert decision.counter_offer["tenor_months"] == app.tenor_months
    assert credit_memo_pdf(app, viewer=staff["ca"], as_of=AS_OF).startswith(b"%PDF")
    # a photo without GPS still renders in the report
    assert survey_report_pdf(app, viewer=cmo_a).startswith(b"%PDF")


def test_report_before_the_survey_renders_without_findings(new_application, cmo_a):
    app = new_application()
    html = english(SURVEY_REPORT_TEMPLATE, lambda: survey_report_context(app, viewer=cmo_a))
    assert "No survey has been assigned" in html
    assert survey_report_pdf(app, viewer=cmo_a).startswith(b"%PDF")


def test_documents_are_not_for_dealers_or_other_branches(appealed, dealer_user_a, cmo_b, cmo_a):
    with pytest.raises(NotFound):
        survey_report_pdf(appealed, viewer=dealer_user_a)
    with pytest.raises(NotFound):
        survey_report_pdf(appealed, viewer=cmo_b)
    with pytest.raises(PermissionDenied):
        credit_memo_pdf(appealed, viewer=cmo_a, as_of=AS_OF)
