"""A support agent's and a manager's day in a real browser (Chromium); what each role's admin
home offers is checked with the key pages (``test_accessibility.py``).

Few and quick: every scenario shares one browser; the data is the demo's (``make run``'s).
"""

import re

from .conftest import listed, screenshot


def test_support_finds_a_customer_by_number_and_narrows_a_list(demo, login, live_server):
    """A number written as a customer says it finds their calls; a sidebar filter narrows the
    list and says so. (What a chat's and a call's page show is checked with the key pages.)"""
    from calls_app.models import CallResult

    page = login("Support")

    number = CallResult.objects.exclude(callee_number="").values_list("callee_number", flat=True)[0]
    digits = "".join(ch for ch in number if ch.isdigit())
    spoken = f"+{digits[:2]} {digits[2:5]}-{digits[5:]}"
    page.goto(f"{live_server.url}/admin/calls_app/callresult/")
    page.fill("#searchbar", spoken)
    page.press("#searchbar", "Enter")
    page.wait_for_selector("#result_list")
    assert listed(page) > 0

    # A sidebar filter narrows the list and says so.
    page.goto(f"{live_server.url}/admin/calls_app/callresult/")
    everything = listed(page)
    page.locator("#changelist-filter a[href*='answered__exact=0']").first.click()
    page.wait_for_selector("#result_list, p.paginator")
    assert 0 < listed(page) < everything


def test_manager_follows_a_number_and_exports(demo, login, live_server):
    page = login("Managers")
    page.goto(f"{live_server.url}/")
    assert page.locator("#home-today").is_visible()  # a manager's home: today's numbers
    screenshot(page, "home-manager-1400")
    page.goto(f"{live_server.url}/dashboard/")
    screenshot(page, "dashboard", full_page=True)
    card = page.locator("#calls .dash-number > a").nth(1)  # answered calls, "62.5% (5)"
    answered = int(re.search(r"\((\d+)\)", card.inner_text()).group(1))
    card.click()
    page.wait_for_selector("p.paginator")
    assert listed(page) == answered

    # A workflow's number: the list's workflow filter then shows that workflow, not "All".
    page.go_back()  # to the dashboard, as a manager does (from the browser's cache)
    row = page.locator("#table-call-intentions tbody tr").first
    workflow = row.locator("td").first.inner_text().strip()
    count = int(row.locator("td").nth(2).inner_text())
    row.locator("td").nth(2).locator("a").click()
    page.wait_for_selector("p.paginator")
    assert listed(page) == count
    selected = page.locator("#changelist-filter li.selected").all_inner_texts()
    assert any(workflow in text for text in selected), selected

    page.go_back()  # to the dashboard, as a manager does (from the browser's cache)
    with page.expect_download() as download:
        page.locator("#calls header a[href*='/export/calls.csv']").click()
    assert download.value.suggested_filename.endswith(".csv")
