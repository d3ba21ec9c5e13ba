"""One order from the dealer portal to a decision the dealer can understand, through every hand (issue: origination)."""

import datetime as dt

import pytest

from angsur.audit.models import AuditEvent
from angsur.dealers.services import dealer_coverage_set
from angsur.devdata.factories import DEMO_PASSWORD, make_credit_config, make_dealer_user, make_user, nik_for
from angsur.org.roles import Role
from angsur.origination.models import Application
from angsur.origination.workflow import Status
from tests.browser.a11y import assert_accessible
from tests.origination.conftest import JPEG  # a real image: uploads are decoded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOME = {"latitude": -6.2005, "longitude": 106.9004}


def _decide(page, outcome: str, reason: str, rationale: str) -> None:
    page.check(f"input[name=outcome][value={outcome}]")
    page.check(f"input[name=reason_codes][value={reason}]")
    page.fill("#id_rationale", rationale)
    page.click("[data-testid=decision-form] button[type=submit]")


def _bureau(page) -> None:
    page.fill("#id_enquiry_date", dt.date.today().isoformat())
    page.check("#id_consent_given")
    page.select_option("#id_worst_collectibility", "1")
    page.click("[data-testid=bureau-form] button[type=submit]")


def test_order_walks_from_dealer_to_decision_and_back(chromium, live_server, login, products, branch_a, cmo_a, dealer_a):
    make_credit_config()
    dealer_user = make_dealer_user(dealer_a, username="dealer.honda")
    dealer_coverage_set(actor=None, dealer=dealer_a, user=cmo_a, is_primary=True)
    ms = make_user(Role.MARKETING_SUPERVISOR, branch_a, username="ms.walk")
    ca = make_user(Role.CREDIT_ANALYST, branch_a, username="ca.walk")
    cca = make_user(Role.CHIEF_CREDIT_ANALYST, branch_a, username="cca.walk")
    bm = make_user(Role.BRANCH_MANAGER, branch_a, username="bm.walk")

    def context(width: int, **extra):
        ctx = chromium.new_context(viewport={"width": width, "height": 900}, locale="id-ID", base_url=live_server.url, **extra)
        ctx.set_default_timeout(15000)
        return ctx, ctx.new_page()

    # 1. the dealer submits the order in its portal (income low enough that the DSR fails at 24 months)
    ctx, page = context(1024)
    login(page, dealer_user.username, DEMO_PASSWORD)
    page.click("[data-testid=tile-new-order]")
    page.select_option("#id_product", "NMC")
    for field, value in {
        "#id_vehicle_brand": "Honda",
        "#id_vehicle_model": "Vario 125",
        "#id_vehicle_year": str(dt.date.today().year),
        "#id_otr": "23.400.000",
        "#id_down_payment": "4.700.000",
        "#id_tenor_months": "24",
        "#id_household_expense": "1.000.000",
        "#id_dependents": "1",
        "#id_residence_months": "60",
        "#id_address_latitude": "-6.200000",
        "#id_address_longitude": "106.900000",
        "#id_applicant-full_name": "Siti Rahayu",
        "#id_applicant-nik": nik_for(dt.date(1992, 3, 5), "F"),
        "#id_applicant-birth_place": "Bekasi",
        "#id_applicant-birth_date": "1992-03-05",
        "#id_applicant-phone": "0813-1111-2222",
        "#id_applicant-ktp_address": "Jl. Kenanga 5, Jakarta Timur",
        "#id_applicant-employment_months": "48",
        "#id_applicant-monthly_income": "3.000.000",
    }.items():
        page.fill(field, value)
    page.select_option("#id_applicant-sex", "F")
    page.click("button[name=submit]")
    page.wait_for_selector("[data-testid=status]")
    assert page.inner_text("[data-testid=status]") == "Diajukan"
    app = Application.objects.get()
    assert app.cmo == cmo_a and app.created_by == dealer_user
    # ... and attaches the customer's documents from the portal (a decision waits for them), seeing the
    # assigned CMO and the order's milestones on the same page (issue 15, item 12)
    assert page.inner_text("[data-testid=dealer-cmo]").strip()
    assert page.locator("[data-testid=dealer-timeline] li").count() == 2  # received, submitted
    for kind in ("ektp", "kk", "pbb_or_electricity", "applicant_photo", "payslip"):
        page.select_option("[data-testid=dealer-upload] select", kind)
        page.set_input_files(
            "[data-testid=dealer-upload] input[type=file]", files=[{"name": f"{kind}.jpg", "mimeType": "image/jpeg", "buffer": JPEG}]
        )
        page.click("[data-testid=dealer-upload] button[type=submit]")
        page.wait_for_load_state()
    assert page.locator("[data-testid=dealer-documents] li").count() == 5
    ctx.close()

    # 2. the CMO, on a phone at the applicant's home, takes the survey with a photo and a GPS position
    ctx, page = context(390, geolocation=HOME, permissions=["geolocation"])
    login(page, cmo_a.username, DEMO_PASSWORD)
    page.goto(f"/applications/{app.pk}/")
    page.click("[data-testid=assign-form] button[type=submit]")
    page.click("[data-testid=open-survey]")
    page.wait_for_selector("[data-testid=photo-form] [data-geo-status]:has-text('GPS:')")
    page.set_input_files("#id_file", files=[{"name": "rumah.jpg", "mimeType": "image/jpeg", "buffer": JPEG}])
    page.fill("#id_caption", "Tampak depan rumah")
    page.click("[data-testid=photo-form] button[type=submit]")
    page.wait_for_selector("[data-testid=photo]")
    page.wait_for_selector("#survey-form [data-geo-status]:has-text('GPS:')")
    page.select_option("#id_residence_ownership", "own")
    for field, value in {
        "#id_residence_months": "60",
        "#id_house_type": "Rumah permanen",
        "#id_house_condition": "Baik",
        "#id_road_access": "Gang, motor bisa masuk",
        "#id_employment_verification": "Telepon HRD PT Sinar",
        "#id_employment_months": "48",
        "#id_dependents": "1",
        "#id_verified_income": "3.000.000",
        "#id_recommendation_reason": "Rumah sendiri, pekerjaan tetap, lingkungan baik.",
        "#id_informant_1_name": "Pak RT Joko",
        "#id_informant_1_relation": "Ketua RT",
        "#id_informant_1_answer": "Benar tinggal di sini sejak 2020.",
        "#id_informant_2_name": "Ibu Ani",
        "#id_informant_2_relation": "Tetangga",
        "#id_informant_2_answer": "Orangnya baik dan ramah.",
    }.items():
        page.fill(field, value)
    page.check("#id_employer_verified")
    page.check("#id_informant_1_confirms")
    page.check("input[name=recommendation][value=recommend]")
    page.wait_for_selector("[data-testid=draft-status]:has-text('Draf')")  # saved as you go
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    assert_accessible(page)  # axe (WCAG 2.1 AA, serious/critical) and the hand checks at 390 px
    page.click("[data-testid=complete-survey]")
    page.wait_for_selector("[data-testid=status]")
    assert page.inner_text("[data-testid=status]") == "Sudah disurvei"
    distance = page.inner_text("[data-testid=distance]")
    assert distance.endswith(" m") and int(distance.split()[0]) < 200
    ctx.close()

    # 3. the analyst takes it, enters SLIK and escalates it; the chief analyst rejects it
    ctx, page = context(1280)
    login(page, ca.username, DEMO_PASSWORD)
    assert app.number in page.inner_text("[data-testid=queue]")
    page.goto(f"/applications/{app.pk}/")
    page.click("[data-testid=start-analysis]")
    _bureau(page)
    assert "DSR" in page.inner_text("[data-testid=analysis]")
    assert page.locator("[data-testid=offers] li").count() >= 1
    _decide(page, "escalate", "other", "DSR di atas batas; minta keputusan level 2.")
    page.wait_for_selector("text=Eskalasi")
    ctx.close()

    ctx, page = context(1280)
    login(page, cca.username, DEMO_PASSWORD)
    page.goto(f"/applications/{app.pk}/")
    _decide(page, "reject", "dsr_too_high", "Angsuran 37% dari penghasilan terverifikasi.")
    page.wait_for_selector("[data-testid=status]:has-text('Ditolak')")
    ctx.close()

    # 4. the supervisor fights for it (banding); the branch manager approves with a counter-offer
    ctx, page = context(390)
    login(page, ms.username, DEMO_PASSWORD)
    assert app.number in page.inner_text("[data-testid=appealable]")
    page.goto(f"/applications/{app.pk}/")
    page.fill("#id_argument", "Konsumen loyal dealer, bersedia menambah DP; mohon dipertimbangkan dengan DP lebih besar.")
    page.click("[data-testid=appeal-form] button[type=submit]")
    page.wait_for_selector("[data-testid=status]:has-text('Banding')")
    assert_accessible(page)  # the supervisor's application page at 390 px
    ctx.close()

    ctx, page = context(1280)
    login(page, bm.username, DEMO_PASSWORD)
    assert app.number in page.inner_text("[data-testid=escalations]")
    page.goto(f"/applications/{app.pk}/")
    page.select_option("#id_counter_offer_kind", "dp")
    _decide(page, "approve_conditions", "dsr_too_high", "Disetujui dengan DP lebih besar sesuai kemampuan bayar.")
    page.wait_for_selector("[data-testid=status]:has-text('Disetujui dengan syarat')")
    ctx.close()

    # 5. the dealer sees the decision with a privacy-safe explanation and the workable offer
    ctx, page = context(390)
    login(page, dealer_user.username, DEMO_PASSWORD)
    page.goto(f"/applications/{app.pk}/")
    notice = page.inner_text("[data-testid=dealer-notice]")
    assert "kemampuan bayar" in notice
    assert page.locator("[data-testid=counter-offer]").count() == 1
    for private in ("3.000.000", "Angsuran 37%", "Kol", "Pak RT", app.applicant_nik):
        assert private not in notice
    # at phone width the dealer follows the order: its milestones in time order, the conditions, the documents
    assert "Survei" in page.inner_text("[data-testid=dealer-timeline]")
    assert page.locator("[data-testid=dealer-conditions] li").count() == 1  # the new DP, open until accepted
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    assert_accessible(page)
    ctx.close()

    app.refresh_from_db()
    assert app.status == Status.APPROVED_WITH_CONDITIONS
    trail = set(AuditEvent.objects.filter(object_type="origination.application", object_id=str(app.pk)).values_list("action", flat=True))
    assert trail >= {
        "application.create",
        "application.submit",
        "application.assign_survey",
        "survey.photo_add",
        "application.complete_survey",
        "application.start_analysis",
        "application.bureau_check",
        "application.escalate",
        "application.reject",
        "application.appeal",
        "application.approve_conditions",
    }
