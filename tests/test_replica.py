"""With DATABASE_REPLICA_URL, reading surfaces read the replica; writes, workers and whoever
just wrote read the primary."""

import sqlite3
import time

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.test import RequestFactory, override_settings
from django.utils import timezone

from calls_app.models import CallResult
from config import replica
from integrations.models import Workflow

ROUTER = ["config.replica.ReplicaRouter"]


def _reads(path: str, method: str = "get", **cookies) -> bool:
    """Whether the middleware lets ``path`` read the replica."""
    request = getattr(RequestFactory(), method)(path)
    request.COOKIES.update(cookies)
    seen = {}

    def view(request):
        seen["reads"] = replica._reading.get() is not None
        from django.http import HttpResponse

        return HttpResponse()

    replica.ReplicaReadsMiddleware(view)(request)
    return seen["reads"]


@pytest.mark.parametrize(
    ("path", "method", "reads"),
    [
        ("/dashboard/", "get", True),
        ("/dashboard/table/call-daily.csv", "get", True),
        ("/api/calls/", "get", True),
        ("/api/outcomes/", "head", True),
        ("/admin/calls_app/callresult/", "get", True),
        ("/admin/calls_app/callresult/export-csv/", "get", True),
        ("/api/schema/", "get", False),
        ("/admin/calls_app/callresult/7/change/", "get", False),
        ("/admin/integrations/webhookevent/", "post", False),
        ("/webhooks/airudder/token/call-result/", "post", False),
    ],
)
def test_which_requests_read_the_replica(path, method, reads):
    assert _reads(path, method) is reads


def test_a_user_who_just_wrote_reads_the_primary():
    pinned = {replica.PIN_COOKIE: f"{time.time() + 5:.0f}"}
    expired = {replica.PIN_COOKIE: f"{time.time() - 5:.0f}"}
    assert _reads("/dashboard/", **pinned) is False
    assert _reads("/dashboard/", **expired) is True


@pytest.fixture(scope="module")
def two_databases(tmp_path_factory, django_db_setup, django_db_blocker):
    """A second real database as the replica, migrated, holding a call the primary lacks."""
    name = str(tmp_path_factory.mktemp("replica") / "db.sqlite3")
    connections.settings[replica.REPLICA] = {
        **connections.settings["default"],
        "TEST": {"NAME": name, "MIRROR": None},
        "NAME": name,
        "ENGINE": "django.db.backends.sqlite3",
        "OPTIONS": {},
    }
    with django_db_blocker.unblock():
        primary = connections["default"]
        if primary.vendor == "sqlite":
            # A copy of the migrated primary (its migrations took seconds to run again).
            primary.ensure_connection()
            with sqlite3.connect(name) as copy:
                primary.connection.backup(copy)
            copy.close()
        else:
            call_command("migrate", database=replica.REPLICA, verbosity=0)
        workflow = Workflow.objects.using(replica.REPLICA).create(workflow_id="wf-replica")
        CallResult.objects.using(replica.REPLICA).create(
            call_id="only-on-the-replica", workflow=workflow, last_pushed_at=timezone.now()
        )
    yield
    connections[replica.REPLICA].close()
    del connections[replica.REPLICA]
    del connections.settings[replica.REPLICA]


BOTH = pytest.mark.django_db(databases=["default", replica.REPLICA])


@BOTH
@override_settings(DATABASE_ROUTERS=ROUTER)
def test_lists_read_the_replica_and_writes_the_primary(two_databases, admin_client):
    response = admin_client.get("/api/calls/")
    assert response.status_code == 200, response.content
    listed = response.json()["results"]
    assert [row["call_id"] for row in listed] == ["only-on-the-replica"]
    admin_client.post("/admin/calls_app/callresult/", {})  # a write: now it reads the primary
    assert replica.PIN_COOKIE in admin_client.cookies
    assert admin_client.get("/api/calls/").json()["results"] == []


@BOTH
@override_settings(DATABASE_ROUTERS=ROUTER)
def test_inside_a_write_transaction_reads_stay_on_the_primary(two_databases):
    token = replica._reading.set(len(connections["default"].atomic_blocks))
    try:
        assert CallResult.objects.filter(call_id="only-on-the-replica").exists()
        with transaction.atomic():
            assert not CallResult.objects.filter(call_id="only-on-the-replica").exists()
    finally:
        replica._reading.reset(token)
