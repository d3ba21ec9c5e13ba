"""In the browser at 390 px (issue 12, done when): a Marketing Head opens a dealer's scorecard and a vintage chart, a
dealer user sees only their own scorecard, a Branch Manager approves a month's incentive statements and downloads the
Excel file; a CMO sees their repeat-order list and opens a pre-filled quote."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from angsur.devdata.factories import make_dealer_user, make_user
from angsur.org.roles import Role
from angsur.performance.models import IncentiveScheme, IncentiveStatement, StatementStatus
from angsur.servicing.models import Contract
from tests.browser.a11y import assert_accessible
from tests.browser.conftest import sign_in_as
from tests.performance.conftest import portfolio  # noqa: F401  (the hand-built portfolio, a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_scorecards_vintage_incentives_and_repeat_orders_on_a_phone(
    phone,
    portfolio,  # noqa: F811
    branch_a,
    cmo_a,
    dealer_a,
    dealer_a2,
    ho_admin,
):
    page = phone
    IncentiveScheme.objects.create(
        effective_from=dt.date(2026, 1, 1), base_kind="per_unit", base_per_unit_sen=100_000_00, created_by=ho_admin
    )

    # A Marketing Head opens a dealer's scorecard, then the dashboard's vintage chart
    head = make_user(Role.MARKETING_HEAD, branch_a, username="mh.walk")
    sign_in_as(page, head)
    page.goto("/performance/dealers/?from=2026-01&to=2026-11")
    page.click(f"text={dealer_a.name}")
    page.wait_for_selector("[data-testid=scorecard]")
    assert "33,33" in page.inner_text("[data-testid=scorecard]")  # 30+ DPD at MOB 3
    assert_accessible(page)
    page.goto("/performance/?from=2026-01&to=2026-11")
    vintage = page.locator("[data-testid=chart-vintage]")
    vintage.scroll_into_view_if_needed()
    assert "Vintage" in vintage.locator("svg[role=img] > title").text_content()
    box = vintage.locator("svg").bounding_box()
    assert 300 <= box["width"] <= 390
    vintage.locator("summary").click()
    assert "2026-01" in vintage.locator("table").inner_text()
    assert_accessible(page)

    # A dealer user sees its own scorecard only
    dealer_user = make_dealer_user(dealer_a, username="dealer.walk")
    sign_in_as(page, dealer_user)
    page.goto("/performance/my-dealer/?from=2026-01&to=2026-11")
    page.wait_for_selector("[data-testid=scorecard]")
    assert dealer_a.name in page.inner_text("h1")
    assert page.goto(f"/performance/dealers/{dealer_a2.pk}/").status == 404

    # The Branch Manager computes April, approves every statement and downloads the payroll file
    manager = make_user(Role.BRANCH_MANAGER, branch_a, username="bm.walk")
    sign_in_as(page, manager)
    page.goto("/performance/incentives/?month=2026-04")
    page.click("[data-testid=run-incentives]")
    page.wait_for_selector("[data-testid=approve-all]")
    page.click("[data-testid=approve-all]")
    page.wait_for_selector("[data-testid=statements] .badge[data-status=approved]")
    assert set(IncentiveStatement.objects.values_list("status", flat=True)) == {StatementStatus.APPROVED}
    with page.expect_download() as download:
        page.click("[data-testid=payroll-xlsx]")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert {row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)} == {"cmo.a", "cmo.a2"}
    _fits_the_phone(page)

    # The CMO sees a paid-off customer on the repeat-order list and opens the pre-filled quote
    c1 = portfolio.c["c1"]
    Contract.objects.filter(pk=c1.pk).update(status="paid_off", closed_on=dt.date(2026, 11, 1))
    sign_in_as(page, cmo_a)
    page.goto("/performance/repeat-orders/")
    card = page.locator(f"[data-testid='repeat-{c1.number}']")
    card.locator("button[type=submit]").first.click()
    page.wait_for_url("**/quotes/new/**")
    assert page.input_value("input[name=prospect_name]") == c1.customer_name
    assert page.input_value("select[name=product]") == "NMC"
    _fits_the_phone(page)
