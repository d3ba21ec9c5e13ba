"""Search by NIK, phone, number or name, within the viewer's scope."""

import datetime as dt

from angsur.devdata.factories import party_data
from angsur.origination.selectors import application_search


def test_search_finds_by_name_prefix_nik_phone_and_number(new_application, staff):
    budi = new_application()
    sari = new_application(
        applicant=party_data(name="Sari  Dewi", birth_date=dt.date(1988, 5, 3), sex="F", serial=7, phone="0857-1111-0000")
    )
    viewer = staff["ca"]
    assert [a.pk for a in application_search(viewer=viewer, query="budi")] == [budi.pk]
    assert [a.pk for a in application_search(viewer=viewer, query="SARI dew")] == [sari.pk]
    assert list(application_search(viewer=viewer, query="dewi")) == []  # prefix, not substring
    assert [a.pk for a in application_search(viewer=viewer, query=sari.applicant_nik)] == [sari.pk]
    assert [a.pk for a in application_search(viewer=viewer, query="0857 1111 0000")] == [sari.pk]
    assert [a.pk for a in application_search(viewer=viewer, query=budi.number.lower())] == [budi.pk]


def test_search_stays_inside_the_branch(new_application, cmo_b, branch_b):
    from angsur.devdata.factories import make_user

    new_application()
    analyst_b = make_user("credit_analyst", branch_b, username="ca.b")
    assert list(application_search(viewer=analyst_b, query="budi")) == []
