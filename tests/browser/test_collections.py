"""A collections manager's pages in Chromium, at a laptop's 1400 px and a phone's 390 px: the
when-to-call heatmaps open their calls, the promises list reads as a list (cards on a phone),
and two workflows compare side by side with the test named."""

import re

import pytest

from .conftest import overflow, screenshot


def _count(page) -> int:
    return int(re.search(r"\d+", page.inner_text("p.paginator")).group())


def _busiest_workflows() -> list[str]:
    from django.db.models import Count

    from records.models import Workflow

    busiest = Workflow.objects.annotate(n=Count("call_results")).order_by("-n", "workflow_id")
    return list(busiest.values_list("workflow_id", flat=True)[:2])


@pytest.mark.parametrize("width", (1400, 390))
def test_heatmap_promises_and_comparison(demo, login, live_server, width):
    page = login("Managers", width)

    # The heatmaps: a shaded cell says what it counts on hover and opens exactly those calls.
    page.goto(f"{live_server.url}/dashboard/?period=all")
    for key in ("call-hours", "call-right-party-hours"):
        assert page.locator(f"#table-{key} td.dash-heat").count() > 0, key
    cell = page.locator("#table-call-hours td.dash-heat").first
    calls = int(cell.get_attribute("title").split()[0])
    cell.scroll_into_view_if_needed()
    screenshot(page, f"heatmap-{width}")
    cell.locator("a").click()
    page.wait_for_selector("p.paginator")
    assert _count(page) == calls
    assert overflow(page) == 0

    # Promises: each row's status and amount in words; on a phone, a stack of cards.
    page.goto(f"{live_server.url}/admin/collections_app/promise/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() > 0
    status = rows.first.locator("td.field-status_text").inner_text().strip().lower()
    assert status in {"open", "due", "lapsed", "superseded"}
    display = rows.first.evaluate("row => getComputedStyle(row).display")
    assert display == ("block" if width < 768 else "table-row")
    assert overflow(page) == 0
    screenshot(page, f"promises-{width}", full_page=True)

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
    assert overflow(page) == 0
    screenshot(page, f"compare-{width}", full_page=True)
