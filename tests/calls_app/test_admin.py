"""The call results admin as support staff use it: the list, the call page, read-only."""

import copy
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.admin.templatetags.admin_list import result_headers
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calls_app.filters import CallResultFilter
from calls_app.models import CallResult
from calls_app.rendering import CONTACT_LABELS
from integrations.services import webhook_event_process
from records.filtering import admin_changelist_url
from tests import outcomes_dataset
from tests.outcomes_dataset import W2, query

from .variations import unanswered, with_unknown_enums

pytestmark = pytest.mark.django_db

# The shared dataset's fixtures (tests/outcomes_dataset.py).
dataset = outcomes_dataset.dataset

SCRIPT = "<script>alert('x')</script>"
LIST_URL = "/admin/calls_app/callresult/"


def page_url(call: CallResult) -> str:
    return reverse("admin:calls_app_callresult_change", args=[call.pk])


def text_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def record(stored_push):
    """Record a push (a variation of the example) as the webhook would, in Asia/Jakarta."""
    counter = iter(range(1000))

    def _record(payload: dict, *, call_id: str | None = None, **call_fields) -> CallResult:
        payload = copy.deepcopy(payload)
        n = next(counter)
        payload["call"]["call_id"] = call_id or f"call-{n}"
        payload["call"].update(call_fields)
        event = stored_push(payload, received_at=datetime(2024, 3, 11, 9, tzinfo=UTC))
        assert webhook_event_process(event_id=event.pk).status == "processed"
        return CallResult.objects.get(call_id=payload["call"]["call_id"])

    return _record


@pytest.fixture
def staff(db):
    """Make a staff user with the given permissions (``app.codename``) and log them in."""

    def _staff(client, *perms: str) -> User:
        user = User.objects.create_user("agent", is_staff=True)
        for perm in perms:
            app_label, codename = perm.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        client.force_login(user)
        return user

    return _staff


# --- the list ---------------------------------------------------------------------------------


def test_list_shows_the_columns_support_staff_asked_for(admin_client, record, call_payload):
    record(call_payload, call_id="817377d194xxxxxxxxc8ad463bc81d996a")

    response = admin_client.get(LIST_URL)

    headers = [str(h["text"]).capitalize() for h in result_headers(response.context["cl"])][1:]
    assert headers == [
        "Start time",
        "Customer name",
        "Dialled number",
        "Case id",
        "Workflow",
        "Intention",
        "Hangup type",
        "Ring type",
        "Answered",
        "Duration",
        "Talk rounds",
    ]
    html = text_of(response)
    # The start time as stored (UTC here) and as the account's local time.
    assert "2024-03-11 08:58:26 UTC" in html
    assert "2024-03-11 15:58:26 WIB" in html
    for value in ["WILL SMITH", "+86xxxxxx5721", "12345.0", "test_api_action6", "ByCallee"]:
        assert value in html
    assert "46 s" in html


def test_list_shows_a_time_once_when_the_account_is_in_the_admins_zone(
    admin_client, record, call_payload, in_zone
):
    in_zone("UTC")
    record(call_payload, call_id="817377d194xxxxxxxxc8ad463bc81d996a")

    html = text_of(admin_client.get(LIST_URL))

    assert html.count("2024-03-11 15:58:26") == 1
    assert "(UTC)" not in html


def listed(client, query: str = "") -> set[str]:
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    return {call.call_id for call in response.context["cl"].result_list}


def test_filters(admin_client, record, call_payload):
    example = record(call_payload, call_id="example")
    record(
        unanswered(copy.deepcopy(call_payload)),
        call_id="unanswered",
        intention="F",
        robot_id="5000",
    )
    record(
        with_unknown_enums(copy.deepcopy(call_payload)),
        call_id="new-enums",
        call_start_time="2024-03-20 10:00:00",
        call_end_time="2024-03-20 10:01:00",
    )
    other = copy.deepcopy(call_payload)
    other["workflow_id"], other["workflow_name"] = "wf-2", "second workflow"
    record(other, call_id="other-workflow", hangup_type="ByRobot")

    assert listed(admin_client, "intention=F") == {"unanswered"}
    assert listed(admin_client, "answered__exact=0") == {"unanswered"}
    assert listed(admin_client, "ring_type=ringing_forever") == {"new-enums"}
    assert listed(admin_client, "hangup_type=ByRobot") == {"other-workflow"}
    assert listed(admin_client, "robot_id=5000") == {"unanswered"}
    assert listed(admin_client, f"workflow__id__exact={example.workflow_id}") == {
        "example",
        "unanswered",
        "new-enums",
    }
    assert listed(
        admin_client,
        "started_at__gte=2024-03-15 00:00:00%2B00:00&started_at__lt=2024-03-21 00:00:00%2B00:00",
    ) == {"new-enums"}
    assert listed(admin_client, "started_at__year=2024&started_at__month=3&started_at__day=20") == {
        "new-enums"
    }
    html = text_of(admin_client.get(LIST_URL))
    for title in ["intention", "workflow", "hangup type", "ring type", "answered", "robot id"]:
        assert f"By {title}" in html
    assert "By start time" in html


def test_date_hierarchy_comes_from_the_calendar_not_from_a_scan(admin_client, record, call_payload):
    """The hierarchy lists the years from the first call to the last, every month of a year and
    every day of a month, without a ``SELECT DISTINCT DATE_TRUNC`` over the list."""
    record(call_payload, call_id="old", call_start_time="2022-05-02 10:00:00")
    record(call_payload, call_id="new", call_start_time="2024-03-20 10:00:00")

    with CaptureQueriesContext(connection) as queries:
        html = text_of(admin_client.get(LIST_URL))
    # DATE_TRUNC on PostgreSQL, django_datetime_trunc on SQLite
    assert not [q for q in queries if "trunc" in q["sql"].lower()]
    for year in ("2022", "2023", "2024"):
        assert f"?started_at__year={year}" in html
    assert "started_at__year=2021" not in html and "started_at__year=2025" not in html

    html = text_of(admin_client.get(LIST_URL, {"started_at__year": 2023}))
    assert html.count("started_at__month=") >= 12  # every month, though 2023 has no call
    html = text_of(admin_client.get(LIST_URL, {"started_at__year": 2024, "started_at__month": 2}))
    assert "started_at__day=29" in html and "started_at__day=30" not in html  # a leap February
    assert listed(admin_client, "started_at__year=2022") == {"old"}


def test_search_by_call_id_case_id_numbers_and_name(admin_client, record, call_payload):
    record(call_payload, call_id="817377d194xxxxxxxxc8ad463bc81d996a")
    other = copy.deepcopy(call_payload)
    other["callee"].update(case_id="C-77", callee_name="Siti Rahma", callee_number="+6281234567890")
    record(other, call_id="other-call", callee_number="+62 811-0000-111")

    assert listed(admin_client, "q=817377d194") == {"817377d194xxxxxxxxc8ad463bc81d996a"}
    assert listed(admin_client, "q=C-77") == {"other-call"}
    assert listed(admin_client, "q=siti") == {"other-call"}
    # The dialled number and the contact's uploaded number, written with or without spacing.
    assert listed(admin_client, "q=%2B62 811-0000-111") == {"other-call"}
    assert listed(admin_client, "q=628110000111") == {"other-call"}
    assert listed(admin_client, "q=812-3456-7890") == {"other-call"}
    assert listed(admin_client, "q=%2B861xxxxxxxx5721") == {"817377d194xxxxxxxxc8ad463bc81d996a"}
    assert listed(admin_client, "q=nobody") == set()


def test_list_takes_the_dashboards_filter_parameters(admin_client, record, call_payload):
    record(call_payload, call_id="march-11")
    record(
        call_payload,
        call_id="march-20",
        intention="F",
        call_start_time="2024-03-20 10:00:00",
        call_end_time="2024-03-20 10:01:00",
    )

    assert listed(admin_client, "date_from=2024-03-15") == {"march-20"}
    assert listed(admin_client, "intention=E&date_to=2024-03-15") == {"march-11"}
    assert listed(admin_client, "workflow_id=079918b288xxxxxxxx3815e2a8030eb") == {
        "march-11",
        "march-20",
    }


def test_filtered_list_exports_as_csv(admin_client, record, call_payload):
    record(call_payload, call_id="e-call")
    record(call_payload, call_id="f-call", intention="F")

    html = text_of(admin_client.get(f"{LIST_URL}?intention=F"))
    response = admin_client.get(f"{LIST_URL}export-csv/?intention=F")

    assert f'href="{LIST_URL}export-csv/?intention=F"' in html
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "f-call" in text
    assert "e-call" not in text


# --- the call page ----------------------------------------------------------------------------


def test_call_page_of_the_example(admin_client, record, call_payload):
    call = record(call_payload)

    response = admin_client.get(page_url(call))

    assert response.status_code == 200
    html = text_of(response)
    assert "Dialogue (8 turns)" in html
    assert html.count('class="call-turn') == 8
    assert html.count('<div class="call-speaker">Bot</div>') == 7  # one name, as in a chat
    assert "no no no no no" in html
    # The offsets, the bot on one side and the customer on the other; a side that said
    # nothing shows nothing.
    assert html.count('<span class="call-offset"') == 8
    assert ">00:00:45<" in html
    assert html.count("call-row-robot") == 7
    assert html.count("call-row-customer") == 1
    # Questions and answers, redials in the account's local time, labels and slots.
    assert "CURP Verification" in html
    assert "s s cero dos" in html
    assert len(response.context["answers"]) == 1
    assert [r.started_local for r in response.context["redial_rows"]] == [
        "2024-03-05 16:15:53 WIB",
        "2024-03-05 16:15:56 WIB",
        "2024-03-05 16:16:59 WIB",
    ]
    assert "<td>2024-03-05 16:15:53 WIB</td>" in html
    for label in ["identity_correct_person", "action_item_request_installment", "Time_0"]:
        assert label in html


def test_call_page_dims_silent_turns(admin_client, record, call_payload):
    call = record(call_payload)

    html = text_of(admin_client.get(page_url(call)))

    # Turn 2 has neither side speaking: dimmed as a whole. Six turns have no customer reply:
    # no filler stands for it.
    assert html.count('class="call-turn call-silent') == 1
    assert "(no one spoke)" not in html
    assert "(no reply)" not in html


def test_call_page_shows_every_uploaded_contact_field(admin_client, record, call_payload):
    call_payload["callee"]["loan_product"] = "Gadget 12m"
    call_payload["callee"]["agent_note"] = "call after 5pm"
    call = record(call_payload)

    response = admin_client.get(page_url(call))

    fields = {f.key: f for f in response.context["contact_fields"]}
    # AI Rudder's documented fields in its order, then the others by name.
    assert list(fields) == [*CONTACT_LABELS, "agent_note", "loan_product"]
    assert fields["extra"].table.columns == ["Question", "Content"]
    assert fields["extra"].table.rows == [["extra_d", "d"]]
    assert ("variables.extra_d", "d") in fields["extend"].pairs
    assert ("detail_source", "web") in fields["extend"].pairs
    assert fields["borrowed_date"].value == "2024-02-01"
    assert fields["total_owing_amount"].value == "20310.00"
    assert fields["currency_unit"].value == "USD"
    html = text_of(response)
    assert "Contact as uploaded" in html
    assert "<td>extra_d</td><td>d</td>" in html
    assert "variables.extra_d" in html
    assert "Gadget 12m" in html


def test_call_page_lists_the_node_pushes_with_their_custom_attributes(
    admin_client, record, stored_push, call_payload
):
    call = record(call_payload, call_id="c1")
    second = copy.deepcopy(call_payload)
    second["call"]["call_id"] = "c1"
    second["node_id"], second["node_name"] = "node-3", "API3"
    second["custom_attribute"] = {"stage": "after-review"}
    event = stored_push(second, received_at=datetime(2024, 3, 11, 9, 5, tzinfo=UTC))
    webhook_event_process(event_id=event.pk)

    response = admin_client.get(page_url(call))

    rows = response.context["node_push_rows"]
    assert [(r.push.node_name, r.custom_attribute) for r in rows] == [
        ("API2", [("a", "1"), ("b", "2")]),
        ("API3", [("stage", "after-review")]),
    ]
    html = text_of(response)
    assert "f878645926xxxxxxxxb0b779ba254" in html
    assert "after-review" in html


def test_unanswered_call_page_says_there_is_no_transcript(admin_client, record, call_payload):
    call = record(unanswered(call_payload))

    html = text_of(admin_client.get(page_url(call)))

    assert "Dialogue (0 turns)" in html
    assert "the call was not answered" in html


def test_customer_text_is_escaped_everywhere(admin_client, record, call_payload):
    call_payload["call"]["asr_result"][0]["robottext"] = f"robot {SCRIPT}"
    call_payload["call"]["asr_result"][0]["text"] = f"customer {SCRIPT}"
    call_payload["callee"]["callee_name"] = f"name {SCRIPT}"
    call_payload["callee"]["extra"][0]["Content"] = f"extra {SCRIPT}"
    call_payload["callee"]["extend"]["variables"]["extra_d"] = f"variable {SCRIPT}"
    call_payload["call"]["question_answer"][0]["answer_text"] = f"answer {SCRIPT}"
    call_payload["call"]["multi_label"]["A0"] = f"label {SCRIPT}"
    call_payload["custom_attribute"]["a"] = f"attribute {SCRIPT}"
    call_payload["call"]["intention"] = f"<b>{SCRIPT}</b>"
    call = record(call_payload)

    for url in [page_url(call), LIST_URL]:
        html = text_of(admin_client.get(url))
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    html = text_of(admin_client.get(page_url(call)))
    for where in ["robot", "customer", "name", "extra", "variable", "answer", "label", "attribute"]:
        assert f"{where} &lt;script&gt;" in html


# --- read-only --------------------------------------------------------------------------------


def test_nobody_adds_or_changes_call_results_not_even_a_superuser(
    admin_client, admin_user, record, call_payload
):
    call = record(call_payload)

    assert admin_client.get(reverse("admin:calls_app_callresult_add")).status_code == 403
    response = admin_client.post(page_url(call), {"intention": "Z"})
    assert response.status_code == 403
    call.refresh_from_db()
    assert call.intention == "E"
    form = text_of(admin_client.get(page_url(call))).split('id="callresult_form"')[1]
    form = form.split("</form>")[0]
    assert 'name="_save"' not in form
    assert "<textarea" not in form
    assert 'type="text"' not in form


def test_delete_follows_permissions(client, staff, record, call_payload):
    call = record(call_payload)
    delete_url = reverse("admin:calls_app_callresult_delete", args=[call.pk])
    user = staff(client, "calls_app.view_callresult")

    assert client.get(page_url(call)).status_code == 200
    assert client.post(delete_url, {"post": "yes"}).status_code == 403

    user.user_permissions.add(Permission.objects.get(codename="delete_callresult"))
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not CallResult.objects.exists()


def test_staff_without_view_permission_cannot_see_calls(client, staff, record, call_payload):
    call = record(call_payload)
    staff(client)

    assert client.get(LIST_URL).status_code == 403
    assert client.get(page_url(call)).status_code == 403


# --- customer details -------------------------------------------------------------------------


def test_numbers_and_name_are_masked_without_the_contact_details_permission(
    client, staff, record, call_payload
):
    call = record(call_payload)
    staff(client, "calls_app.view_callresult")

    for url in [LIST_URL, page_url(call)]:
        html = text_of(client.get(url))
        assert "WILL SMITH" not in html
        assert "W••• S••••" in html
        assert "+86xxxxxx5721" not in html
    html = text_of(client.get(page_url(call)))
    assert "+861xxxxxxxx5721" not in html
    assert "+822xxxxxxxx2795" not in html
    # Searching by the full number still finds the call.
    assert listed(client, "q=%2B86xxxxxx5721") == {call.call_id}


def test_numbers_and_name_are_shown_with_the_contact_details_permission(
    client, staff, record, call_payload
):
    call = record(call_payload)
    staff(client, "calls_app.view_callresult", "integrations.view_contact_details")

    html = text_of(client.get(page_url(call)))

    for value in ["WILL SMITH", "+86xxxxxx5721", "+861xxxxxxxx5721", "+822xxxxxxxx2795"]:
        assert value in html


def test_call_page_links_to_the_customer_history(admin_client, record, call_payload):
    call = record(call_payload)

    html = text_of(admin_client.get(page_url(call)))

    url = reverse("customers:history")
    assert f'href="{url}?call={call.pk}">All contacts with this customer<' in html
    assert ">Customer history<" not in html  # not a look-alike of Django's "History"


def test_long_call_duration_has_hours(admin_client, record, call_payload):
    start = datetime(2024, 3, 11, 15, 0, 0)
    call = record(
        call_payload,
        call_start_time=f"{start:%Y-%m-%d %H:%M:%S}",
        call_end_time=f"{start + timedelta(hours=1, minutes=2, seconds=5):%Y-%m-%d %H:%M:%S}",
    )

    assert "1 h 2 min" in text_of(admin_client.get(page_url(call)))


# --- the dashboard's drill-downs ----------------------------------------------------------------


def _callresult_filter_ids(params: dict) -> set[str]:
    filterset = CallResultFilter(QueryDict(query(params)), queryset=CallResult.objects.all())
    assert filterset.is_valid(), filterset.errors
    return {call.call_id for call in filterset.qs}


def _sidebar(response, title: str) -> list[dict]:
    cl = response.context["cl"]
    spec = next(spec for spec in cl.filter_specs if spec.title == title)
    return list(spec.choices(cl))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"intention": ["__blank__"]}, {"call-004", "call-008", "call-012"}),
        (
            {"workflow_id": [W2], "intention": ["E", "F"]},
            {"call-007", "call-009", "call-010"},
        ),
    ],
    ids=["blank intention", "two intentions"],
)
def test_drill_down_by_intention(admin_client, dataset, params, expected):
    response = admin_client.get(admin_changelist_url(CallResult, params))

    assert _callresult_filter_ids(params) == expected
    assert {call.call_id for call in response.context["cl"].result_list} == expected
    # The sidebar shows the same selection, and its links speak the same parameters.
    selected = [c["display"] for c in _sidebar(response, "intention") if c["selected"]]
    assert selected == ["(none)" if v == "__blank__" else v for v in params["intention"]]


@pytest.mark.parametrize(
    ("title", "name", "values", "displays"),
    [
        ("intention", "intention", ["__blank__", "B"], ["(none)", "B"]),
        ("hangup type", "hangup_type", ["ByRobot", "Canceled"], ["ByRobot", "Canceled"]),
        ("ring type", "ring_type", ["busy", "newtype"], ["busy", "newtype"]),
        ("robot id", "robot_id", ["5000"], ["5000"]),
    ],
)
def test_sidebars_speak_the_filtersets_parameters(
    admin_client, dataset, title, name, values, displays
):
    choices = _sidebar(admin_client.get(LIST_URL), title)
    link = next(c["query_string"] for c in choices if c["display"] == displays[0])
    response = admin_client.get(admin_changelist_url(CallResult, {name: values}))

    assert link == f"?{name}={values[0]}"
    expected = _callresult_filter_ids({name: values})
    assert expected
    assert {call.call_id for call in response.context["cl"].result_list} == expected
    assert [c["display"] for c in _sidebar(response, title) if c["selected"]] == displays


def test_only_indexed_columns_sort_and_the_list_is_read_once(admin_client, dataset):
    """Sorting by start time or duration (indexed); the other columns are filters. The list's
    queries run once per page view, though the admin builds its list to check the filters."""
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(LIST_URL, {"intention": "E"})
    sortable = {h["text"] for h in result_headers(response.context["cl"]) if h["sortable"]}
    assert sortable == {"start time", "duration"}
    statements = [q["sql"] for q in queries]
    assert len(statements) == len(set(statements)), "a query ran twice"
    assert admin_client.get(LIST_URL, {"o": "-10"}).status_code == 200
    by_hand = admin_client.get(LIST_URL, {"o": "6"})  # intention: not sortable, not sorted
    ordering = by_hand.context["cl"].queryset.query.order_by
    assert not any("intention" in str(term) for term in ordering), ordering
