"""The monthly branch report and the dealer report, as PDF and Excel, over the hand-built portfolio (conftest).

April 2026 in branch A, counted by hand: orders 2 (c8, c9's applications), bookings 2 units Rp20.000.000; the
portfolio at 30 April: 9 contracts, Rp100.000.000 outstanding (c1 20 M, eight of 10 M), B0 6 · B1 1 (c4) · B2 1
(c3) · B3 1 (c5); premature 30+ DPD 3 of 9 (33,33 %), FPD 2 of the 6 January contracts at MOB 3 (33,33 %), NPF 0.

pypdf is not installed: a PDF is checked for its signature, its text on the HTML it is rendered from.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from angsur.devdata.factories import make_dealer_user, make_user
from angsur.org.roles import Role
from angsur.origination.reasons import ReasonCode
from angsur.performance import exports, selectors
from angsur.performance.selectors import Period

APRIL = "month=2026-04"
PERIOD = "from=2026-01&to=2026-11"
YEAR_2026 = Period(dt.date(2026, 1, 1), dt.date(2026, 11, 1))


@pytest.fixture
def mh_a(branch_a):
    return make_user(Role.MARKETING_HEAD, branch_a, username="mh.a")


def _sheets(response) -> dict[str, list[tuple]]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == exports.XLSX and "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def _number(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _summary(sheets: dict[str, list[tuple]]) -> dict[str, object]:
    with translation.override("id"):
        return dict(sheets[_("Branch report")][1:])


def test_the_branch_report_counts_aprils_book_by_hand(portfolio, web, mh_a, branch_a):
    # Given the hand-built portfolio, when the marketing head downloads April's branch report as Excel
    sheets = _sheets(web(mh_a).get(f"/performance/branches/{branch_a.pk}/report.xlsx?{APRIL}"))
    summary = _summary(sheets)
    # Then every figure is the one counted by hand
    with translation.override("id"):
        assert summary[_("Orders")] == 2 and summary[_("Bookings (units)")] == 2
        assert _number(summary[_("Bookings (Rp)")]) == Decimal("20000000")
        assert summary[_("Contracts in the portfolio")] == 9
        assert _number(summary[_("Outstanding principal (Rp)")]) == Decimal("100000000")
        assert _number(summary[_("Premature 30+ DPD (%)")]) == Decimal("33.33")
        assert _number(summary[_("FPD rate (%)")]) == Decimal("33.33")
        assert _number(summary[_("NPF (%)")]) == 0
        buckets = {row[0]: row[1] for row in sheets[_("Portfolio by bucket")][1:]}
        top_dealers = [row[0] for row in sheets[_("Top dealers")][1:]]
    assert buckets == {"B0": 6, "B1": 1, "B2": 1, "B3": 1}
    assert top_dealers == ["Honda Jaya Jakarta"]  # D2 booked nothing in April and had no April orders


def test_the_branch_report_reconciles_with_the_dashboard_to_the_rupiah(portfolio, web, mh_a, branch_a):
    # Given the dashboard of the same month and the branch report of that month
    client = web(mh_a)
    page = client.get("/performance/?from=2026-04&to=2026-04")
    charts = {chart.key: chart for chart in page.context["charts"]}
    sheets = _sheets(client.get(f"/performance/branches/{branch_a.pk}/report.xlsx?{APRIL}"))
    summary = _summary(sheets)
    # Then the portfolio tables are the dashboard's charts, and the totals are the charts' totals
    with translation.override("id"):
        bucket_rows = [(row[0], row[1], _number(row[2])) for row in sheets[_("Portfolio by bucket")][1:]]
        kol_rows = [(row[0], row[1], _number(row[2])) for row in sheets[_("Portfolio by collectibility")][1:]]
        (month, units, amount) = charts["bookings"].rows[0]
        assert month == "2026-04"
        assert summary[_("Bookings (units)")] == units and _number(summary[_("Bookings (Rp)")]) == amount
        assert summary[_("Orders")] == charts["approval"].rows[0][1]
        assert _number(summary[_("Approval rate (%)")]) == charts["approval"].rows[0][4]
        assert _number(summary[_("Outstanding principal (Rp)")]) == sum(row[2] for row in charts["buckets"].rows)
        assert _number(summary[_("NPF (%)")]) == charts["npf"].rows[0][1]
    assert bucket_rows == [tuple(row) for row in charts["buckets"].rows]
    assert kol_rows == [tuple(row) for row in charts["collectibility"].rows]
    assert sum(row[2] for row in kol_rows) == sum(row[2] for row in bucket_rows)


def test_the_branch_report_pdf_is_linked_from_the_dashboard_and_reads_the_same_figures(portfolio, web, mh_a, branch_a):
    client = web(mh_a)
    page = client.get("/performance/?from=2026-04&to=2026-04").content.decode()
    assert f"/performance/branches/{branch_a.pk}/report.pdf?month=2026-04" in page
    assert f"/performance/branches/{branch_a.pk}/report.xlsx?month=2026-04" in page
    response = client.get(f"/performance/branches/{branch_a.pk}/report.pdf?{APRIL}")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="angsur-branch-JKT-2026-04.pdf"'
    # The PDF's text, on the HTML it is rendered from
    report = selectors.branch_report(viewer=mh_a, branch_id=branch_a.pk, month=dt.date(2026, 4, 1))
    with translation.override("id"):
        html = render_to_string(exports.BRANCH_REPORT_TEMPLATE, exports.branch_report_context(report))
    assert "Rp100.000.000" in html and "Rp20.000.000" in html and "33,33" in html and "Honda Jaya Jakarta" in html


def test_branch_report_refusals(portfolio, web, api, mh_a, cmo_a, branch_a, branch_b, dealer_a):
    # Another branch is not found; a CMO and a dealer user have no branch report; a bad month is a 400
    assert web(mh_a).get(f"/performance/branches/{branch_b.pk}/report.pdf?{APRIL}").status_code == 404
    assert api(mh_a).get(f"/api/performance/branches/{branch_b.pk}/report.xlsx", {"month": "2026-04"}).status_code == 404
    assert web(cmo_a).get(f"/performance/branches/{branch_a.pk}/report.xlsx?{APRIL}").status_code == 403
    dealer_user = make_dealer_user(dealer_a, username="dealer.rep")
    assert web(dealer_user).get(f"/performance/branches/{branch_a.pk}/report.pdf").status_code == 403
    assert web(mh_a).get(f"/performance/branches/{branch_a.pk}/report.pdf?month=2026-13").status_code == 400


def test_the_api_answers_the_branch_report_files(portfolio, api, bm_a, branch_a):
    xlsx = api(bm_a).get(f"/api/performance/branches/{branch_a.pk}/report.xlsx", {"month": "2026-04"})
    assert _summary(_sheets(xlsx))
    pdf = api(bm_a).get(f"/api/performance/branches/{branch_a.pk}/report.pdf", {"month": "2026-04"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_openapi_document_declares_the_report_files(db):
    from django.test import Client

    paths = Client().get("/api/openapi.json").json()["paths"]
    for path, content_type in (
        ("/api/performance/branches/{branch_id}/report.pdf", "application/pdf"),
        ("/api/performance/branches/{branch_id}/report.xlsx", exports.XLSX),
        ("/api/performance/dealers/{dealer_id}/report.pdf", "application/pdf"),
        ("/api/performance/dealers/{dealer_id}/report.xlsx", exports.XLSX),
    ):
        answers = paths[path]["get"]["responses"]
        assert answers["200"]["content"] == {content_type: {"schema": {"type": "string", "format": "binary"}}}
        assert {"400", "401", "403", "404"} <= set(answers)


# --- the dealer report ------------------------------------------------------------------------------------------


def test_staff_dealer_report_names_every_reason_and_matches_the_scorecard(portfolio, web, mh_a, dealer_a):
    client = web(mh_a)
    page = client.get(f"/performance/dealers/{dealer_a.pk}/?{PERIOD}")
    assert f"/performance/dealers/{dealer_a.pk}/report.pdf?" in page.content.decode()
    sheets = _sheets(client.get(f"/performance/dealers/{dealer_a.pk}/report.xlsx?{PERIOD}"))
    card = page.context["card"]
    with translation.override("id"):
        scorecard = {row[0]: row[1] for row in sheets[_("Scorecard")][1:]}
        reasons = dict(sheets[_("Rejection reasons")][1:])
        months = sheets[_("Months")][1:]
        assert scorecard[_("Orders")] == card.figures.orders == 11
        assert scorecard[_("Bookings (units)")] == card.figures.bookings == 7
        assert _number(scorecard[_("Bookings (Rp)")]) == card.figures.booked == Decimal("80000000")
        assert reasons == {str(ReasonCode.DSR_TOO_HIGH.label): 1, str(ReasonCode.CHARACTER.label): 1}
    # The months add up to the scorecard's period
    assert sum(row[1] for row in months) == card.figures.orders
    assert sum(_number(row[6]) for row in months) == card.figures.booked
    pdf = client.get(f"/performance/dealers/{dealer_a.pk}/report.pdf?{PERIOD}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_dealers_own_report_keeps_the_portal_privacy(portfolio, web, api, dealer_a, dealer_a2):
    # Given a dealer user of D1, whose rejected order had a sensitive reason ('character')
    dealer_user = make_dealer_user(dealer_a, username="dealer.own")
    client = web(dealer_user)
    page = client.get(f"/performance/my-dealer/?{PERIOD}").content.decode()
    assert "/performance/my-dealer/report.pdf?" in page and "/performance/my-dealer/report.xlsx?" in page
    # When it downloads its report (from the portal, by its own id, or through the API)
    for response in (
        client.get(f"/performance/my-dealer/report.xlsx?{PERIOD}"),
        client.get(f"/performance/dealers/{dealer_a.pk}/report.xlsx?{PERIOD}"),
        client.get(f"/performance/dealers/{dealer_a.pk}/scorecard.xlsx?{PERIOD}"),
        api(dealer_user).get(f"/api/performance/dealers/{dealer_a.pk}/report.xlsx", {"from": "2026-01", "to": "2026-11"}),
    ):
        sheets = _sheets(response)
        text = repr(sheets)
        # Then the reasons read as on its rejected orders: never 'character' by name, no applicant anywhere
        with translation.override("id"):
            character = str(ReasonCode.CHARACTER.label)
            assert character not in text and "character" not in text and "Pemohon" not in text
            assert sum(n for _reason, n in sheets[_("Rejection reasons")][1:]) == 2
    report = selectors.dealer_report(viewer=dealer_user, dealer_id=dealer_a.pk, period=YEAR_2026)
    assert report.own
    with translation.override("id"):
        html = render_to_string(exports.DEALER_REPORT_TEMPLATE, exports.dealer_report_context(report))
        assert str(ReasonCode.CHARACTER.label) not in html and "Pemohon" not in html and "Honda Jaya Jakarta" in html
    pdf = client.get(f"/performance/my-dealer/report.pdf?{PERIOD}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # Another dealer's report is not found, in the portal and the API
    assert client.get(f"/performance/dealers/{dealer_a2.pk}/report.pdf").status_code == 404
    assert api(dealer_user).get(f"/api/performance/dealers/{dealer_a2.pk}/report.pdf").status_code == 404


def test_dealer_report_refusals(portfolio, web, api, mh_a, cmo_a, dealer_b, dealer_a):
    assert web(mh_a).get(f"/performance/dealers/{dealer_b.pk}/report.xlsx").status_code == 404
    assert api(mh_a).get(f"/api/performance/dealers/{dealer_b.pk}/report.pdf").status_code == 404
    assert web(cmo_a).get(f"/performance/dealers/{dealer_a.pk}/report.pdf").status_code == 404
    assert web(mh_a).get("/performance/my-dealer/report.pdf").status_code == 404  # the portal's copy is a dealer's
