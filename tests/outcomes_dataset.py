"""One dataset of calls and chat sessions for every surface of issue 4 (filters, API, outcomes,
dashboard, CSV, admin lists), recorded from AI Rudder's example payloads through the real
services, so that each surface can be checked against the same records.

Each record is described by a spec (a plain dict); tests compute the expected records from the
specs in Python, independently of the FilterSets they check. Times are UTC (no webhook event, so
the services read call times in UTC); ``local_day`` turns them into days of the project's
``TIME_ZONE`` the way the filters must.

Import the fixtures into a test module: ``from tests.outcomes_dataset import dataset  # noqa``.
"""

import copy
import datetime as dt
import zoneinfo
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.db import transaction

from calls_app.services import call_result_record
from collections_app.services import collections_record
from sessions_app.services import chat_session_record
from tests.conftest import CALL_EXAMPLE, CHAT_EXAMPLE

W1, W2, W3 = "wf-collect-0001", "wf-remind-0002", "wf-survey-0003"
WORKFLOW_NAMES = {W1: "Collections", W2: "Reminders", W3: "Survey"}

# A customer number, in full; masked it must never appear.
FULL_NUMBER = "+6281234569092"
FULL_NAME = "WILL SMITH"


def _call(
    call_id,
    workflow,
    start,
    *,
    talk=60,
    intention="E",
    hangup="ByCallee",
    ring="normal",
    robot="4496",
    callee=None,
    contact=None,
    case=None,
    name=FULL_NAME,
    rounds=3,
):
    return {
        "call_id": call_id,
        "workflow": workflow,
        "start": start,
        "talk": talk,
        "answered": bool(start) and talk > 0,
        "intention": intention,
        "hangup_type": hangup,
        "ring_type": ring,
        "robot_id": robot,
        "callee_number": callee if callee is not None else f"+62812000{call_id[-3:]}",
        "contact_number": contact if contact is not None else f"+62812000{call_id[-3:]}",
        "case_id": case if case is not None else f"case-{call_id}",
        "callee_name": name,
        "talk_round": rounds,
    }


CALLS = [
    _call(
        "call-001",
        W1,
        "2025-04-10 09:00:00",
        intention="E",
        callee=FULL_NUMBER,
        contact=FULL_NUMBER,
    ),
    _call("call-002", W1, "2025-04-10 10:00:00", intention="E", talk=120, rounds=5),
    _call("call-003", W1, "2025-04-11 11:00:00", intention="F", hangup="ByRobot"),
    _call(
        "call-004",
        W1,
        "2025-04-12 12:00:00",
        talk=0,
        intention="",
        hangup="Canceled",
        ring="busy",
        rounds=0,
    ),
    _call("call-005", W1, "2025-04-13 13:00:00", intention="A", robot="5000"),
    # 20:00 UTC is already the 15th in Asia/Jakarta (UTC+7).
    _call(
        "call-006",
        W1,
        "2025-04-14 20:00:00",
        intention="E",
        contact="+6289900000066",
        case="case-shared",
    ),
    _call("call-007", W2, "2025-04-10 08:00:00", intention="E", robot="5000"),
    _call(
        "call-008",
        W2,
        "2025-04-11 08:30:00",
        talk=0,
        intention="",
        hangup="Canceled",
        ring="switchoff",
        rounds=0,
    ),
    _call("call-009", W2, "2025-04-12 09:30:00", intention="F", hangup="ByRobot", talk=30),
    _call("call-010", W2, "2025-04-15 23:59:59", intention="E", case="case-shared"),
    _call("call-011", W2, "2025-04-16 00:00:00", intention="B", ring="newtype"),
    _call(
        "call-012",
        W3,
        "2025-04-13 07:00:00",
        talk=0,
        intention="",
        hangup="Canceled",
        ring="busy",
        rounds=0,
        name="Siti Aminah",
    ),
    _call("call-013", W3, "2025-04-16 06:00:00", intention="E", hangup="ByRobot"),
    # AI Rudder left the times out: no day, never in a date range, still listed.
    _call("call-014", W3, "", talk=0, intention="F"),
]


def _session(
    call_id,
    workflow,
    end,
    *,
    minutes=5,
    end_reason="robot",
    intention="E",
    handed_over=False,
    channel="WhatsApp",
    robot="4755",
    callee=None,
    rounds=3,
):
    return {
        "call_id": call_id,
        "workflow": workflow,
        "end": end,
        "minutes": minutes,
        "end_reason": end_reason,
        "intention": intention,
        # An agent ending the conversation is a hand-over too.
        "handed_over": handed_over or end_reason == "agent",
        "channel": channel,
        "robot_id": robot,
        "callee": callee if callee is not None else f"+62899000{call_id[-3:]}",
        "talk_round": rounds,
    }


SESSIONS = [
    _session("chat-001", W1, "2025-04-10T06:41:09Z", intention="E", callee=FULL_NUMBER),
    _session("chat-002", W1, "2025-04-10T12:00:00Z", end_reason="agent", intention="F"),
    _session(
        "chat-003", W1, "2025-04-11T12:00:00Z", end_reason="user", intention="", handed_over=True
    ),
    _session(
        "chat-004",
        W1,
        "2025-04-14T20:30:00Z",
        end_reason="expire",
        intention="E",
        channel="Messenger",
    ),
    _session(
        "chat-005", W2, "2025-04-12T01:00:00Z", end_reason="robot", intention="A", robot="4800"
    ),
    _session(
        "chat-006",
        W2,
        "2025-04-13T01:00:00Z",
        end_reason="error",
        intention="",
        channel="Messenger",
    ),
    _session(
        "chat-007", W2, "2025-04-15T23:59:59Z", end_reason="robot", intention="E", handed_over=True
    ),
    _session(
        "chat-008", W3, "2025-04-16T00:00:00Z", end_reason="agent", intention="E", robot="4800"
    ),
    _session("chat-009", W3, "", end_reason="robot", intention="F"),
]


def _utc(text: str) -> dt.datetime | None:
    if not text:
        return None
    if text.endswith("Z"):
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def local_day(moment: dt.datetime | None) -> dt.date | None:
    """The day of ``moment`` in the project's time zone, as the filters read ``date_from``."""
    if moment is None:
        return None
    return moment.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()


def call_moment(spec: dict) -> dt.datetime | None:
    return _utc(spec["start"])


def session_moment(spec: dict) -> dt.datetime | None:
    return _utc(spec["end"])


def call_payload_for(spec: dict) -> dict:
    payload = copy.deepcopy(CALL_EXAMPLE)
    payload["workflow_id"] = spec["workflow"]
    payload["workflow_name"] = WORKFLOW_NAMES[spec["workflow"]]
    call = payload["call"]
    start = call_moment(spec)
    call["call_id"] = spec["call_id"]
    if start is None:
        del call["call_start_time"], call["call_end_time"]
    else:
        end = start + dt.timedelta(seconds=spec["talk"])
        call["call_start_time"] = start.strftime("%Y-%m-%d %H:%M:%S")
        call["call_end_time"] = end.strftime("%Y-%m-%d %H:%M:%S")
    call.update(
        intention=spec["intention"],
        hangup_type=spec["hangup_type"],
        ring_type=spec["ring_type"],
        robot_id=spec["robot_id"],
        callee_number=spec["callee_number"],
        talk_round=spec["talk_round"],
    )
    payload["callee"].update(
        callee_number=spec["contact_number"],
        case_id=spec["case_id"],
        callee_name=spec["callee_name"],
    )
    for redial in call["redial_call"]:
        redial["callee_number"] = spec["callee_number"]
    return payload


def _without_agent(messages: list[dict]) -> list[dict]:
    return [
        m
        for m in messages
        if m["sender_type"] != "agent"
        and (m["content"].get("system") or {}).get("type") != "conversation.take_over"
    ]


def session_payload_for(spec: dict) -> dict:
    payload = copy.deepcopy(CHAT_EXAMPLE)
    end = session_moment(spec)
    payload.update(
        workflow_id=spec["workflow"],
        workflow_name=WORKFLOW_NAMES[spec["workflow"]],
        call_id=spec["call_id"],
        session_end_reason=spec["end_reason"],
        intention=spec["intention"],
        channel=spec["channel"],
        robot_id=spec["robot_id"],
        callee=spec["callee"],
        talk_round=spec["talk_round"],
    )
    if end is None:
        del payload["session_start_time"], payload["session_end_time"]
    else:
        start = end - dt.timedelta(minutes=spec["minutes"])
        payload["session_start_time"] = start.strftime("%Y-%m-%dT%H:%M:%SZ")
        payload["session_end_time"] = end.strftime("%Y-%m-%dT%H:%M:%SZ")
    if not spec["handed_over"]:
        payload["messages"] = _without_agent(payload["messages"])
    # The shared contact in the example carries this customer's own number and name.
    for message in payload["messages"]:
        if message["content"].get("type") == "contacts":
            message["content"]["contacts"] = [{"name": FULL_NAME, "phone_number": FULL_NUMBER}]
    return payload


@dataclass(frozen=True)
class Dataset:
    calls: list[dict]
    sessions: list[dict]

    def call_ids(self, predicate) -> set[str]:
        return {spec["call_id"] for spec in self.calls if predicate(spec)}

    def session_ids(self, predicate) -> set[str]:
        return {spec["call_id"] for spec in self.sessions if predicate(spec)}

    def ids(self, kind: str, predicate) -> set[str]:
        """``kind`` is ``"calls"`` or ``"sessions"``."""
        return {spec["call_id"] for spec in getattr(self, kind) if predicate(spec)}


def dataset_record() -> Dataset:
    # As the inbox records them: each call and session, then what collections reads of it.
    for spec in CALLS:
        call = call_result_record(payload=call_payload_for(spec))
        collections_record(call)
    for spec in SESSIONS:
        session = chat_session_record(payload=session_payload_for(spec))
        collections_record(session)
    return Dataset(calls=CALLS, sessions=SESSIONS)


def _rows_by_model() -> dict:
    return {
        model: {obj.pk: obj for obj in model._base_manager.all()}
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


@dataclass(frozen=True)
class Rows:
    """Rows of each model, as inserted: one ``INSERT`` per table, its values ready for the
    database (``get_db_prep_save``, as the ORM's own ``INSERT`` prepares them)."""

    tables: list[tuple[str, list[tuple]]]


def rows_recorded(record) -> Rows:
    """The rows ``record()`` writes, recorded in a transaction that is rolled back."""
    from django.db import connection

    with transaction.atomic():
        before = _rows_by_model()
        record()
        tables = []
        for model, rows in _rows_by_model().items():
            new = [obj for pk, obj in rows.items() if pk not in before[model]]
            if new:
                fields = model._meta.concrete_fields
                sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - the models' own names
                    connection.ops.quote_name(model._meta.db_table),
                    ", ".join(connection.ops.quote_name(f.column) for f in fields),
                    ", ".join(["%s"] * len(fields)),
                )
                values = [
                    tuple(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields)
                    for obj in new
                ]
                tables.append((sql, values))
        transaction.set_rollback(True)
    return Rows(tables)


def rows_insert(rows: Rows) -> None:
    # Foreign keys are checked when the test's transaction ends, so the order does not matter.
    from django.db import connection

    with connection.cursor() as cursor:
        for sql, values in rows.tables:
            cursor.executemany(sql, values)


@pytest.fixture(scope="session")
def dataset_rows(django_db_setup, django_db_blocker) -> Rows:
    """The rows the real services write for the dataset, recorded once per test process.

    They are recorded in a transaction that is rolled back, and each test that asks for the
    dataset inserts these same rows again (in its own transaction): recording it through the
    services took a third of a second per test, inserting the rows takes a few milliseconds.
    """
    with django_db_blocker.unblock():
        return rows_recorded(dataset_record)


@pytest.fixture
def dataset(db, dataset_rows) -> Dataset:
    rows_insert(dataset_rows)
    return Dataset(calls=CALLS, sessions=SESSIONS)


def user_with(username: str, *permissions: str) -> User:
    """An active staff user with exactly ``permissions`` (``app_label.codename``)."""
    user = User.objects.create_user(username, password="pw-not-used", is_staff=True)
    for name in permissions:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return User.objects.get(pk=user.pk)  # a fresh instance: no stale permission cache


MANAGER_PERMISSIONS = (
    "calls_app.view_callresult",
    "sessions_app.view_chatsession",
    "dashboard.view_dashboard",
    "integrations.export_csv",
)


@pytest.fixture
def manager(db) -> User:
    """Sees the dashboard and exports, but customer details only masked."""
    return user_with("manager", *MANAGER_PERMISSIONS)


@pytest.fixture
def manager_with_details(db) -> User:
    return user_with("manager-details", *MANAGER_PERMISSIONS, "integrations.view_contact_details")


# --- Filter cases: query parameters and, independently, the records they must select -----------


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _call_day(spec):
    return local_day(call_moment(spec))


def _session_day(spec):
    return local_day(session_moment(spec))


def _between(day, first=None, last=None) -> bool:
    return day is not None and (first is None or day >= first) and (last is None or day <= last)


CALL_CASES = {
    "no filter": ({}, lambda s: True),
    "date_from": (
        {"date_from": "2025-04-12"},
        lambda s: _between(_call_day(s), _day("2025-04-12")),
    ),
    "date_to": (
        {"date_to": "2025-04-11"},
        lambda s: _between(_call_day(s), None, _day("2025-04-11")),
    ),
    "date range": (
        {"date_from": "2025-04-11", "date_to": "2025-04-14"},
        lambda s: _between(_call_day(s), _day("2025-04-11"), _day("2025-04-14")),
    ),
    "one day": (
        {"date_from": "2025-04-15", "date_to": "2025-04-15"},
        lambda s: _between(_call_day(s), _day("2025-04-15"), _day("2025-04-15")),
    ),
    "workflow_id": ({"workflow_id": W2}, lambda s: s["workflow"] == W2),
    "two workflows": ({"workflow_id": [W1, W3]}, lambda s: s["workflow"] in (W1, W3)),
    "intention": ({"intention": "E"}, lambda s: s["intention"] == "E"),
    "blank intention": ({"intention": "__blank__"}, lambda s: s["intention"] == ""),
    "two intentions": ({"intention": ["E", "F"]}, lambda s: s["intention"] in ("E", "F")),
    "hangup_type": ({"hangup_type": "Canceled"}, lambda s: s["hangup_type"] == "Canceled"),
    "ring_type": ({"ring_type": "busy"}, lambda s: s["ring_type"] == "busy"),
    "unknown ring_type": ({"ring_type": "newtype"}, lambda s: s["ring_type"] == "newtype"),
    "answered": ({"answered": "true"}, lambda s: s["answered"]),
    "not answered": ({"answered": "false"}, lambda s: not s["answered"]),
    "robot_id": ({"robot_id": "5000"}, lambda s: s["robot_id"] == "5000"),
    "callee, dialled": (
        {"callee": FULL_NUMBER},
        lambda s: FULL_NUMBER in (s["callee_number"], s["contact_number"]),
    ),
    "callee, as uploaded": ({"callee": "+6289900000066"}, lambda s: s["call_id"] == "call-006"),
    "callee, + lost in a typed URL": (
        {"callee": "6281234569092"},
        lambda s: FULL_NUMBER in (s["callee_number"], s["contact_number"]),
    ),
    "callee, part of a number": ({"callee": "+62812"}, lambda s: False),
    "case_id": ({"case_id": "case-shared"}, lambda s: s["case_id"] == "case-shared"),
    "combined": (
        {"workflow_id": W1, "intention": "E", "date_from": "2025-04-10", "date_to": "2025-04-14"},
        lambda s: (
            s["workflow"] == W1
            and s["intention"] == "E"
            and _between(_call_day(s), _day("2025-04-10"), _day("2025-04-14"))
        ),
    ),
}

SESSION_CASES = {
    "no filter": ({}, lambda s: True),
    "date_from": (
        {"date_from": "2025-04-13"},
        lambda s: _between(_session_day(s), _day("2025-04-13")),
    ),
    "date_to": (
        {"date_to": "2025-04-10"},
        lambda s: _between(_session_day(s), None, _day("2025-04-10")),
    ),
    "date range": (
        {"date_from": "2025-04-11", "date_to": "2025-04-15"},
        lambda s: _between(_session_day(s), _day("2025-04-11"), _day("2025-04-15")),
    ),
    "workflow_id": ({"workflow_id": W1}, lambda s: s["workflow"] == W1),
    "intention": ({"intention": "E"}, lambda s: s["intention"] == "E"),
    "blank intention": ({"intention": "__blank__"}, lambda s: s["intention"] == ""),
    "end_reason": ({"end_reason": "agent"}, lambda s: s["end_reason"] == "agent"),
    "two end reasons": (
        {"end_reason": ["user", "expire"]},
        lambda s: s["end_reason"] in ("user", "expire"),
    ),
    "handed_over": ({"handed_over": "true"}, lambda s: s["handed_over"]),
    "not handed_over": ({"handed_over": "false"}, lambda s: not s["handed_over"]),
    "channel": ({"channel": "Messenger"}, lambda s: s["channel"] == "Messenger"),
    "robot_id": ({"robot_id": "4800"}, lambda s: s["robot_id"] == "4800"),
    "callee": ({"callee": FULL_NUMBER}, lambda s: s["callee"] == FULL_NUMBER),
    "callee, + lost in a typed URL": (
        {"callee": "6281234569092"},
        lambda s: s["callee"] == FULL_NUMBER,
    ),
    "combined": (
        {"workflow_id": W2, "handed_over": "false", "date_from": "2025-04-11"},
        lambda s: (
            s["workflow"] == W2
            and not s["handed_over"]
            and _between(_session_day(s), _day("2025-04-11"))
        ),
    ),
}

CASES = {"calls": CALL_CASES, "sessions": SESSION_CASES}


def kind_cases(only: set[str] | None = None) -> list:
    """``(kind, case)`` parameters over both kinds' cases (those using ``only`` parameters)."""
    return [
        pytest.param(kind, case, id=f"{kind}-{case}")
        for kind, cases in CASES.items()
        for case, (params, _) in cases.items()
        if only is None or set(params) <= only
    ]


# The parameters the dashboard itself offers (the others reach it only through links).
DASHBOARD_PARAMETERS = {"date_from", "date_to", "workflow_id", "robot_id", "channel"}


def query(params: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(params, doseq=True)


def api_pages(client, url) -> list[dict]:
    """Every row of a paginated API list, following its ``next`` links."""
    rows = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        rows += response.json()["results"]
        url = response.json()["next"]
    return rows
