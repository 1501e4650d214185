"""Item 2 of issue 19: the promise-to-pay ledger, its status as the clock moves, and where
people read it (admin list and CSV, due today, ``/api/promises/``)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from collections_app.models import Promise
from collections_app.promises import status_q, with_status
from collections_app.terms import parse_amount, parse_date, promise_terms
from records.money import money_text
from tests.outcomes_dataset import user_with

pytestmark = pytest.mark.django_db

UTC = dt.UTC
PTP = {"intention": "B", "description": "Promise to pay"}
VIEW = "collections_app.view_promise"
DETAILS = "integrations.view_contact_details"


def _status(promise, now):
    return with_status(Promise.objects.filter(pk=promise.pk), now).get().status


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-04-20", dt.date(2025, 4, 20)),
        ("20/04/2025", dt.date(2025, 4, 20)),
        ("2025/04/20 00:00:00", dt.date(2025, 4, 20)),
        ("Time_0", None),
        ("", None),
    ],
)
def test_dates_are_read_as_slots_write_them(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,500,000", Decimal("1500000")),
        ("1.500.000", Decimal("1500000")),
        ("Rp 250000", Decimal("250000")),
        ("99.50", Decimal("99.50")),
        ("1.234,56", Decimal("1234.56")),
        (1200, Decimal("1200")),
        ("Transfer", None),
        ("2025-04-20", None),
    ],
)
def test_amounts_are_read_however_written(text, expected):
    assert parse_amount(text) == expected


def test_default_slot_names_are_matched_however_spelled():
    terms = promise_terms(slots={"ptp_date": "2025-04-20", "PTP-Amount": "500", "x": "9"})
    assert terms.date == dt.date(2025, 4, 20) and terms.amount == Decimal("500")


def test_asr_ptp_of_the_example_body_makes_a_promise_of_the_amount_owing(deliver, call_payload):
    call_payload["call"]["asr_ptp"] = "2024-03-15"
    deliver("call_result", call_payload)

    promise = Promise.objects.get()
    assert promise.source == "call" and promise.call_id == call_payload["call"]["call_id"]
    assert promise.case_id == "12345.0"
    assert promise.promised_date == dt.date(2024, 3, 15)
    assert (promise.amount, promise.currency, promise.amount_is_owing) == (
        Decimal("20310.0000"),
        "USD",
        True,
    )
    assert promise.customer_number == "+86xxxxxx5721"  # the number dialled last


def test_the_example_body_as_sent_makes_no_promise(deliver, call_payload):
    deliver("call_result", call_payload)
    assert not Promise.objects.exists()


def test_promise_group_with_slots_records_date_and_amount(call):
    call("c-1", **PTP, slots={"PTP_Date": "2025-04-20", "PTP_Amount": "1,500,000"}, currency="IDR")

    promise = Promise.objects.get()
    assert promise.promised_date == dt.date(2025, 4, 20)
    assert promise.amount == Decimal("1500000") and not promise.amount_is_owing
    assert (
        money_text(promise.amount, promise.currency, locale="id_ID") == "Rp1.500.000"
    )  # the currency's own rules


def test_a_chat_promises_once_its_intention_is_labelled_promise(chat, endpoint):
    chat("s-1", intention="P1", slots={"PaymentDate": "21/04/2025"})
    assert not Promise.objects.exists()

    call_command(
        "label_intention", endpoint.name, "P1", "--kind", "sessions", "--label", "PTP",
        "--group", "promise_to_pay", stdout=open("/dev/null", "w"),  # noqa: SIM115
    )  # fmt: skip

    promise = Promise.objects.get()
    assert promise.source == "session" and promise.promised_date == dt.date(2025, 4, 21)
    assert promise.amount is None


def test_status_moves_with_the_clock_in_the_accounts_zone(call):
    # The endpoint is in Asia/Jakarta (UTC+7): the 20th starts there at 17:00 UTC on the 19th.
    call("c-1", **PTP, slots={"PTP_Date": "2025-04-20"})
    promise = Promise.objects.get()

    moments = {
        "open": dt.datetime(2025, 4, 19, 16, 59, tzinfo=UTC),
        "due": dt.datetime(2025, 4, 19, 17, 0, tzinfo=UTC),
        "lapsed": dt.datetime(2025, 4, 20, 17, 0, tzinfo=UTC),
    }
    for status, now in moments.items():
        assert _status(promise, now) == status
        assert Promise.objects.filter(status_q(status, now)).count() == 1
        for other in Promise.Status.values:
            if other != status:
                assert not Promise.objects.filter(status_q(other, now)).exists()


def test_a_promise_without_a_date_stays_open(call):
    call("c-1", **PTP)
    promise = Promise.objects.get()
    assert promise.promised_date is None
    assert _status(promise, dt.datetime(2030, 1, 1, tzinfo=UTC)) == "open"


def test_a_later_promise_of_the_same_case_supersedes_the_earlier(call):
    call("c-1", **PTP, case="case-9", start="2025-04-10 09:00:00", slots={"PTP_Date": "2025-04-12"})
    call("c-2", **PTP, case="case-9", start="2025-04-13 09:00:00", slots={"PTP_Date": "2025-04-20"},
         number="+6281299990000")  # fmt: skip
    # The same number, another case: a later promise still supersedes.
    call("c-3", **PTP, case="case-x", start="2025-04-01 09:00:00", number="+6281299990000")

    now = dt.datetime(2025, 4, 15, tzinfo=UTC)
    status = {p.call_id: p.status for p in with_status(Promise.objects.all(), now)}
    assert status == {"c-1": "superseded", "c-2": "open", "c-3": "superseded"}


def test_a_later_push_that_no_longer_promises_removes_it_and_revives_the_earlier(call):
    call("c-1", **PTP, case="case-9", start="2025-04-10 09:00:00")
    call("c-2", **PTP, case="case-9", start="2025-04-13 09:00:00")
    assert Promise.objects.get(call_id="c-1").superseded

    call("c-2", case="case-9", start="2025-04-13 09:00:00", intention="E", node="node-2")

    assert list(Promise.objects.values_list("call_id", "superseded")) == [("c-1", False)]


# --- The API ---------------------------------------------------------------------------------


@pytest.fixture
def promises(call):
    call("c-1", **PTP, case="case-1", number="+6281211110001", slots={"PTP_Date": "2025-04-20"})
    call("c-2", **PTP, case="case-2", number="+6281211110002", slots={"PTP_Date": "2025-04-25"},
         workflow="wf-other")  # fmt: skip
    call("c-3", **PTP, case="case-3", number="+6281211110003")


def test_api_lists_promises_masked_with_their_status(client, promises, monkeypatch):
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: dt.datetime(2025, 4, 20, 3, tzinfo=UTC)
    )
    client.force_login(user_with("support", VIEW))

    rows = client.get("/api/promises/").json()["results"]

    assert [r["call_id"] for r in rows] == ["c-3", "c-2", "c-1"]  # newest first, then by id
    by_id = {r["call_id"]: r for r in rows}
    assert by_id["c-1"]["status"] == "due" and by_id["c-2"]["status"] == "open"
    assert by_id["c-1"]["customer_number"] == "+62•••••••0001"
    assert set(by_id["c-1"]) == {
        "id", "source", "call_id", "case_id", "customer_number", "made_at", "promised_date",
        "amount", "currency", "status",
    }  # fmt: skip
    assert by_id["c-1"]["amount"] == "20310.0000" and by_id["c-1"]["currency"] == "USD"


def test_api_shows_numbers_to_those_allowed(client, promises):
    client.force_login(user_with("details", VIEW, DETAILS))
    numbers = {r["customer_number"] for r in client.get("/api/promises/").json()["results"]}
    assert "+6281211110001" in numbers


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=due", {"c-1"}),
        ("status=open", {"c-2", "c-3"}),
        ("promised_from=2025-04-21", {"c-2"}),
        ("promised_to=2025-04-20", {"c-1"}),
        ("workflow_id=wf-other", {"c-2"}),
        ("case_id=case-3", {"c-3"}),
    ],
)
def test_api_filters(client, promises, monkeypatch, query, expected):
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: dt.datetime(2025, 4, 20, 3, tzinfo=UTC)
    )
    client.force_login(user_with("support", VIEW))
    rows = client.get(f"/api/promises/?{query}").json()["results"]
    assert {r["call_id"] for r in rows} == expected


def test_api_refuses_unknown_parameters_and_users_without_permission(client, promises):
    client.force_login(user_with("support", VIEW))
    assert client.get("/api/promises/?ordering=amount").status_code == 400
    assert client.get("/api/promises/?status=maybe").status_code == 400
    client.force_login(user_with("nobody"))
    assert client.get("/api/promises/").status_code == 403
    client.logout()
    assert client.get("/api/promises/").status_code in (401, 403)


def test_api_pages_by_cursor(client, promises):
    client.force_login(user_with("support", VIEW))
    first = client.get("/api/promises/?page_size=2").json()
    second = client.get(first["next"]).json()
    assert len(first["results"]) == 2 and len(second["results"]) == 1


# --- The admin list, its CSV, and due today ---------------------------------------------------


def test_admin_list_filters_by_status_and_shows_amounts_formatted(client, promises, monkeypatch):
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: dt.datetime(2025, 4, 20, 3, tzinfo=UTC)
    )
    client.force_login(user_with("support", VIEW))

    page = client.get("/admin/collections_app/promise/?status=due")

    assert page.status_code == 200
    text = page.content.decode()
    assert "case-1" in text and "case-2" not in text
    assert "$20,310.00 (owing)" in text
    assert "+6281211110001" not in text


def test_admin_csv_export_masks_numbers(client, promises):
    client.force_login(user_with("manager", VIEW, "integrations.export_csv"))

    response = client.get("/admin/collections_app/promise/export-csv/?status=open")

    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "customer_number" in body.splitlines()[0]
    assert "+62•••••••0003" in body and "+6281211110003" not in body


def test_due_today_lists_the_promises_due_in_the_accounts_day(client, promises, monkeypatch):
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: dt.datetime(2025, 4, 20, 3, tzinfo=UTC)
    )
    client.force_login(user_with("support", VIEW))

    page = client.get("/collections/promises/due/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "case-1" in text and "case-2" not in text and "$20,310.00" in text
    client.force_login(user_with("nobody"))
    assert client.get("/collections/promises/due/").status_code == 403


def test_lists_read_a_bounded_number_of_queries(client, call, django_assert_max_num_queries):
    """No query per row: ten promises cost what three do (API, admin list, due today)."""
    client.force_login(user_with("support", VIEW, "collections_app.view_numberhealth"))
    for i in range(10):
        call(f"c-{i}", **PTP, case=f"case-{i}", number=f"+628121111{i:04d}",
             slots={"PTP_Date": "2025-04-20"})  # fmt: skip
    urls = [
        "/api/promises/",
        "/api/numbers/",
        "/admin/collections_app/promise/",
        "/admin/collections_app/numberhealth/",
        "/collections/promises/due/",
    ]
    for url in urls:
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200


def test_an_accounts_own_slot_names_are_read_once_saved_in_the_admin(
    call, endpoint, admin_client, django_capture_on_commit_callbacks
):
    call("c-1", **PTP, slots={"Janji_Tanggal": "2025-04-22", "Janji_Jumlah": "750.000"})
    assert Promise.objects.get().promised_date is None

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/collections_app/slotnames/add/",
            {
                "endpoint": endpoint.pk,
                "date_slots": '["janji tanggal"]',
                "amount_slots": '["JANJI-JUMLAH"]',
            },
        )

    assert response.status_code == 302
    promise = Promise.objects.get()
    assert promise.promised_date == dt.date(2025, 4, 22)
    assert promise.amount == Decimal("750000") and not promise.amount_is_owing
