"""Bahasa Indonesia first: the browser's language does not switch the pages; the person's choice does."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_an_english_browser_still_gets_indonesian_pages():
    page = Client(headers={"Accept-Language": "en-US,en;q=0.9"}).get("/login/")
    assert page.headers["Content-Language"] == "id"


def test_the_language_switch_is_kept(settings):
    client = Client(headers={"Accept-Language": "id"})
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert client.get("/login/").headers["Content-Language"] == "en"
    # and back
    client.post("/i18n/setlang/", {"language": "id", "next": "/login/"})
    assert client.get("/login/").headers["Content-Language"] == "id"
