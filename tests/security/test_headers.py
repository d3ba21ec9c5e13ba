"""Issue 17 item 13: a strict Content-Security-Policy, no caching of personal data, sensors only where the survey needs them."""

import pytest
from django.test import Client
from django.utils import timezone

from angsur.origination.services import survey_assign


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_pages_carry_a_strict_content_security_policy(web, cmo_a):
    policy = directives(web(cmo_a).get("/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert not any("unsafe" in value or "http" in value for values in policy.values() for value in values)


def test_the_api_documentation_loads_its_assets_from_the_app_not_a_cdn(db):
    response = Client().get("/api/docs")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui.css" in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert directives(response)["script-src"] == ["'self'"]


@pytest.mark.parametrize("path", ["/", "/applications/", "/quotes/new/", "/api/me", "/login/"])
def test_pages_and_api_answers_are_not_stored_by_the_browser(web, cmo_a, path):
    assert "no-store" in web(cmo_a).get(path)["Cache-Control"]


def test_static_files_keep_their_cache(web, cmo_a):
    response = Client().get("/static/angsur/app.css")
    assert "no-store" not in response.get("Cache-Control", "")


def test_camera_and_gps_are_denied_on_ordinary_pages(web, cmo_a):
    policy = web(cmo_a).get("/")["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_the_survey_form_may_use_camera_and_gps(web, new_application, cmo_a):
    app = new_application()
    survey = survey_assign(actor=cmo_a, application=app, surveyor=cmo_a, scheduled_for=timezone.now())
    policy = web(cmo_a).get(f"/surveys/{survey.pk}/")["Permissions-Policy"]
    assert "camera=(self)" in policy and "geolocation=(self)" in policy and "microphone=()" in policy


def test_the_order_form_may_use_gps_but_not_the_camera(web, credit, cmo_a):
    policy = web(cmo_a).get("/applications/new/")["Permissions-Policy"]
    assert "geolocation=(self)" in policy and "camera=()" in policy


def test_a_survey_photo_is_served_uncached(web, surveyed, cmo_a):
    app = surveyed()
    photo = app.surveys.get().photos.get()
    response = web(cmo_a).get(f"/files/survey-photos/{photo.pk}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("template_dir", ["angsur"])
def test_no_template_has_an_inline_script_style_or_event_handler(template_dir):
    """The policy refuses them: a page that had one would silently lose it (PDF templates render in WeasyPrint)."""
    import re
    from pathlib import Path

    offenders = []
    for path in Path(template_dir).rglob("templates/**/*.html"):
        if path.name.startswith("pdf_") or path.name == "quote_sheet.html":
            continue
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", r"\sstyle=\"", r"<style", r"\son[a-z]+=\""):
            offenders += [f"{path}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offenders == []
