"""A GIN index for the admin's text search (integrations.search), on PostgreSQL only.

The index is on the very expression the search filters on (``search_vector(...)``:
``to_tsvector('simple', COALESCE(...))``), so PostgreSQL uses it. SQLite searches with
``icontains`` and gets no index. Not in the model's Meta, so other databases never see it.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from records.search import search_vector

INDEX_NAME = "transcriptturn_text_search"
FIELDS = ["robot_text", "customer_text"]


def _index():
    return GinIndex(search_vector(*FIELDS), name=INDEX_NAME)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("calls_app", "TranscriptTurn"), _index())


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("calls_app", "TranscriptTurn"), _index())


class Migration(migrations.Migration):
    dependencies = [("calls_app", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
