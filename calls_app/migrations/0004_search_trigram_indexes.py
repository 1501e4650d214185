"""Trigram indexes for the admin's search fields and phone keys, on PostgreSQL only.

Built concurrently, so a large table keeps taking calls while they build (hence not atomic).
"""

from django.db import migrations

from records.search import TrigramIndex, postgresql_indexes


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("calls_app", "0003_newest_first_indexes")]

    operations = [
        postgresql_indexes(
            "calls_app",
            "CallResult",
            [
                TrigramIndex("call_call_id_trgm", "call_id"),
                TrigramIndex("call_case_id_trgm", "case_id"),
                TrigramIndex("call_callee_name_trgm", "callee_name"),
                TrigramIndex("call_callee_key_trgm", "callee_number_key", case_insensitive=False),
                TrigramIndex(
                    "call_contact_key_trgm", "contact_number_key", case_insensitive=False
                ),
            ],
        )
    ]
