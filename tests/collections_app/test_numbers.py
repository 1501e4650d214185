"""Item 3 of issue 19: number health (attempts, answered, right-party contacts, health), its
admin list and CSV, and ``/api/numbers/``."""

import pytest

from collections_app.models import NumberHealth
from collections_app.numbers import health_q, with_health
from tests.outcomes_dataset import user_with

pytestmark = pytest.mark.django_db

VIEW = "collections_app.view_numberhealth"
SILENT = "+6281277770001"
WRONG = "+6281277770002"
GOOD = "+6281277770003"


def _health(number_key: str) -> str:
    return with_health(NumberHealth.objects.filter(number_key=number_key)).get().health


@pytest.fixture
def numbers(call):
    # Five unanswered calls over two days (in Asia/Jakarta): unreachable.
    for i, start in enumerate(["2025-04-10 09:00:00", "2025-04-10 11:00:00",
                               "2025-04-10 15:00:00", "2025-04-11 09:00:00",
                               "2025-04-11 10:00:00"]):  # fmt: skip
        call(f"silent-{i}", number=SILENT, start=start, answered=False, intention="NA",
             description="No answer")  # fmt: skip
    # Answered, then the latest answered call says wrong person.
    call("wrong-1", number=WRONG, start="2025-04-10 09:00:00", intention="B",
         description="Promise to pay")  # fmt: skip
    call("wrong-2", number=WRONG, start="2025-04-11 09:00:00", intention="W",
         description="Wrong person")  # fmt: skip
    call("wrong-3", number=WRONG, start="2025-04-12 09:00:00", answered=False, intention="NA",
         description="No answer")  # fmt: skip
    call("good-1", number=GOOD, start="2025-04-10 09:00:00", labels={"Correct_Person": "x"})


def test_each_number_is_counted_from_its_calls(numbers):
    wrong = NumberHealth.objects.get(number_key="6281277770002")
    assert (wrong.attempts, wrong.answered, wrong.right_party_contacts) == (3, 2, 1)
    assert wrong.last_outcome == "no_contact" and wrong.last_answered_outcome == "wrong_party"
    assert wrong.days_called == 3
    assert wrong.hangup_types == {"ByCallee": 3}
    assert wrong.customer_number == WRONG


def test_health_follows_the_rules(numbers):
    assert _health("6281277770001") == "unreachable"
    assert _health("6281277770002") == "wrong_party"
    assert _health("6281277770003") == "ok"
    assert NumberHealth.objects.filter(health_q("ok")).count() == 1


def test_unreachable_needs_both_thresholds(call, settings):
    for i in range(5):  # five calls on one day only
        call(f"c-{i}", number=SILENT, start=f"2025-04-10 0{i}:00:00", answered=False)
    assert _health("6281277770001") == "ok"

    settings.COLLECTIONS_UNREACHABLE_DAYS = 1
    assert _health("6281277770001") == "unreachable"
    settings.COLLECTIONS_UNREACHABLE_ATTEMPTS = 6
    assert _health("6281277770001") == "ok"


def test_an_answer_makes_an_unreachable_number_ok(numbers, call):
    call("silent-answered", number=SILENT, start="2025-04-12 09:00:00")
    assert _health("6281277770001") == "ok"


def test_the_example_call_counts_for_its_number(deliver, call_payload):
    deliver("call_result", call_payload)
    number = NumberHealth.objects.get()
    assert (number.attempts, number.answered, number.right_party_contacts) == (1, 1, 1)


def test_api_lists_unreachable_numbers_masked(client, numbers):
    client.force_login(user_with("support", VIEW))

    rows = client.get("/api/numbers/?health=unreachable").json()["results"]

    assert rows == [
        {
            "customer_number": "+62•••••••0001",
            "attempts": 5,
            "answered": 0,
            "right_party_contacts": 0,
            "last_called_at": rows[0]["last_called_at"],
            "health": "unreachable",
        }
    ]
    assert rows[0]["last_called_at"].startswith("2025-04-11T03:00:00")  # 10:00 in Jakarta
    assert len(client.get("/api/numbers/").json()["results"]) == 3


def test_api_needs_the_permission_and_known_parameters(client, numbers):
    client.force_login(user_with("support", VIEW))
    assert client.get("/api/numbers/?health=dead").status_code == 400
    assert client.get("/api/numbers/?attempts__gte=1").status_code == 400
    client.force_login(user_with("nobody"))
    assert client.get("/api/numbers/").status_code == 403


def test_admin_list_and_csv(client, numbers):
    client.force_login(user_with("support", VIEW, "integrations.export_csv"))

    page = client.get("/admin/collections_app/numberhealth/?health=wrong_party")
    assert page.status_code == 200
    text = page.content.decode()
    assert "+62•••••••0002" in text and "+62•••••••0001" not in text and WRONG not in text

    response = client.get("/admin/collections_app/numberhealth/export-csv/?health=unreachable")
    body = b"".join(response.streaming_content).decode()
    lines = body.splitlines()
    assert len(lines) == 2 and "+62•••••••0001" in lines[1] and "unreachable" in lines[1]


def test_erasure_removes_the_customers_number_health(deliver, call_payload):
    from collections_app.models import NumberHealth
    from customers.erasure import customer_erase

    assert deliver("call_result", call_payload).status_code == 200
    number = call_payload["call"]["callee_number"]
    assert NumberHealth.objects.exists()
    report = customer_erase(phone=number)
    assert report.counts["number health"] >= 1
    assert not NumberHealth.objects.filter(customer_number__endswith=number[-6:]).exists()
