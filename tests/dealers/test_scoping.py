"""Branch and dealer scoping, in the UI and the API."""

from angsur.org.roles import Role


def test_cmo_sees_own_branch_dealer(web, cmo_a, dealer_a):
    response = web(cmo_a).get(f"/dealers/{dealer_a.pk}/")
    assert response.status_code == 200
    assert dealer_a.name in response.content.decode()


def test_cmo_of_branch_a_is_refused_a_dealer_of_branch_b_in_the_ui(web, cmo_a, dealer_b):
    response = web(cmo_a).get(f"/dealers/{dealer_b.pk}/")
    assert response.status_code == 404
    assert dealer_b.name not in response.content.decode()
    assert "di luar cabang" in response.content.decode()


def test_cmo_of_branch_a_is_refused_a_dealer_of_branch_b_in_the_api(api, cmo_a, dealer_b):
    response = api(cmo_a).get(f"/api/dealers/{dealer_b.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_dealer_list_is_scoped_to_the_branch(api, cmo_a, dealer_a, dealer_b):
    codes = {d["code"] for d in api(cmo_a).get("/api/dealers").json()}
    assert dealer_a.code in codes and dealer_b.code not in codes


def test_dealer_user_sees_only_their_own_dealer(api, web, dealer_user_a, dealer_a, dealer_a2):
    assert dealer_user_a.role == Role.DEALER
    client = api(dealer_user_a)
    # dealer users hold no DEALER_VIEW capability on the staff list: 403, not other dealers
    assert client.get("/api/dealers").status_code == 403
    assert web(dealer_user_a).get(f"/dealers/{dealer_a2.pk}/").status_code == 403


def test_head_office_sees_every_branch(api, ho_admin, dealer_a, dealer_b):
    codes = {d["code"] for d in api(ho_admin).get("/api/dealers").json()}
    assert {dealer_a.code, dealer_b.code} <= codes


def test_branch_list_is_scoped(api, cmo_a, branch_a, branch_b):
    client = api(cmo_a)
    assert [b["code"] for b in client.get("/api/branches").json()] == ["JKT"]
    assert client.get(f"/api/branches/{branch_b.pk}").status_code == 404
