"""Contract rows on the home page and GET /api/worklist: servicing's reversals waiting for the branch manager."""

from decimal import Decimal

from angsur.servicing.services import payment_post, payment_reverse_request


def test_the_branch_manager_sees_the_reversal_waiting_on_the_home_page_and_in_the_api(contract, staff, web, api):
    # given a counter payment whose reversal Front Office asked for
    day = contract.signing_date
    paid = payment_post(actor=staff["fo"], contract=contract, amount=Decimal(1000), channel="counter", value_date=day, as_of=day)
    payment_reverse_request(actor=staff["fo"], payment=paid, reason="Salah kontrak")
    # when the branch manager opens the home page and the worklist API
    answer = api(staff["bm"]).get("/api/worklist").json()
    page = web(staff["bm"]).get("/").content.decode()
    # then the contract is on both, with the amount and a link to the contract
    row = answer["reversals_waiting"][0]
    assert (row["number"], row["amount"], row["url"]) == (contract.number, "1000", f"/contracts/{contract.pk}/")
    assert "Salah kontrak" in row["note"]
    section = page.split('data-testid="reversals_waiting"', 1)[1].split("</table>", 1)[0]
    assert contract.number in section and f"/contracts/{contract.pk}/" in section


def test_admin_who_cannot_approve_has_no_reversal_list(contract, staff, api):
    answer = api(staff["adm"]).get("/api/worklist")
    assert answer.status_code == 200
    assert "books_to_make" in answer.json() and "reversals_waiting" not in answer.json()
