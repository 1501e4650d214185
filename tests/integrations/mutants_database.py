"""A test database for each of mutmut's test processes on PostgreSQL (``make mutation``, loaded
with ``-p tests.integrations.mutants_database``; nothing happens on SQLite).

mutmut runs pytest once in its own process, then forks a process per mutant, two at a time.
Two processes on one PostgreSQL test database would see each other's committed rows
(``transaction=True`` tests) and table locks (``test_fail_fast.py``). So each test session
takes the first free slot (an exclusive lock on a file, released when the session ends or its
process dies) and uses the test database ``test_<name>_<slot>``, kept between sessions
(``--reuse-db``). The first session creates the databases of ``SLOTS`` slots, before any
mutant runs: creating one from a mutant's process would outlast its time limit. A session
killed halfway (a mutant over its time limit) may leave committed rows: the next session of
its slot empties the tables first. See docs/mutation.md.
"""

import fcntl
import itertools
import os
import tempfile
from pathlib import Path

# As many as ``mutmut run --max-children`` in the Makefile; more are created when needed.
SLOTS = int(os.environ.get("MUTATION_DATABASES", "2"))

_base_name = ""  # the configured database's name, before Django's test runner renames it
_slot_file = None


def _database():
    from django.conf import settings

    database = settings.DATABASES["default"]
    return database if database["ENGINE"] == "django.db.backends.postgresql" else None


def _test_name(slot: int) -> str:
    return f"test_{_base_name}_{slot}"


def _take_slot() -> tuple[int, bool]:
    """The first slot no other process holds, and whether its last session ended unfinished."""
    global _slot_file
    folder = Path(tempfile.gettempdir())
    for slot in itertools.count():
        file = (folder / f"{_base_name}-{slot}.lock").open("a+")
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.close()
            continue
        file.seek(0)
        unfinished = file.read() == "running"
        file.truncate(0)
        file.write("running")
        file.flush()
        _slot_file = file
        return slot, unfinished


def _empty_tables(test_name: str) -> None:
    import psycopg
    from django.db import connection

    params = connection.get_connection_params()
    for name in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(name, None)
    params["dbname"] = test_name
    try:
        other = psycopg.connect(**params, autocommit=True)
    except psycopg.OperationalError:
        return  # not created yet: the session creates it empty
    with other:
        tables = [
            row[0]
            for row in other.execute(
                "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'django_migrations'"
            )
        ]
        if tables:
            other.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def _create_all(database: dict) -> None:
    from django.db import connection

    for slot in range(SLOTS):
        database["TEST"]["NAME"] = _test_name(slot)
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True)
        database["NAME"] = _base_name
        connection.close()


def pytest_sessionstart(session):
    global _base_name
    database = _database()
    if database is None:
        return
    database.setdefault("TEST", {})
    first = not _base_name
    if first:
        _base_name = database["NAME"]
    database["NAME"] = _base_name
    if first:
        from pytest_django.plugin import blocking_manager_key

        with session.config.stash[blocking_manager_key].unblock():
            _create_all(database)
    slot, unfinished = _take_slot()
    if unfinished:
        _empty_tables(_test_name(slot))
    database["TEST"]["NAME"] = _test_name(slot)


def pytest_sessionfinish(session):
    global _slot_file
    if _database() is None or _slot_file is None:
        return
    from django.db import connections

    # Nothing open is inherited by the next forked process, and the slot is free again.
    connections.close_all()
    _slot_file.seek(0)
    _slot_file.truncate(0)
    _slot_file.close()
    _slot_file = None
