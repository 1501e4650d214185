"""The distinct values of a column, for filter choices, without reading the whole table
(a loose index scan on PostgreSQL; ``docs/design-notes.md``).
"""

from django.db import connections
from django.db.models import Exists, Model, OuterRef


def distinct_values(model: type[Model], field_name: str) -> list:
    """The values of ``field_name`` (a column, or ``relation__column``) that ``model``'s rows
    hold, ordered, ``None`` and ``""`` included when present."""
    relation, _, column = field_name.partition("__")
    if column:
        return _related_values(model, relation, column)
    manager = model._default_manager
    connection = connections[manager.db]
    if connection.vendor != "postgresql":
        return list(manager.order_by(field_name).values_list(field_name, flat=True).distinct())
    field = model._meta.get_field(field_name)
    table = connection.ops.quote_name(model._meta.db_table)
    col = connection.ops.quote_name(field.column)
    # The recursion stops at the last value; NULLs (which the index keeps apart) are asked
    # for separately.
    sql = f"""
        WITH RECURSIVE value AS (
            (SELECT {col} AS v FROM {table} WHERE {col} IS NOT NULL ORDER BY {col} LIMIT 1)
            UNION ALL
            SELECT (SELECT {col} FROM {table} WHERE {col} > value.v ORDER BY {col} LIMIT 1)
            FROM value WHERE value.v IS NOT NULL
        )
        SELECT v FROM value WHERE v IS NOT NULL
    """  # noqa: S608 - identifiers from the model's metadata, quoted; no user input
    with connection.cursor() as cursor:
        cursor.execute(sql)
        values = [row[0] for row in cursor.fetchall()]
        if field.null:
            cursor.execute(f"SELECT 1 FROM {table} WHERE {col} IS NULL LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                values.append(None)
    return values


def _related_values(model: type[Model], relation: str, column: str) -> list:
    field = model._meta.get_field(relation)
    related = field.related_model
    used = Exists(model._default_manager.filter(**{field.name: OuterRef("pk")}))
    return list(
        related._default_manager.filter(used)
        .order_by(column)
        .values_list(column, flat=True)
        .distinct()
    )
