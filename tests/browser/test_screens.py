"""A support agent's and a manager's day in a real browser (Chromium); what each role's admin
home offers is checked with the key pages (``test_accessibility.py``).

Few and quick: every scenario shares one browser; the data is the demo's (``make run``'s).
"""

import re

from .conftest import screenshot


def _count(page) -> int:
    """The number of records an admin list says it shows (its paginator's first number)."""
    return int(re.search(r"\d+", page.inner_text("p.paginator")).group())


def _first_record(page, live_server, changelist: str) -> str:
    page.goto(f"{live_server.url}{changelist}")
    href = page.locator("#result_list tbody tr th a, #result_list tbody tr td a").first
    return href.get_attribute("href")


def test_support_reads_a_chat_and_a_call_and_finds_a_customer(demo, login, live_server):
    page = login("Support")
    # A chat transcript: bubbles on both sides, every time with its zone.
    page.goto(
        f"{live_server.url}{_first_record(page, live_server, '/admin/sessions_app/chatsession/')}"
    )
    page.wait_for_selector(".chat-transcript")
    assert page.locator(".chat-row-customer").count() and page.locator(".chat-row-business").count()
    assert page.locator(".breadcrumbs").inner_text().count("Chat sessions") == 1
    screenshot(page, "chat-transcript", full_page=True)

    # A call transcript: the customer on the same side as in the chat, no filler for silence.
    page.goto(f"{live_server.url}/admin/calls_app/callresult/?answered__exact=1")
    page.locator("#result_list tbody tr a").first.click()
    page.wait_for_selector(".call-dialogue")
    assert page.locator(".call-row-customer").count() and page.locator(".call-row-robot").count()
    assert "(no reply)" not in page.inner_text(".call-dialogue")
    assert page.locator(".breadcrumbs").inner_text().count("Call results") == 1
    assert page.get_by_role("link", name="All contacts with this customer").count() == 1
    # The note about unanswered calls' times is not shown on an answered call.
    assert not page.locator(".field-answered .help").is_visible()
    screenshot(page, "call-transcript", full_page=True)

    # Search by a phone number written as a customer would say it.
    from calls_app.models import CallResult

    number = CallResult.objects.exclude(callee_number="").values_list("callee_number", flat=True)[0]
    digits = "".join(ch for ch in number if ch.isdigit())
    spoken = f"+{digits[:2]} {digits[2:5]}-{digits[5:]}"
    page.goto(f"{live_server.url}/admin/calls_app/callresult/")
    page.fill("#searchbar", spoken)
    page.press("#searchbar", "Enter")
    page.wait_for_selector("#result_list")
    assert _count(page) > 0

    # A sidebar filter narrows the list and says so.
    page.goto(f"{live_server.url}/admin/calls_app/callresult/")
    everything = _count(page)
    page.locator("#changelist-filter a[href*='answered__exact=0']").first.click()
    page.wait_for_selector("#result_list, p.paginator")
    assert 0 < _count(page) < everything


def test_manager_follows_a_number_and_exports(demo, login, live_server):
    page = login("Managers")
    page.goto(f"{live_server.url}/dashboard/")
    screenshot(page, "dashboard", full_page=True)
    card = page.locator("#calls .dash-number > a").nth(1)  # answered calls, "62.5% (5)"
    answered = int(re.search(r"\((\d+)\)", card.inner_text()).group(1))
    card.click()
    page.wait_for_selector("p.paginator")
    assert _count(page) == answered

    # A workflow's number: the list's workflow filter then shows that workflow, not "All".
    page.goto(f"{live_server.url}/dashboard/")
    row = page.locator("#table-call-intentions tbody tr").first
    workflow = row.locator("td").first.inner_text().strip()
    count = int(row.locator("td").nth(2).inner_text())
    row.locator("td").nth(2).locator("a").click()
    page.wait_for_selector("p.paginator")
    assert _count(page) == count
    selected = page.locator("#changelist-filter li.selected").all_inner_texts()
    assert any(workflow in text for text in selected), selected

    page.goto(f"{live_server.url}/dashboard/")
    with page.expect_download() as download:
        page.locator("#calls header a[href*='/export/calls.csv']").click()
    assert download.value.suggested_filename.endswith(".csv")
