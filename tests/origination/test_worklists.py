"""The one worklist registry: the home page and GET /api/worklist show each role the same lists."""

import re

import pytest

from angsur.devdata.factories import make_user
from angsur.org.roles import Role
from angsur.org.worklists import worklists_for
from angsur.origination.services import analysis_start, decision_record
from tests.origination.conftest import AS_OF

pytestmark = pytest.mark.django_db

PEOPLE = ["cmo", "ms", "mh", "ca", "cca", "bm", "admin", "dealer", "ho"]


@pytest.fixture
def people(staff, cmo_a, dealer_user_a, ho_admin, branch_a):
    return {
        **{k: staff[k] for k in ("ms", "mh", "ca", "cca", "bm")},
        "cmo": cmo_a,
        "admin": make_user(Role.ADMIN, branch_a, username="adm.a"),
        "dealer": dealer_user_a,
        "ho": ho_admin,
    }


@pytest.fixture
def busy_branch(surveyed, new_application, staff):
    """One application of each kind of work: surveyed (queue), submitted (to assign), rejected (appealable)."""
    waiting = surveyed()
    submitted = new_application()
    rejected = analysis_start(actor=staff["ca"], application=surveyed())
    decision_record(actor=staff["ca"], application=rejected, outcome="reject", reason_codes=["character"], rationale="Negatif", as_of=AS_OF)
    return {"waiting": waiting, "submitted": submitted, "rejected": rejected}


@pytest.mark.parametrize("name", PEOPLE)
def test_the_home_page_and_the_api_show_the_same_lists(name, people, busy_branch, web, api):
    # Given a person of the branch (or its dealer, or head office)
    user = people[name]
    expected = [w.key for w in worklists_for(user)]

    # When they open their home page and call the API
    page = web(user).get("/").content.decode()
    answer = api(user).get("/api/worklist").json()

    # Then both carry the registry's lists for the role, in the same order, with the same applications
    assert [key for key in answer if key != "role"] == expected
    assert re.findall(r'<table class="cards" data-testid="([a-z_]+)">', page) == expected
    for key in expected:
        if key == "surveys_due":
            continue
        section = page.split(f'data-testid="{key}"', 1)[1].split("</table>", 1)[0]
        assert [row["number"] for row in answer[key]] == re.findall(r">(APP-[^<]+)</a>", section) or not answer[key]


def test_a_branch_manager_gets_no_appeal_list_without_the_right_to_appeal(people, busy_branch, web, api):
    # The branch manager cannot appeal (the supervisor fights for an order): no "you may appeal" list.
    bm = people["bm"]
    assert "appealable" not in [w.key for w in worklists_for(bm)]
    assert "appealable" not in api(bm).get("/api/worklist").json()
    assert busy_branch["rejected"].number not in web(bm).get("/").content.decode().split("queue", 1)[0]


def test_the_supervisor_sees_the_branchs_work_to_assign_and_to_appeal_not_every_cmos_orders(people, busy_branch, api):
    answer = api(people["ms"]).get("/api/worklist").json()
    assert [r["id"] for r in answer["to_assign"]] == [busy_branch["submitted"].pk]
    assert [r["id"] for r in answer["appealable"]] == [busy_branch["rejected"].pk]
    # "My orders in progress" is the supervisor's own orders: none here (the CMO owns them all).
    assert answer["open_orders"] == []
