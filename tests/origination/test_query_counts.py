"""Worklists and search run a fixed number of SQL queries, however many rows they return (no N+1).

Each test measures a selector over 5 applications, adds 25 more, measures again and requires the
same count, then pins it with django_assert_max_num_queries. Rows are read the way a list page reads
them (dealer name, status label, money properties), so a deferred field or a relation left out of
select_related shows up as one extra query per row.
"""

import itertools
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from angsur.devdata.factories import make_user
from angsur.org.models import User
from angsur.org.roles import Role
from angsur.org.worklists import collect
from angsur.origination.models import Application
from angsur.origination.selectors import analyst_queue, application_search
from angsur.origination.services import survey_assign
from angsur.origination.workflow import Status

# (status, decision_level, appeal_count) cycled over the seeded applications; SURVEY_ASSIGNED goes through the service.
SPREAD = [
    (Status.SURVEY_ASSIGNED, 1, 0),
    (Status.SURVEYED, 1, 0),
    (Status.IN_ANALYSIS, 1, 0),
    (Status.ESCALATED, 2, 0),
    (Status.APPROVED, 1, 0),
    (Status.REJECTED, 1, 0),
    (Status.SUBMITTED, 1, 0),
    (Status.APPEALED, 2, 1),
]


@pytest.fixture
def cmo_a2(branch_a):
    return make_user(Role.CMO, branch_a, username="cmo.a2")


@pytest.fixture
def seed(new_application, cmo_a, cmo_a2, staff):
    """seed(n) adds n applications of cmo_a across the workflow; every other survey is given to cmo_a2."""
    counter = itertools.count()

    def add(n: int) -> None:
        now = timezone.now()
        for _ in range(n):
            i = next(counter)
            app = new_application()
            status, level, appeals = SPREAD[i % len(SPREAD)]
            if status == Status.SURVEY_ASSIGNED:
                if (i // len(SPREAD)) % 2:
                    survey_assign(actor=staff["ms"], application=app, surveyor=cmo_a2, scheduled_for=now)
                else:
                    survey_assign(actor=cmo_a, application=app, surveyor=cmo_a, scheduled_for=now)
            elif status != Status.SUBMITTED:
                decided = now if status in {Status.APPROVED, Status.REJECTED, Status.APPEALED} else None
                Application.objects.filter(pk=app.pk).update(status=status, decision_level=level, appeal_count=appeals, decided_at=decided)

    return add


def fresh(user: User) -> User:
    """The viewer as a request sees it (token auth loads the user with its branch)."""
    return User.objects.select_related("branch").get(pk=user.pk)


def read_rows(rows: list[Application]) -> int:
    for app in rows:
        _ = (
            app.number,
            app.get_status_display(),
            app.applicant_name,
            app.applicant_nik,
            app.applicant_phone,
            app.submitted_at,
            app.installment,
            app.financed_principal,
            app.tenor_months,
            app.dealer.name,
        )
    return len(rows)


def read_worklist(result: dict[str, list]) -> int:
    rows = 0
    for key, items in result.items():
        if key == "surveys_due":
            for survey in items:
                _ = (survey.application.number, survey.application.applicant_name, survey.scheduled_for)
            rows += len(items)
        else:
            rows += read_rows(items)
            for app in items:
                if "cmo" in app._state.fields_cache:  # supervisor lists show the owning CMO
                    _ = app.cmo.get_full_name()
    return rows


def count(fn) -> tuple[int, int]:
    """(queries, rows) for one call."""
    with CaptureQueriesContext(connection) as ctx:
        rows = fn()
    return len(ctx.captured_queries), rows


def assert_constant(seed, calls: dict[str, Callable[[], int]], max_queries: int, assert_max) -> None:
    """Same query count for 5 and for 30 seeded applications, for every call; then at most max_queries each."""
    seed(5)
    small = {name: count(fn) for name, fn in calls.items()}
    seed(25)
    large = {name: count(fn) for name, fn in calls.items()}
    for name in calls:
        (small_queries, small_rows), (large_queries, large_rows) = small[name], large[name]
        assert large_rows > small_rows, f"{name}: the check needs more rows in the second measurement"
        assert large_queries == small_queries, f"{name}: {small_queries} queries for {small_rows} rows, {large_queries} for {large_rows}"
    for fn in calls.values():
        with assert_max(max_queries):
            fn()


def test_analyst_queue_query_count_is_constant(seed, staff, django_assert_max_num_queries):
    calls = {role: lambda role=role: read_rows(list(analyst_queue(viewer=fresh(staff[role])))) for role in ("ca", "cca", "bm")}
    assert_constant(seed, calls, 2, django_assert_max_num_queries)  # the viewer, the queue


SEARCHES = {"nik": "3175091201900001", "phone": "0812-3456-7890", "name": "Budi", "name-lower-case": "budi s"}


@pytest.mark.parametrize("viewer", ["ca", "cmo"])
def test_application_search_query_count_is_constant(seed, staff, cmo_a, viewer, django_assert_max_num_queries):
    user = staff["ca"] if viewer == "ca" else cmo_a
    calls = {kind: lambda q=q: read_rows(list(application_search(viewer=fresh(user), query=q))) for kind, q in SEARCHES.items()}
    assert_constant(seed, calls, 2, django_assert_max_num_queries)  # the viewer, the search


def test_every_roles_worklists_query_count_is_constant(seed, cmo_a, cmo_a2, staff, django_assert_max_num_queries):
    # The registry's lists for each role, as the home page and GET /api/worklist read them.
    today = timezone.localdate()
    people = {"owning-cmo": cmo_a, "surveying-cmo": cmo_a2, "ms": staff["ms"], "mh": staff["mh"], "bm": staff["bm"]}
    calls = {
        name: lambda user=user: read_worklist({w.key: items for w, items in collect(fresh(user), today)}) for name, user in people.items()
    }
    # the viewer and one query per list (at most seven of origination's, and collection's four for a CMO)
    assert_constant(seed, calls, 12, django_assert_max_num_queries)
