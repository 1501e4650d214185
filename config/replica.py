"""Reading from a replica (``DATABASE_REPLICA_URL``): which requests may, and the router.

Pages and APIs that only read (the dashboard, ``/api/``, admin lists and their CSV exports)
read from the replica; everything else, and every request of a user who wrote in the last
``AIRUDDER_REPLICA_PIN_SECONDS`` (a replay, an erasure: they must see what they did), reads from
the primary. Writes always go to the primary; workers and webhooks never read the replica.
"""

import contextvars
import re
import time

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PIN_COOKIE = "airudder_primary_until"
# Who the user is and may do: small keyed reads, and a login must count at once.
PRIMARY_ONLY = {"auth", "sessions", "contenttypes", "authtoken", "admin"}
# While a request may read the replica: how deep the primary's transactions were when it began
# (``None``: it may not). A transaction opened since holds writes the replica does not have.
_reading = contextvars.ContextVar("airudder_replica_reads", default=None)
# Read-only surfaces: the dashboard and its CSV, the read API (not its schema), admin lists.
_SURFACES = re.compile(r"^/(dashboard/|api/(?!schema|docs)|admin/[a-z_]+/[a-z_]+/(export-csv/)?$)")


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """Reads go to the replica inside a replica-reading request, unless the primary is in the
    middle of a transaction (what it wrote is not on the replica yet)."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_ONLY:
            return "default"
        depth = _reading.get()
        if depth is not None and len(connections["default"].atomic_blocks) <= depth:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, copied

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica is migrated by replication


class ReplicaReadsMiddleware:
    """Marks the requests that read from the replica, and pins a writer to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        pinned = float(request.COOKIES.get(PIN_COOKIE) or 0) > time.time()
        reads = (
            request.method in ("GET", "HEAD")
            and not pinned
            and bool(_SURFACES.match(request.path_info))
        )
        token = _reading.set(len(connections["default"].atomic_blocks) if reads else None)
        try:
            response = self.get_response(request)
        finally:
            _reading.reset(token)
        if replica_configured() and request.method not in ("GET", "HEAD", "OPTIONS"):
            until = time.time() + settings.AIRUDDER_REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                f"{until:.0f}",
                max_age=settings.AIRUDDER_REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response
