"""Issue 17 item 13, in headless Chromium: the pages and /api/docs work under the Content-Security-Policy, with no network."""

import pytest

from angsur.devdata.factories import DEMO_PASSWORD, make_credit_config

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch(page, live_server) -> dict[str, list[str]]:
    """Refuse every request that is not to the live server; collect those and the policy's violations."""
    seen: dict[str, list[str]] = {"outside": [], "violations": []}

    def route(route):
        if route.request.url.startswith(live_server.url) or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            seen["outside"].append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("console", lambda message: "Content Security Policy" in message.text and seen["violations"].append(message.text))
    return seen


def test_the_api_documentation_works_with_no_network_under_the_policy(desktop, live_server):
    seen = watch(desktop, live_server)
    desktop.goto("/api/docs")
    desktop.wait_for_selector(".swagger-ui .info .title")
    assert "angsur API" in desktop.inner_text(".swagger-ui .info .title")
    desktop.locator(".opblock-summary-path", has_text="/api/quotes").first.wait_for()
    assert seen == {"outside": [], "violations": []}


def test_the_field_pages_raise_no_policy_violation(phone, live_server, login, products, cmo_a, dealer_a):
    make_credit_config()
    seen = watch(phone, live_server)
    login(phone, cmo_a.username, DEMO_PASSWORD)
    for path in ["/", "/quotes/new/", "/applications/", "/applications/new/", "/dealers/"]:
        phone.goto(path)
        phone.wait_for_load_state("load")
    assert seen == {"outside": [], "violations": []}


def test_the_language_switch_still_submits_without_an_inline_handler(phone, live_server, login, cmo_a):
    watch(phone, live_server)
    login(phone, cmo_a.username, DEMO_PASSWORD)
    # shell.js (deferred) attaches the switch's handler: choose once the page has loaded, as a person would
    phone.wait_for_load_state("load")
    with phone.expect_navigation():
        phone.select_option("select[name=language]", "en")
    assert phone.locator("html").get_attribute("lang") == "en"
