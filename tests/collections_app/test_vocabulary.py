"""Item 1 of issue 19: each account's outcome vocabulary, and right-party contacts."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from collections_app.models import Contact, Group, Outcome
from collections_app.vocabulary import fold
from integrations.services import webhook_endpoint_create

pytestmark = pytest.mark.django_db


def test_example_call_seeds_its_intention_and_folded_labels(deliver, call_payload, endpoint):
    deliver("call_result", call_payload)

    intention = Outcome.objects.get(endpoint=endpoint, kind="calls", code="E")
    assert (intention.label, intention.group) == ("No Voice", Group.NO_CONTACT)
    labels = {o.code: o for o in Outcome.objects.filter(endpoint=endpoint, kind="labels")}
    assert set(labels) == {"a0", "correctperson", "requestinstallment"}
    assert labels["correctperson"].label == "Correct_Person"
    assert labels["correctperson"].right_party is True
    assert labels["requestinstallment"].right_party is False


def test_example_call_is_a_right_party_contact_by_its_correct_person_label(deliver, call_payload):
    deliver("call_result", call_payload)

    contact = Contact.objects.get(call_id=call_payload["call"]["call_id"])
    assert contact.source == "call" and contact.answered
    assert contact.group == Group.NO_CONTACT
    assert contact.right_party  # Correct_Person, marked right party by default
    assert "correctperson" in contact.labels


def test_example_chat_seeds_its_intention_without_description(deliver, chat_payload, endpoint):
    deliver("chatbot_session_end", chat_payload)

    outcome = Outcome.objects.get(endpoint=endpoint, kind="sessions", code="E")
    assert outcome.label == "E" and outcome.group == Group.OTHER
    assert Outcome.objects.filter(endpoint=endpoint, kind="labels", code="eventlabel").exists()
    contact = Contact.objects.get(call_id=chat_payload["call_id"])
    assert contact.source == "session" and not contact.right_party


def test_first_description_wins_and_later_ones_are_variants(call, endpoint):
    call("c-1", intention="B", description="Promise to pay")
    call("c-2", intention="B", description="PTP next week")
    call("c-3", intention="B", description="Promise to pay")

    outcome = Outcome.objects.get(endpoint=endpoint, kind="calls", code="B")
    assert outcome.label == "Promise to pay"
    assert outcome.group == Group.PROMISE_TO_PAY
    assert outcome.variants == ["PTP next week"]


def test_spelling_variants_of_a_label_fold_into_one(call, endpoint):
    call("c-1", labels={"RPC-AlreadyPaid": "x", "Nopaymentreason": "y"})
    call("c-2", labels={"RPC-Already_Paid": "x", "nopaymentreason": "y", "rpc already paid": "z"})

    labels = Outcome.objects.filter(endpoint=endpoint, kind="labels").order_by("code")
    assert [(o.code, o.label) for o in labels] == [
        ("nopaymentreason", "Nopaymentreason"),
        ("rpcalreadypaid", "RPC-AlreadyPaid"),
    ]
    assert labels[1].variants == ["RPC-Already_Paid", "rpc already paid"]
    assert fold("RPC-Already_Paid") == fold("rpc already paid") == "rpcalreadypaid"


def test_a_known_vocabulary_is_read_once_per_record_not_once_per_code(call):
    """A worker reads the account's vocabulary once; an intention and labels known with their
    wording cost no query each (a call carries several labels: the worker's rate depends on it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from calls_app.models import CallResult
    from collections_app.services import collections_record

    labels = {"Correct_Person": "1", "PTP": "1", "Request_Installment": "1"}
    call("c-1", intention="B", description="Promise to pay", labels=labels)
    record = CallResult.objects.get(call_id="c-1")
    with CaptureQueriesContext(connection) as seen:
        collections_record(record)
    outcome_reads = [
        q["sql"] for q in seen.captured_queries if "collections_app_outcome" in q["sql"]
    ]
    assert len(outcome_reads) == 1, outcome_reads


def test_each_account_has_its_own_vocabulary(deliver, endpoint):
    from tests.collections_app.conftest import call_body

    other = webhook_endpoint_create(name="Other account", timezone_name="UTC")
    deliver("call_result", call_body("c-1", intention="E", description="No Voice"))
    deliver(
        "call_result",
        call_body("c-2", intention="E", description="Already paid"),
        token=other.token,
    )

    assert Outcome.objects.get(endpoint=endpoint, code="E").group == Group.NO_CONTACT
    assert Outcome.objects.get(endpoint=other, code="E").group == Group.CLAIMS_PAID


def test_right_party_needs_an_answered_call_with_a_reached_group(call):
    call("c-answered", intention="B", description="Promise to pay")
    call("c-unanswered", intention="B", description="Promise to pay", answered=False)
    call("c-no-voice", intention="E", description="No Voice")

    right_party = dict(Contact.objects.values_list("call_id", "right_party"))
    assert right_party == {"c-answered": True, "c-unanswered": False, "c-no-voice": False}


def test_label_intention_command_relabels_and_reclassifies(call, endpoint):
    call("c-1", intention="X", description="Something")
    assert Contact.objects.get(call_id="c-1").right_party is False

    call_command(
        "label_intention",
        endpoint.name,
        "X",
        "--label",
        "Refused to pay",
        "--group",
        "refused",
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )

    outcome = Outcome.objects.get(endpoint=endpoint, kind="calls", code="X")
    assert (outcome.label, outcome.group) == ("Refused to pay", Group.REFUSED)
    contact = Contact.objects.get(call_id="c-1")
    assert contact.group == Group.REFUSED and contact.right_party


def test_label_intention_marks_a_label_right_party_by_any_spelling(call, endpoint):
    call("c-1", intention="E", labels={"Is-Debtor": "1"})
    assert Contact.objects.get(call_id="c-1").right_party is False

    call_command(
        "label_intention",
        str(endpoint.pk),
        "is_debtor",
        "--kind",
        "labels",
        "--label",
        "Debtor confirmed",
        "--group",
        "other",
        "--right-party",
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )

    assert Outcome.objects.get(endpoint=endpoint, kind="labels", code="isdebtor").right_party
    assert Contact.objects.get(call_id="c-1").right_party is True


def test_label_intention_refuses_an_unknown_account_or_group(endpoint):
    with pytest.raises(CommandError, match="no endpoint"):
        call_command("label_intention", "Nobody", "E", "--label", "x", "--group", "other")
    with pytest.raises(CommandError):
        call_command("label_intention", endpoint.name, "E", "--label", "x", "--group", "nope")


def test_a_later_push_of_the_same_call_reclassifies_it(call):
    call("c-1", intention="E", description="No Voice")
    call("c-1", intention="B", description="Promise to pay", node="second-node")

    contact = Contact.objects.get(call_id="c-1")
    assert contact.group == Group.PROMISE_TO_PAY and contact.promise
    assert Contact.objects.count() == 1


def test_admin_edit_of_an_outcome_reclassifies_its_records(
    call, endpoint, admin_client, django_capture_on_commit_callbacks
):
    call("c-1", intention="X", description="Something")
    outcome = Outcome.objects.get(endpoint=endpoint, kind="calls", code="X")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/collections_app/outcome/{outcome.pk}/change/",
            {"label": "Call me later", "group": "callback", "right_party": ""},
        )

    assert response.status_code == 302
    assert Contact.objects.get(call_id="c-1").group == Group.CALLBACK
