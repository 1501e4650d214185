"""A collections manager's pages in Chromium, in one window narrowed from a laptop's 1400 px to
a phone's 390 px and back (the layouts follow the width through CSS alone): the when-to-call
heatmaps open their calls, the promises list reads as a list (cards on a phone), and two
workflows compare side by side with the test named."""

from .conftest import listed, overflow, screenshot

LAPTOP, PHONE = {"width": 1400, "height": 900}, {"width": 390, "height": 900}


def _busiest_workflows() -> list[str]:
    from django.db.models import Count

    from records.models import Workflow

    busiest = Workflow.objects.annotate(n=Count("call_results")).order_by("-n", "workflow_id")
    return list(busiest.values_list("workflow_id", flat=True)[:2])


def test_heatmap_promises_and_comparison(demo, login, live_server):
    page = login("Managers")

    # The heatmaps: a shaded cell says what it counts on hover and, on a phone, opens exactly
    # those calls in a list that fits the screen.
    page.goto(f"{live_server.url}/dashboard/?period=all")
    for key in ("call-hours", "call-right-party-hours"):
        assert page.locator(f"#table-{key} td.dash-heat").count() > 0, key
    page.set_viewport_size(PHONE)
    cell = page.locator("#table-call-hours td.dash-heat").first
    calls = int(cell.get_attribute("title").split()[0])
    cell.scroll_into_view_if_needed()
    screenshot(page, "heatmap-390")
    cell.locator("a").click()
    page.wait_for_selector("p.paginator")
    assert listed(page) == calls
    assert overflow(page) == 0

    # Promises: each row's status and amount in words; on a phone, a stack of cards.
    page.goto(f"{live_server.url}/admin/collections_app/promise/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() > 0
    assert rows.first.evaluate("row => getComputedStyle(row).display") == "block"
    assert overflow(page) == 0
    screenshot(page, "promises-390", full_page=True)
    page.set_viewport_size(LAPTOP)
    assert rows.first.evaluate("row => getComputedStyle(row).display") == "table-row"
    status = rows.first.locator("td.field-status_text").inner_text().strip().lower()
    assert status in {"open", "due", "lapsed", "superseded"}
    screenshot(page, "promises-1400", full_page=True)

    # Two workflows side by side: three rates, each with its interval and a verdict.
    first, second = _busiest_workflows()
    page.goto(f"{live_server.url}/collections/compare/")
    page.fill("input[name=a]", first)
    page.fill("input[name=b]", second)
    page.get_by_role("button", name="Compare").click()
    page.wait_for_selector(".coll-table")
    verdicts = page.locator(".coll-table tbody td:last-child").all_inner_texts()
    assert len(verdicts) >= 3 and set(verdicts) <= {"Yes", "No"}
    assert "Test: " in page.inner_text(".coll-note")
    screenshot(page, "compare-1400", full_page=True)
    page.set_viewport_size(PHONE)
    assert overflow(page) == 0
    screenshot(page, "compare-390", full_page=True)
