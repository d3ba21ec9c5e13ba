"""Readable in the sun, usable by everyone (issue 15): axe-core (WCAG 2.1 AA, 0 serious or critical) and the
hand checks (tests/browser/a11y.py) on every page these tests visit, at 390 px, plus the behaviours axe cannot
see: the refused order form's summary and focus, list cards with their status, the text-size setting, 200 %
zoom, the language switch, the tenor table's scroll box and the quote answer's focus.
"""

from decimal import Decimal

import pytest
from django.utils import timezone

from angsur.devdata.factories import DEMO_PASSWORD, make_application, make_credit_config, make_dealer_user, make_user
from angsur.org.roles import Role
from angsur.origination.services import (
    ConditionData,
    analysis_start,
    application_cancel,
    bureau_check_record,
    decision_record,
    survey_assign,
    survey_complete,
    survey_photo_add,
)
from angsur.origination.workflow import Status
from tests.browser.a11y import accessibility_problems, assert_accessible, hand_check
from tests.origination.conftest import INFORMANTS, SURVEY_DATA, photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def branch_people(branch_a, cmo_a, dealer_a, products):
    make_credit_config()
    return {
        "cmo": cmo_a,
        "ca": make_user(Role.CREDIT_ANALYST, branch_a, username="ca.a11y"),
        "bm": make_user(Role.BRANCH_MANAGER, branch_a, username="bm.a11y"),
        "dealer": make_dealer_user(dealer_a, username="dealer.a11y"),
        "admin": make_user(Role.ADMIN, branch_a, username="adm.a11y"),
    }


def _surveyed(cmo, dealer, as_of, **kwargs):
    app = make_application(actor=cmo, dealer=dealer, as_of=as_of, **kwargs)
    survey = survey_assign(actor=cmo, application=app, surveyor=cmo, scheduled_for=timezone.now())
    survey_photo_add(
        actor=cmo, survey=survey, uploaded=photo(), taken_at=timezone.now(), latitude=Decimal("-6.2005"), longitude=Decimal("106.9004")
    )
    survey_complete(actor=cmo, survey=survey, data=SURVEY_DATA, informants=INFORMANTS)
    app.refresh_from_db()
    return app


def _in_analysis(people, dealer, as_of, **kwargs):
    app = _surveyed(people["cmo"], dealer, as_of, **kwargs)
    analysis_start(actor=people["ca"], application=app)
    bureau_check_record(actor=people["ca"], application=app, enquiry_date=as_of, consent_given=True, worst_collectibility=1, as_of=as_of)
    app.refresh_from_db()
    return app


@pytest.fixture
def applications(branch_people, dealer_a):
    """One application in each state whose badge means something different: approved, conditional, rejected, cancelled…"""
    people = branch_people
    as_of = timezone.localdate()
    apps = {"submitted": make_application(actor=people["cmo"], dealer=dealer_a, as_of=as_of)}
    apps["survey_assigned"] = make_application(actor=people["cmo"], dealer=dealer_a, as_of=as_of)
    survey_assign(actor=people["cmo"], application=apps["survey_assigned"], surveyor=people["cmo"], scheduled_for=timezone.now())
    apps["in_analysis"] = _in_analysis(people, dealer_a, as_of)
    approved = _in_analysis(people, dealer_a, as_of)
    decision_record(
        actor=people["bm"],
        application=approved,
        outcome="approve",
        reason_codes=["good_profile"],
        rationale="Profil sesuai kebijakan.",
        as_of=as_of,
    )
    apps["approved"] = approved
    conditional = _in_analysis(people, dealer_a, as_of)
    decision_record(
        actor=people["bm"],
        application=conditional,
        outcome="approve_conditions",
        reason_codes=["guarantor_needed"],
        rationale="Perlu penjamin.",
        as_of=as_of,
        conditions=[ConditionData("guarantor", "Kakak pemohon")],
    )
    apps["approved_conditions"] = conditional
    rejected = _in_analysis(people, dealer_a, as_of)
    decision_record(
        actor=people["ca"],
        application=rejected,
        outcome="reject",
        reason_codes=["character"],
        rationale="Tetangga memberi keterangan negatif.",
        as_of=as_of,
    )
    apps["rejected"] = rejected
    cancelled = make_application(actor=people["cmo"], dealer=dealer_a, as_of=as_of)
    application_cancel(actor=people["cmo"], application=cancelled, reason="Konsumen membatalkan.")
    apps["cancelled"] = cancelled
    for app in apps.values():
        app.refresh_from_db()
    return apps


@pytest.fixture
def contract(branch_people, applications):
    """The approved application booked as a contract (the contracts list and page)."""
    from angsur.servicing.services import contract_book

    today = timezone.localdate()
    return contract_book(actor=branch_people["admin"], application=applications["approved"], signing_date=today, as_of=today)


def _phone(chromium, live_server, **extra):
    options = {"viewport": PHONE, "locale": "id-ID", "base_url": live_server.url, **extra}
    context = chromium.new_context(**options)
    context.set_default_timeout(15000)
    return context, context.new_page()


def _visit_all(page, paths):
    problems = {}
    for path in paths:
        response = page.goto(path)
        assert response.status < 500, (path, response.status)
        found = accessibility_problems(page)
        if found:
            problems[path] = found
    assert not problems, "\n\n".join(f"{path}:\n" + "\n".join(found) for path, found in problems.items())


# --- every page, every role that works on it -------------------------------------------------------------


def test_the_pages_of_field_staff_pass_axe_and_the_hand_checks_at_390_px(
    chromium, live_server, login, branch_people, applications, dealer_a
):
    context, page = _phone(chromium, live_server)
    for path in ("/login/", "/offline/"):
        page.goto(path)
        assert_accessible(page)
    login(page, branch_people["cmo"].username, DEMO_PASSWORD)
    _visit_all(
        page,
        [
            "/",
            "/applications/",
            "/applications/?status=rejected",
            "/applications/new/",
            f"/applications/{applications['submitted'].pk}/",
            f"/applications/{applications['approved_conditions'].pk}/",
            f"/applications/{applications['rejected'].pk}/",
            "/dealers/",
            f"/dealers/{dealer_a.pk}/",
            "/quotes/new/",
            "/quotes/",
            "/products/",
            "/applications/999999/",  # the error page
        ],
    )
    context.close()


def test_the_survey_form_passes_axe_and_the_hand_checks_at_390_px(chromium, live_server, login, branch_people, applications):
    context, page = _phone(chromium, live_server)
    login(page, branch_people["cmo"].username, DEMO_PASSWORD)
    _visit_all(page, [f"/surveys/{applications['survey_assigned'].surveys.get().pk}/"])
    context.close()


def test_the_pages_of_analysts_managers_and_dealers_pass_axe_and_the_hand_checks_at_390_px(
    chromium, live_server, login, branch_people, applications, contract
):
    context, page = _phone(chromium, live_server)
    login(page, branch_people["ca"].username, DEMO_PASSWORD)
    _visit_all(page, ["/", f"/applications/{applications['in_analysis'].pk}/", f"/applications/{applications['approved'].pk}/"])
    context.close()

    # the analyst's desk: axe and the contrast checks at desktop width too
    context, page = _phone(chromium, live_server, viewport={"width": 1280, "height": 900})
    login(page, branch_people["ca"].username, DEMO_PASSWORD)
    for path in ("/", "/applications/", f"/applications/{applications['in_analysis'].pk}/"):
        page.goto(path)
        assert_accessible(page, phone=False)
    context.close()

    context, page = _phone(chromium, live_server)
    login(page, branch_people["bm"].username, DEMO_PASSWORD)
    _visit_all(page, ["/", "/audit/", "/contracts/", f"/contracts/{contract.pk}/", f"/applications/{applications['approved'].pk}/"])
    # the contracts list at 390 px: the status of the contract is on its card
    page.goto("/contracts/")
    box = page.locator("[data-testid=contract-table] .badge").first.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    context.close()

    context, page = _phone(chromium, live_server)
    login(page, branch_people["dealer"].username, DEMO_PASSWORD)
    _visit_all(page, ["/", f"/applications/{applications['rejected'].pk}/", f"/applications/{applications['approved_conditions'].pk}/"])
    context.close()


def test_a_refused_decision_passes_axe_and_points_at_its_messages(chromium, live_server, login, branch_people, applications):
    context, page = _phone(chromium, live_server)
    login(page, branch_people["ca"].username, DEMO_PASSWORD)
    page.goto(f"/applications/{applications['in_analysis'].pk}/")
    page.check("input[name=outcome][value=reject]")
    page.fill("#id_rationale", "Ditolak tanpa alasan yang dipilih.")
    page.click("[data-testid=decision-form] button[type=submit]")
    page.wait_for_selector("[data-testid=decision-errors]")
    assert_accessible(page)
    # the refused field is the one with the focus, and its message is the one it names
    focused = page.evaluate("() => document.activeElement.closest('[data-testid=reasons-fieldset]') !== null")
    assert focused, page.evaluate("() => document.activeElement.outerHTML.slice(0, 300)")
    assert page.is_visible("#id_reason_codes_error")
    assert page.is_checked("input[name=outcome][value=reject]")  # what the analyst chose is kept
    context.close()


# --- item 11: the long order form refused at 390 px --------------------------------------------------------


def test_a_refused_order_shows_a_summary_at_the_top_and_focuses_the_first_invalid_field(
    chromium, live_server, login, branch_people, dealer_a
):
    context, page = _phone(chromium, live_server)
    login(page, branch_people["cmo"].username, DEMO_PASSWORD)
    page.goto("/applications/new/")
    page.select_option("#id_product", "NMC")
    page.fill("#id_vehicle_brand", "Honda")
    page.fill("#id_vehicle_model", "Vario 125")
    page.fill("#id_otr", "23.400.000")
    page.fill("#id_down_payment", "4.700.000")
    page.fill("#id_applicant-full_name", "Siti Rahayu")
    page.fill("#id_applicant-nik", "1234")  # too short
    page.click("button[name=submit]")

    summary = page.wait_for_selector("[data-testid=form-errors]")
    assert summary.get_attribute("role") == "alert"
    # at the top: the summary is the first thing of the form, in view on the phone
    assert page.evaluate("() => document.querySelector('[data-testid=order-form] .error-summary') !== null")
    links = page.eval_on_selector_all("[data-testid=form-errors] a", "els => els.map(a => a.getAttribute('href'))")
    assert "#id_applicant-nik" in links and "#id_dealer" in links
    # the first invalid field (the dealer, first on the form) has the focus, and names its message
    focused = page.evaluate("() => document.activeElement.id")
    assert focused == "id_dealer"
    described = page.get_attribute("#id_dealer", "aria-describedby")
    assert "id_dealer_error" in described.split()
    assert page.is_visible("#id_dealer_error")
    # a link of the summary takes the keyboard to its field
    page.click("[data-testid=form-errors] a[href='#id_applicant-nik']")
    assert page.evaluate("() => document.activeElement.id") == "id_applicant-nik"
    assert page.get_attribute("#id_applicant-nik", "aria-invalid") == "true"
    assert_accessible(page)
    context.close()


# --- item 11: list status columns as cards at 390 px --------------------------------------------------------


def test_list_pages_show_every_status_as_cards_at_390_px(chromium, live_server, login, branch_people, applications):
    context, page = _phone(chromium, live_server)
    login(page, branch_people["cmo"].username, DEMO_PASSWORD)
    page.goto("/applications/")
    badges = page.query_selector_all("[data-testid=application-table] [data-testid=status]")
    assert len(badges) == len(applications)
    for badge in badges:
        box = badge.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], badge.inner_text()
    # the header row is hidden from the eye, each cell says what it is
    assert page.evaluate("() => getComputedStyle(document.querySelector('[data-testid=application-table] tr')).display") == "block"
    label = page.evaluate(
        "() => getComputedStyle(document.querySelector('[data-testid=application-table] td[data-label]'), '::before').content"
    )
    assert "Dealer" in label
    context.close()


def test_badges_differ_by_meaning_and_read_at_seven_to_one(chromium, live_server, login, branch_people, applications):
    context, page = _phone(chromium, live_server)
    login(page, branch_people["cmo"].username, DEMO_PASSWORD)
    page.goto("/applications/")
    colours = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('[data-testid=application-table] .badge')]
             .map(b => [b.dataset.status, getComputedStyle(b).backgroundColor + ' ' + getComputedStyle(b).color]))"""
    )
    meanings = [colours[Status.APPROVED], colours[Status.APPROVED_WITH_CONDITIONS], colours[Status.REJECTED], colours[Status.SUBMITTED]]
    assert len(set(meanings)) == 4, colours
    assert hand_check(page)["lowContrastBadges"] == []
    context.close()


# --- text size, zoom, header -------------------------------------------------------------------------------


def test_the_root_font_size_follows_the_browsers_text_size_setting(chromium, live_server, login, branch_people):
    context, page = _phone(chromium, live_server)
    cdp = context.new_cdp_session(page)
    cdp.send("Page.enable")
    cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 24, "fixed": 20}})
    page.goto("/login/")
    assert page.evaluate("() => getComputedStyle(document.documentElement).fontSize") == "24px"
    # the controls grow with it (44 px at 16 px → 66 px at 24 px)
    assert page.evaluate("() => document.querySelector('#id_username').getBoundingClientRect().height") >= 65
    context.close()


def test_pages_reflow_at_200_percent_zoom(chromium, live_server, login, branch_people, applications, dealer_a):
    """390 px at 200 % zoom is a 195 CSS px wide screen: label/value lists with rupiah amounts and lists must wrap."""
    pages = {
        "cmo": [
            "/",
            "/applications/",
            f"/applications/{applications['approved_conditions'].pk}/",
            "/applications/new/",
            "/dealers/",
            f"/dealers/{dealer_a.pk}/",
        ],
        "ca": [f"/applications/{applications['in_analysis'].pk}/"],
        "bm": ["/audit/"],
    }
    for who, paths in pages.items():
        context, page = _phone(chromium, live_server, viewport={"width": 195, "height": 422}, device_scale_factor=2)
        login(page, branch_people[who].username, DEMO_PASSWORD)
        for path in paths:
            page.goto(path)
            overflow = hand_check(page)["overflow"]
            assert overflow is None, (path, overflow)
        context.close()


def test_the_header_and_menu_take_under_a_fifth_of_a_phone_screen(chromium, live_server, login, branch_people):
    context, page = _phone(chromium, live_server)
    login(page, branch_people["cmo"].username, DEMO_PASSWORD)
    bottom = hand_check(page)["headerBottom"]
    assert 0 < bottom < PHONE["height"] / 5, bottom
    context.close()


def test_a_skip_link_takes_the_keyboard_past_the_header(chromium, live_server, login, branch_people):
    context, page = _phone(chromium, live_server)
    login(page, branch_people["cmo"].username, DEMO_PASSWORD)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.closest('main') !== null || document.activeElement.tagName === 'MAIN'")
    context.close()


# --- the language switch, the tenor table, the quote answer ------------------------------------------------


def test_the_language_select_changes_only_on_an_explicit_choice(chromium, live_server, login, branch_people):
    context, page = _phone(chromium, live_server)
    login(page, branch_people["cmo"].username, DEMO_PASSWORD)
    page.focus("select[name=language]")
    page.keyboard.press("ArrowDown")  # one arrow key on the closed select: no reload
    page.wait_for_timeout(600)
    assert page.inner_text("[data-testid=home-title]") == "Beranda CMO"
    assert page.eval_on_selector("select[name=language]", "s => s.value") == "en"
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the explicit choice
    assert page.inner_text("[data-testid=home-title]") == "CMO home"
    # a pick from the list (pointer) still switches at once
    with page.expect_navigation():
        page.select_option("select[name=language]", "id")
    assert page.inner_text("[data-testid=home-title]") == "Beranda CMO"
    context.close()


def test_the_tenor_table_scrolls_by_keyboard_and_the_quote_answer_takes_the_focus(chromium, live_server, login, branch_people, dealer_a):
    context, page = _phone(chromium, live_server)
    login(page, branch_people["cmo"].username, DEMO_PASSWORD)
    page.goto("/quotes/new/")
    page.select_option("#id_product", "NMC")
    page.fill("#id_otr", "23.400.000")
    page.fill("#id_down_payment", "4.700.000")
    page.click("#quote-form button[type=submit]")
    page.wait_for_selector("[data-testid=tenor-comparison]")
    # the answer has the focus (announced, and in view on the phone)
    assert page.evaluate("() => document.activeElement.closest('#quote-result') !== null")
    box = page.locator("#quote-result").bounding_box()
    assert box["y"] < PHONE["height"]
    scroller = page.locator(".table-wrap:has([data-testid=tenor-comparison])")
    assert scroller.get_attribute("tabindex") == "0"
    assert scroller.get_attribute("role") == "region"
    assert scroller.get_attribute("aria-label")
    scroller.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=scroller.element_handle(), timeout=3000)
    assert_accessible(page)
    context.close()


def test_the_documents_form_labels_its_select_and_file_and_the_cancel_reason_is_labelled(
    chromium, live_server, login, branch_people, applications
):
    context, page = _phone(chromium, live_server)
    login(page, branch_people["cmo"].username, DEMO_PASSWORD)
    assert page.goto(f"/applications/{applications['submitted'].pk}/").ok
    assert page.get_by_label("Dokumen", exact=True).count() == 1
    assert page.get_by_label("Berkas (gambar atau PDF)").count() == 1
    assert page.locator("[data-testid=cancel-form] textarea, [data-testid=cancel-form] input:not([type=hidden])").count() == 1
    reason = page.locator("[data-testid=cancel-form] input:not([type=hidden]), [data-testid=cancel-form] textarea").first
    assert reason.evaluate("el => el.labels.length") == 1
    context.close()


# --- the same rules in the HTML itself (run with or without Chromium) --------------------------------------


def _broken_describedby(html: str) -> list[str]:
    import re

    ids = set(re.findall(r'\sid="([^"]+)"', html))
    return [ref for refs in re.findall(r'aria-describedby="([^"]+)"', html) for ref in refs.split() if ref not in ids]


def test_refused_forms_name_messages_that_exist_in_the_html(web, branch_people, applications):
    order = web(branch_people["cmo"]).post("/applications/new/", {"applicant-nik": "1234", "applicant-full_name": "Siti"})
    assert order.status_code == 400
    html = order.content.decode()
    assert 'class="error-summary" role="alert"' in html and 'href="#id_applicant-nik"' in html
    assert 'aria-describedby="id_applicant-nik_error"' in html
    assert _broken_describedby(html) == []

    app = applications["in_analysis"]
    decision = web(branch_people["ca"]).post(
        f"/applications/{app.pk}/decide/", {"version": app.version, "outcome": "reject", "rationale": "Tanpa alasan."}
    )
    html = decision.content.decode()
    assert 'data-testid="decision-errors"' in html and 'id="id_reason_codes_error"' in html
    assert _broken_describedby(html) == []
    assert _broken_describedby(web(branch_people["cmo"]).get("/applications/new/").content.decode()) == []


def test_the_turnaround_over_target_and_the_end_of_day_runs_fit_a_390_px_screen(
    chromium, live_server, login, branch_people, applications, contract
):
    """Found walking the demo at 390 px: an order over every turnaround target (four columns with the badge) and the
    end-of-day's list of runs (five columns) were wider than the screen."""
    import datetime as dt

    from angsur.origination.models import Application
    from angsur.servicing.eod import eod_run

    late = applications["in_analysis"]
    Application.objects.filter(pk=late.pk).update(submitted_at=timezone.now() - dt.timedelta(days=3))
    eod_run(timezone.localdate() - dt.timedelta(days=1), actor=branch_people["admin"])

    context, page = _phone(chromium, live_server)
    login(page, branch_people["ca"].username, DEMO_PASSWORD)
    _visit_all(page, [f"/applications/{late.pk}/"])
    assert page.locator(".badge.fail").count() >= 1  # over target
    context.close()

    context, page = _phone(chromium, live_server)
    login(page, branch_people["admin"].username, DEMO_PASSWORD)
    _visit_all(page, ["/eod/"])
    assert page.locator("[data-testid=eod-run]").count() == 1
    context.close()
