"""The end-of-day through the API and the screen: who may run it, what answers, a contract's daily history by scope."""

import datetime as dt

import pytest

from angsur.org import services as org_services
from angsur.servicing import eod
from angsur.servicing.models import EodRun

DAY = dt.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _setup(monkeypatch, settings):
    monkeypatch.setattr(eod, "calendar_date", lambda branch: dt.date(2030, 1, 1))
    monkeypatch.setattr(org_services, "calendar_date", lambda branch: dt.date(2030, 1, 1))
    monkeypatch.setattr(eod, "_hooks", {})
    # The queue's workers run the tasks at once (in this process).
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "eod"]}}


def _json(response, status):
    assert response.status_code == status, response.content[:600]
    return response.json()


def test_admin_starts_the_end_of_day_through_the_api_and_a_closed_date_needs_rerun(api, contract, people, cmo_a):
    admin = api(people["adm"])
    # When Admin starts DAY
    run = _json(admin.post("/api/eod/runs", {"business_date": DAY.isoformat()}, content_type="application/json"), 202)
    # Then the queue computed and closed it
    assert run["status"] == "closed" and run["chunks_done"] == run["chunks_total"] == 1 and run["contracts"] == 1
    assert _json(admin.get("/api/eod/runs"), 200)[0]["business_date"] == DAY.isoformat()
    # A closed date again: 409 with the code, unless rerun
    refused = _json(admin.post("/api/eod/runs", {"business_date": DAY.isoformat()}, content_type="application/json"), 409)
    assert refused["code"] == "eod_date_closed"
    again = _json(admin.post("/api/eod/runs", {"business_date": DAY.isoformat(), "rerun": True}, content_type="application/json"), 202)
    assert again["runs"] == 2
    # Without a date: the next one
    following = _json(admin.post("/api/eod/runs", {}, content_type="application/json"), 202)
    assert following["business_date"] == (DAY + dt.timedelta(days=1)).isoformat()
    # Bad input: 400, never a 500
    assert admin.post("/api/eod/runs", {"business_date": "2026-13-01"}, content_type="application/json").status_code in {400, 422}
    # Nobody without eod.run sees or starts runs
    for user in (cmo_a, people["fo"]):
        assert api(user).get("/api/eod/runs").status_code == 403
        assert api(user).post("/api/eod/runs", {}, content_type="application/json").status_code == 403


def test_a_contracts_daily_history_is_scoped_like_the_contract(api, contract, people, cmo_a, cmo_b):
    eod.eod_run(DAY)
    eod.eod_run(DAY + dt.timedelta(days=1))
    url = f"/api/contracts/{contract.pk}/days"
    # The contract's CMO and its branch see both days, oldest first; a date range narrows them
    days = _json(api(cmo_a).get(url), 200)
    assert [d["business_date"] for d in days] == [DAY.isoformat(), (DAY + dt.timedelta(days=1)).isoformat()]
    assert {"dpd", "bucket", "collectibility", "late_fee", "next_due_date", "fpd", "premature"} <= set(days[0])
    assert len(_json(api(people["fo"]).get(url, {"from": (DAY + dt.timedelta(days=1)).isoformat()}), 200)) == 1
    assert _json(api(people["fo"]).get(url, {"from": "2026-12-05", "to": "2026-12-01"}), 400)["code"] == "date_range_invalid"
    # Another branch's CMO: 404, as for the contract itself
    assert api(cmo_b).get(url).status_code == 404
    assert api(people["fo_b"]).get(url).status_code == 404


def test_the_runs_screen_lists_runs_and_starts_the_next_date(web, contract, people, cmo_a):
    admin = web(people["adm"])
    page = admin.get("/eod/")
    assert page.status_code == 200 and b"eod-start" in page.content
    response = admin.post("/eod/start/", {"business_date": DAY.isoformat()})
    assert response.status_code == 302
    assert EodRun.objects.get(business_date=DAY).status == "closed"
    page = admin.get("/eod/")
    assert page.content.count(b'data-testid="eod-run"') == 1
    # A closed date again: refused with the message, nothing changes
    admin.post("/eod/start/", {"business_date": DAY.isoformat()})
    assert EodRun.objects.get(business_date=DAY).runs == 1
    # A bad date and a CMO: no run, no 500
    assert admin.post("/eod/start/", {"business_date": "kemarin"}).status_code == 302
    assert web(cmo_a).get("/eod/").status_code == 403
    assert web(cmo_a).post("/eod/start/", {"business_date": DAY.isoformat()}).status_code == 403
