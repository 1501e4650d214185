"""In a real browser, axe-core (axe-playwright-python) finds no serious or critical violation on
the key pages, at a laptop's width and a phone's; a phone never scrolls sideways, an admin
list is a stack of cards there, and the keyboard alone finds a customer from the home page."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import overflow, screenshot

SERIOUS = {"serious", "critical"}


# A list's first rows stand for the rest (all of them make axe take seconds a page).
CONTEXT = {
    "exclude": [["#result_list tbody tr:nth-child(n+6)"], ["#changelist-filter li:nth-child(n+6)"]]
}


def _serious(page, axe: Axe) -> list[str]:
    found = axe.run(page, context=CONTEXT).response["violations"]
    return [
        f"{page.url} {v['id']}: {[n['target'] for n in v['nodes'][:3]]}"
        for v in found
        if v["impact"] in SERIOUS
    ]


def _key_pages(live_server) -> dict[str, list[str]]:
    from calls_app.models import CallResult
    from sessions_app.models import ChatSession

    call = CallResult.objects.filter(answered=True).first()
    chat = ChatSession.objects.first()
    return {
        "Managers": [
            "/",
            "/?q=CASE",
            "/admin/calls_app/callresult/",
            f"/admin/calls_app/callresult/{call.pk}/change/",
            "/admin/sessions_app/chatsession/",
            f"/admin/sessions_app/chatsession/{chat.pk}/change/",
            f"/admin/customers/history/?call={call.pk}",
            "/dashboard/",
            "/collections/compare/",
            "/admin/collections_app/promise/",
            "/account/settings/",
            "/no-such-page/",
        ],
        "Integrators": ["/dashboard/inbox/", "/admin/integrations/webhookevent/"],
    }


# At a phone's width every page is checked for sideways scrolling, and those laid out
# differently there (a list as cards, the dashboard's numbers first) by axe again.
PHONE_LAYOUTS = ("/admin/calls_app/callresult/", "/dashboard/")


# One test per width: the two go to both test processes (axe takes seconds a page).
@pytest.mark.parametrize("width", (1400, 390))
def test_key_pages_have_no_serious_accessibility_violation(demo, login, live_server, width):
    axe, problems = Axe(), []
    for role, paths in _key_pages(live_server).items():
        page = login(role, width)
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            name = path.strip("/").split("?")[0].replace("/", "-") or "home"
            screenshot(page, f"key-{name}-{width}")  # test-artifacts/screens/, to look at
            if width > 768 or path in PHONE_LAYOUTS:
                problems += _serious(page, axe)
            if overflow(page) > 0:
                problems.append(f"{path} scrolls sideways by {overflow(page)} px at {width}")
    assert problems == []


def test_a_list_is_a_stack_of_labelled_cards_on_a_phone(demo, login, live_server):
    page = login("Support", 390)
    page.goto(f"{live_server.url}/admin/calls_app/callresult/")
    first = page.locator("#result_list tbody tr").first
    assert first.evaluate("row => getComputedStyle(row).display") == "block"
    assert page.locator("#result_list thead").is_hidden()
    label = first.locator("td.field-case_id").evaluate(
        "cell => getComputedStyle(cell, '::before').content"
    )
    assert label.strip('"').lower() == "case id"
    screenshot(page, "call-list-cards-390")


def test_the_keyboard_alone_finds_a_customer_from_home(demo, login, live_server):
    page = login("Support")
    page.goto(f"{live_server.url}/")
    assert page.evaluate("document.activeElement.id") == "home-q"  # the search box has focus
    page.keyboard.type("CASE")
    page.keyboard.press("Enter")
    page.wait_for_selector(".home-customer")
    for _ in range(40):  # Tab on to the first customer found, whatever comes before it
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('home-customer')"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/customers/history/**")
    assert page.locator("h1").first.is_visible()
