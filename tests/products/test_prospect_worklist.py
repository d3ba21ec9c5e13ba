"""A CMO's prospects to follow up sit on their home page and in GET /api/worklist (issue 15, item 10).

Before: the prospects list existed only behind /quotes/; the CMO's home (their day's work) did not say
whom to call back. The follow-ups due within three days come from the one worklist registry, so the page
and the API show the same prospects.
"""

import pytest

from angsur.devdata.factories import make_user
from angsur.org.roles import Role
from angsur.org.worklists import worklists_for
from tests.products.test_prospects import three_prospects  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_the_cmos_home_and_api_list_the_follow_ups_due(web, api, cmo_a, three_prospects):  # noqa: F811
    soon, _later, _none = three_prospects
    answer = api(cmo_a).get("/api/worklist").json()
    assert [row["id"] for row in answer["prospects"]] == [soon.pk]  # due today; "later" is 9 days away
    assert answer["prospects"][0]["prospect_name"] == "Soon"

    page = web(cmo_a).get("/").content.decode()
    section = page.split('data-testid="prospects"', 1)[1].split("</table>", 1)[0]
    assert "Soon" in section and "Later" not in section
    assert f"/applications/new/?quote={soon.pk}" in section  # one tap to the prefilled order


def test_only_cmos_get_the_prospects_list(branch_a, bm_a):
    assert "prospects" not in {w.key for w in worklists_for(bm_a)}
    assert "prospects" in {w.key for w in worklists_for(make_user(Role.CMO, branch_a, username="cmo.x"))}


def test_admin_gets_the_approved_applications_to_book(branch_a):
    admin = make_user(Role.ADMIN, branch_a, username="adm.w")
    assert "books_to_make" in {w.key for w in worklists_for(admin)}
