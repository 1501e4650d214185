"""The home page in Chromium: a support agent searches a number as they got it, at 1400 px and
narrowed to a 390 px phone; a manager's home shows today's numbers."""

from demo.account import demo_customers

from .conftest import overflow, screenshot, tiny_text


def _spaced(number: str) -> str:
    """``+6281234567890`` as a person writes it: ``+62 812-3456 7890``."""
    return f"{number[:3]} {number[3:6]}-{number[6:10]} {number[10:]}"


def test_home_search_finds_a_customer_at_both_widths(demo, login, live_server):
    customer = demo_customers()[0]
    page = login("Support", 1400)
    page.goto(f"{live_server.url}/")
    assert page.title() == "Search | AI Rudder inbox"
    page.fill("#home-q", _spaced(customer.phone))
    page.press("#home-q", "Enter")
    page.wait_for_selector("#home-customers")
    assert page.locator(".home-customer").count() >= 1
    assert page.locator("#home-calls ~ .home-records .home-record").count() >= 1
    assert customer.phone not in page.inner_text(".home-main")  # masked for Support
    for width in (1400, 390):  # the layout follows the width through CSS alone
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"home-search-{width}", full_page=True)
        assert overflow(page) == 0, f"home at {width} px scrolls sideways"
        assert tiny_text(page) == []

    page.click(".home-customer")
    page.wait_for_url("**/customers/history/**")

    manager = login("Managers", 1400)
    manager.goto(f"{live_server.url}/")
    assert manager.locator("#home-today").is_visible()
    screenshot(manager, "home-manager-1400")
