"""Trigram indexes for the admin's search fields and phone keys, on PostgreSQL only.

Built concurrently, so a large table keeps taking calls while they build (hence not atomic).
"""

from django.db import migrations

from integrations.search import postgresql_indexes, trigram_index


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("calls_app", "0003_newest_first_indexes")]

    operations = [
        postgresql_indexes(
            "calls_app",
            "CallResult",
            [
                trigram_index("call_call_id_trgm", "call_id"),
                trigram_index("call_case_id_trgm", "case_id"),
                trigram_index("call_callee_name_trgm", "callee_name"),
                trigram_index("call_callee_key_trgm", "callee_number_key", case_insensitive=False),
                trigram_index(
                    "call_contact_key_trgm", "contact_number_key", case_insensitive=False
                ),
            ],
        )
    ]
