"""Trigram indexes for the admin's search field and phone key, on PostgreSQL only.

Built concurrently, so a large table keeps taking sessions while they build (hence not atomic).
"""

from django.db import migrations

from records.search import TrigramIndex, postgresql_indexes


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("sessions_app", "0004_robot_id_index")]

    operations = [
        postgresql_indexes(
            "sessions_app",
            "ChatSession",
            [
                TrigramIndex("session_call_id_trgm", "call_id"),
                TrigramIndex("session_callee_key_trgm", "callee_key", case_insensitive=False),
            ],
        )
    ]
