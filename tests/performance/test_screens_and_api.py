"""Screens and API over the hand-built portfolio: who sees what, charts accessible, Excel files, incentive approval."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from angsur.devdata.factories import make_dealer_user, make_user
from angsur.org.roles import Role
from angsur.performance.models import IncentiveScheme, IncentiveStatement, RepeatOffer, StatementStatus

YEAR = "from=2026-01&to=2026-11"


@pytest.fixture
def mh_a(branch_a):
    return make_user(Role.MARKETING_HEAD, branch_a, username="mh.a")


@pytest.fixture
def scheme(ho_admin):
    return IncentiveScheme.objects.create(
        effective_from=dt.date(2026, 1, 1), base_kind="per_unit", base_per_unit_sen=100_000_00, created_by=ho_admin
    )


def test_dashboard_draws_every_chart_with_title_desc_table_and_excel_link(portfolio, web, mh_a):
    page = web(mh_a).get(f"/performance/?{YEAR}")
    assert page.status_code == 200
    html = page.content.decode()
    for key in ("funnel", "approval", "bookings", "buckets", "collectibility", "vintage", "rolls", "npf"):
        assert f'data-testid="chart-{key}"' in html
        assert f"/performance/export/{key}.xlsx?" in html
    assert html.count("<svg") == 8 and html.count("<title") >= 8 and html.count("<desc") == 8
    assert 'role="img"' in html and "style=" not in html.split("<main", 1)[1]


def test_chart_excel_holds_the_vintage_cells(portfolio, web, mh_a):
    response = web(mh_a).get(f"/performance/export/vintage.xlsx?{YEAR}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    # Jan 2026 cohort: MOB 2 16,67 %, MOB 3 50 %, MOB 6 33,33 % (columns: cohort, MOB 0 … MOB 12)
    assert rows["2026-01"][3] == 16.67 and rows["2026-01"][4] == 50 and rows["2026-01"][7] == 33.33


def test_dashboard_filters_out_of_scope_answer_404(portfolio, web, mh_a, dealer_b):
    assert web(mh_a).get(f"/performance/?dealer={dealer_b.pk}").status_code == 404
    assert web(mh_a).get("/performance/?from=2026-13").status_code == 400
    assert web(mh_a).get("/performance/export/nothing.xlsx").status_code == 404


def test_marketing_head_opens_a_dealers_scorecard(portfolio, web, mh_a, dealer_a):
    page = web(mh_a).get(f"/performance/dealers/{dealer_a.pk}/?{YEAR}")
    assert page.status_code == 200
    assert b"Honda Jaya Jakarta" in page.content and b'data-testid="scorecard"' in page.content
    ranking = web(mh_a).get(f"/performance/dealers/?{YEAR}")
    assert b"Yamaha Sentosa Jakarta" in ranking.content
    xlsx = web(mh_a).get(f"/performance/dealers/{dealer_a.pk}/scorecard.xlsx?{YEAR}")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_dealer_sees_its_own_scorecard_only_with_neutral_reasons(portfolio, web, api, dealer_a, dealer_a2):
    dealer_user = make_dealer_user(dealer_a, username="dealer.view")
    page = web(dealer_user).get("/performance/my-dealer/?from=2026-11&to=2026-11")
    assert page.status_code == 200 and b"Honda Jaya Jakarta" in page.content
    # 'character' is told as the neutral line, never by name; no applicant name anywhere
    assert b"Karakter" not in page.content and b"Pemohon" not in page.content
    assert web(dealer_user).get(f"/performance/dealers/{dealer_a2.pk}/").status_code == 404
    assert web(dealer_user).get("/performance/").status_code == 302
    assert web(dealer_user).get("/performance/export/vintage.xlsx").status_code == 404
    body = api(dealer_user).get("/api/performance/my-dealer/scorecard", {"from": "2026-11", "to": "2026-11"}).json()
    assert body["dealer_id"] == dealer_a.pk and body["figures"]["orders"] == 4
    assert api(dealer_user).get(f"/api/performance/dealers/{dealer_a2.pk}/scorecard").status_code == 404


def test_api_scorecard_cmo_and_chart(portfolio, api, bm_a, dealer_a, cmo_a):
    card = api(bm_a).get(f"/api/performance/dealers/{dealer_a.pk}/scorecard", {"from": "2026-01", "to": "2026-11"}).json()
    assert card["quality"]["dpd30_mob3"] == "33.33" and card["figures"]["bookings"] == 7
    cmo = api(bm_a).get(f"/api/performance/cmos/{cmo_a.pk}", {"month": "2026-04"}).json()
    assert cmo["premature_contracts"] == 7 and cmo["premature_dpd30_rate"] == "28.57"
    rolls = api(bm_a).get("/api/performance/chart-data", {"chart": "rolls", "from": "2026-04", "to": "2026-04"}).json()
    assert rolls["rows"][0][0] == "B0"
    assert api(bm_a).get("/api/performance/cmos", {"month": "2026-4"}).status_code in (400, 422)
    assert api(cmo_a).get(f"/api/performance/cmos/{portfolio.cmo_a2.pk}").status_code == 404
    unknown = api(bm_a).get("/api/performance/chart-data", {"chart": "pie"})
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_chart"
    staff = api(bm_a).get("/api/performance/my-dealer/scorecard")  # a dealer user's own: staff are refused, not told "not found"
    assert staff.status_code == 403 and staff.json()["code"] == "dealer_only"


def test_cmo_sees_own_page_not_the_leaderboard(portfolio, web, cmo_a):
    client = web(cmo_a)
    assert client.get("/performance/").status_code == 302
    assert client.get(f"/performance/cmos/{cmo_a.pk}/?month=2026-04").status_code == 200
    assert client.get(f"/performance/cmos/{portfolio.cmo_a2.pk}/").status_code == 404
    assert client.get("/performance/cmos/").status_code == 302


def test_branch_manager_sets_targets_on_the_screen(portfolio, web, bm_a, cmo_a, cmo_b):
    client = web(bm_a)
    assert client.get("/performance/targets/?month=2026-12").status_code == 200
    client.post("/performance/targets/", {"cmo": cmo_a.pk, "month": "2026-12", "orders": "10", "bookings": "8", "amount": "160000000"})
    figures = client.get(f"/performance/cmos/{cmo_a.pk}/?month=2026-12")
    assert b"Rp160.000.000" in figures.content
    assert (
        client.post(
            "/performance/targets/", {"cmo": cmo_b.pk, "month": "2026-12", "orders": "1", "bookings": "1", "amount": "1"}
        ).status_code
        == 404
    )


def test_branch_manager_runs_approves_and_downloads_payroll(portfolio, scheme, web, api, bm_a, cmo_a):
    client = web(bm_a)
    client.post("/performance/incentives/run/", {"month": "2026-04"})
    page = client.get("/performance/incentives/?month=2026-04")
    assert b'data-testid="approve-all"' in page.content
    statement = IncentiveStatement.objects.get(cmo=cmo_a, month=dt.date(2026, 4, 1))
    detail = client.get(f"/performance/incentives/statements/{statement.pk}/")
    assert b"Dasar: kontrak" in detail.content
    client.post("/performance/incentives/approve/", {"month": "2026-04"})
    assert set(IncentiveStatement.objects.values_list("status", flat=True)) == {StatementStatus.APPROVED}
    xlsx = client.get("/performance/incentives/export.xlsx?month=2026-04")
    book = load_workbook(io.BytesIO(xlsx.content))
    payroll = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert {row[1] for row in payroll} == {"cmo.a", "cmo.a2"}
    lines = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert sum(Decimal(str(row[7])) for row in lines if row[0] == "cmo.a") == statement.total
    # The CMO reads their own statement through the API, lines summing to the total
    mine = api(cmo_a).get("/api/performance/incentive-statements", {"month": "2026-04"}).json()
    assert [s["username"] for s in mine] == ["cmo.a"]
    assert sum(Decimal(line["amount"]) for line in mine[0]["lines"]) == Decimal(mine[0]["total"])


def test_api_run_and_decision_with_stale_version(portfolio, scheme, api, bm_a, cmo_a):
    created = api(bm_a).post("/api/performance/incentive-runs", {"month": "2026-04"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["statements"] == 2
    statement = IncentiveStatement.objects.get(cmo=cmo_a, month=dt.date(2026, 4, 1))
    stale = api(bm_a).post(
        f"/api/performance/incentive-statements/{statement.pk}/decision",
        {"approve": True, "version": statement.version + 5},
        content_type="application/json",
    )
    assert stale.status_code == 409
    ok = api(bm_a).post(
        f"/api/performance/incentive-statements/{statement.pk}/decision",
        {"approve": True, "version": statement.version},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    assert api(cmo_a).post("/api/performance/incentive-runs", {"month": "2026-04"}, content_type="application/json").status_code == 403


def test_repeat_orders_list_quote_link_and_conversion(portfolio, web, cmo_a, branch_a, dealer_a):
    # Given c1 paid off in November with a clean record, and c3 (defaulted) paid off too
    from angsur.servicing.models import Contract

    b, c = portfolio.b, portfolio.c
    Contract.objects.filter(pk__in=[c["c1"].pk, c["c3"].pk]).update(status="paid_off", closed_on=dt.date(2026, 11, 1))
    client = web(cmo_a)
    page = client.get("/performance/repeat-orders/")
    assert c["c1"].number.encode() in page.content and c["c3"].number.encode() not in page.content
    response = client.post(f"/performance/repeat-orders/{c['c1'].pk}/quote/", {"kind": "vehicle"})
    assert response.status_code == 302 and response["Location"].startswith("/quotes/new/?product=NMC")
    assert "prospect_name=Pemohon" in response["Location"]
    assert RepeatOffer.objects.filter(contract=c["c1"]).count() == 1
    # When the customer orders again, the offer counts as converted
    b.application(dealer=dealer_a, cmo=cmo_a, status="submitted", nik=c["c1"].customer_nik)
    from angsur.performance.selectors import repeat_conversions

    assert repeat_conversions(viewer=cmo_a, as_of=dt.date(2026, 12, 1)) == {"offers": 1, "converted": 1}
    # Another CMO's customer is not theirs to offer
    assert web(portfolio.cmo_a2).post(f"/performance/repeat-orders/{c['c1'].pk}/quote/").status_code == 404


def test_the_repeat_orders_quote_link_opens_a_prefilled_quote(portfolio, web, cmo_a):
    from angsur.servicing.models import Contract

    c1 = portfolio.c["c1"]
    Contract.objects.filter(pk=c1.pk).update(status="paid_off", closed_on=dt.date(2026, 11, 1))
    client = web(cmo_a)
    location = client.post(f"/performance/repeat-orders/{c1.pk}/quote/", {"kind": "vehicle"})["Location"]
    html = client.get(location).content.decode()
    assert f'value="{c1.customer_name}"' in html
    assert 'value="NMC" selected' in html and 'value="24"' in html


def test_commands_fill_cells_and_run_incentives(portfolio, scheme, bm_a):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("performance-refresh", stdout=out)
    assert "3 months" in out.getvalue()
    call_command("incentive-run", "--month", "2026-04", "--user", bm_a.username, stdout=out)
    assert IncentiveStatement.objects.filter(month=dt.date(2026, 4, 1)).count() == 2


def test_statement_pdf_for_its_cmo_and_the_manager_only(portfolio, scheme, web, bm_a, cmo_a, branch_a):
    from angsur.performance.services import incentive_run

    incentive_run(actor=bm_a, branch=branch_a, month=dt.date(2026, 4, 1))
    mine = IncentiveStatement.objects.get(cmo=cmo_a, month=dt.date(2026, 4, 1))
    other = IncentiveStatement.objects.get(cmo=portfolio.cmo_a2, month=dt.date(2026, 4, 1))
    for viewer in (cmo_a, bm_a):
        response = web(viewer).get(f"/performance/incentives/statements/{mine.pk}/statement.pdf")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert web(cmo_a).get(f"/performance/incentives/statements/{other.pk}/statement.pdf").status_code == 404


def test_the_dealer_portal_home_links_the_scorecard(portfolio, web, dealer_a):
    home = web(make_dealer_user(dealer_a, username="dealer.home")).get("/")
    assert b'href="/performance/my-dealer/"' in home.content


def test_a_peak_that_a_prune_folded_into_the_contract_still_spoils_the_clean_record(portfolio, web, cmo_a):
    # Given c1 paid off with clean snapshots, but a 40-day peak on a day eod-prune has since deleted
    from angsur.servicing.models import Contract

    c1 = portfolio.c["c1"]
    Contract.objects.filter(pk=c1.pk).update(status="paid_off", closed_on=dt.date(2026, 11, 1))
    assert c1.number.encode() in web(cmo_a).get("/performance/repeat-orders/").content
    Contract.objects.filter(pk=c1.pk).update(dpd_peak_pruned=40)
    # Then it is no longer offered (the screen and the API read the one selector)
    assert c1.number.encode() not in web(cmo_a).get("/performance/repeat-orders/").content
