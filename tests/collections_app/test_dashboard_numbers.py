"""Collections numbers where managers read outcomes: right-party contacts and promises per
right-party contact on the dashboard (with the period before) and in ``/api/outcomes/``, and
the outcome group as a filter and a group, each number opening exactly its records."""

from urllib.parse import parse_qs, urlsplit

import pytest

from calls_app.models import CallResult
from tests.outcomes_dataset import user_with

pytestmark = pytest.mark.django_db

WEEK = {"date_from": "2025-04-10", "date_to": "2025-04-16"}
MANAGER = ("dashboard.view_dashboard", "calls_app.view_callresult", "sessions_app.view_chatsession")


@pytest.fixture
def calls(call):
    """Six calls: four answered, of which three reached the right party, two promised."""
    call("c-promise-1", intention="A", description="Promise to pay", asr_ptp="2025-04-20")
    call("c-promise-2", intention="A", description="Promise to pay", number="+6281234560002")
    call("c-refused", intention="C", description="Refuses to pay", number="+6281234560003")
    call("c-wrong", intention="F", description="Wrong person", number="+6281234560004")
    call("c-silent-1", answered=False, intention="NA", description="Not answered")
    call("c-silent-2", answered=False, intention="NA", description="Not answered")


def _outcomes(client, **params):
    response = client.get("/api/outcomes/", {"kind": "calls", **WEEK, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_the_outcomes_api_counts_right_party_contacts_and_promises(client, calls):
    client.force_login(user_with("m", *MANAGER))
    (totals,) = _outcomes(client)
    assert totals["count"] == 6
    assert totals["right_party_count"] == 3
    assert totals["right_party_rate"] == pytest.approx(3 / 6)
    assert totals["promise_count"] == 2
    assert totals["promise_rate"] == pytest.approx(2 / 3)  # per right-party contact


def test_the_outcome_group_groups_and_filters(client, calls):
    client.force_login(user_with("m", *MANAGER))
    rows = {r["outcome_group"]: r["count"] for r in _outcomes(client, group_by="outcome_group")}
    assert rows == {"promise_to_pay": 2, "refused": 1, "wrong_party": 1, "other": 2}
    (promised,) = _outcomes(client, outcome_group="promise_to_pay")
    assert promised["count"] == 2 and promised["promise_count"] == 2


def _ids(client, url: str) -> set[str]:
    query = {k: v for k, v in parse_qs(urlsplit(url).query).items()}
    response = client.get("/api/calls/", {**query, "page_size": 100})
    assert response.status_code == 200, (url, response.content)
    return {row["call_id"] for row in response.json()["results"]}


def test_the_dashboard_shows_them_each_opening_exactly_its_calls(client, calls):
    client.force_login(user_with("m", *MANAGER))
    response = client.get("/dashboard/", WEEK)
    section = next(s for s in response.context["sections"] if s.key == "calls")
    cards = {label: cell for label, cell, _ in section.more_cards}
    assert cards["Right-party contacts"].value in (3, 0.5)
    right_party = next(cell for label, cell, _ in section.more_cards if cell.value == 3)
    assert _ids(client, right_party.url) == {"c-promise-1", "c-promise-2", "c-refused"}
    promises = cards["Promises to pay"]
    assert promises.value == 2
    assert _ids(client, promises.url) == {"c-promise-1", "c-promise-2"}
    assert "Promises per right-party contact" in response.content.decode()
    list_url = urlsplit(right_party.url)
    admin = client.get(f"{list_url.path}?{list_url.query}")
    assert admin.status_code == 200 and admin.context["cl"].result_count == 3


def test_a_relabelled_intention_changes_the_numbers_of_rolled_days(
    client, calls, django_capture_on_commit_callbacks
):
    from collections_app.models import Outcome
    from collections_app.services import outcome_reclassify
    from dashboard import rollups

    client.force_login(user_with("m", *MANAGER))
    rollups.roll_pending()
    outcome = Outcome.objects.get(kind="calls", code="C")
    outcome.group = "wrong_party"
    outcome.save()
    with django_capture_on_commit_callbacks(execute=True):
        outcome_reclassify(outcome)  # the rolled day is counted from the records again
    (totals,) = _outcomes(client)
    assert totals["right_party_count"] == 2
    assert CallResult.objects.filter(collections_contact__right_party=True).count() == 2


def test_the_dashboard_says_what_is_promised_now(client, call, endpoint):
    import datetime as dt

    from django.utils import timezone

    today = timezone.now().astimezone(endpoint.tzinfo).date()  # the account's today, not UTC's
    start = (today - dt.timedelta(days=3)).strftime("%Y-%m-%d 09:00:00")
    for name, days in (("due", 0), ("soon", 3), ("later", 20), ("gone", -2)):
        call(
            f"p-{name}",
            start=start,
            intention="A",
            description="Promise to pay",
            asr_ptp=str(today + dt.timedelta(days=days)),
            number=f"+62812345600{10 + days}",
            case=f"case-{name}",
            owing="1000000.00",
            currency="IDR",
        )
    client.force_login(user_with("m", *MANAGER, "collections_app.view_promise"))
    promises = client.get("/dashboard/").context["promises"]
    assert promises["due_today"][0] == 1 and promises["due_soon"][0] == 1
    assert promises["lapsed"][0] == 1
    (amount,) = promises["amounts"]  # the promised amount, or the amount owing: 3 standing
    assert "3,000,000" in amount or "3.000.000" in amount
    listed = client.get(promises["due_soon"][1])
    assert listed.status_code == 200 and listed.context["cl"].result_count == 1
    client.force_login(user_with("s", *MANAGER))  # may not see promises: no such block
    assert client.get("/dashboard/").context["promises"] is None


def test_a_second_heatmap_shows_when_the_right_party_answers(client, calls):
    client.force_login(user_with("m", *MANAGER))
    page = client.get("/dashboard/", WEEK)
    tables = {t.key: t for s in page.context["sections"] for t in s.tables}
    heatmap = tables["call-right-party-hours"]
    assert heatmap.title.startswith("When the right party answers")
    filled = [cell for row in heatmap.rows for cell in row[1:] if cell.url]
    # Each cell's hover says how many calls, answered calls and right-party contacts it holds.
    counts = [[int(part.split()[0]) for part in cell.hint.split(", ")] for cell in filled]
    assert [sum(column) for column in zip(*counts, strict=True)] == [6, 4, 3]
    for cell, (calls_in_cell, _, right_party) in zip(filled, counts, strict=True):
        assert cell.value == pytest.approx(right_party / calls_in_cell)
    assert "right party" in filled[0].hint
