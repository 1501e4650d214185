"""A trigram index for the events list's search (its dedup key), on PostgreSQL only.

Built concurrently, so the webhook keeps storing deliveries while it builds (hence not atomic).
"""

from django.db import migrations

from records.search import TrigramIndex, postgresql_indexes


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("integrations", "0007_endpoint_default_country")]

    operations = [
        postgresql_indexes(
            "integrations",
            "WebhookEvent",
            [TrigramIndex("event_dedup_key_trgm", "dedup_key")],
        )
    ]
