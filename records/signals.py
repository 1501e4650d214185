"""Signals for rows written many at a time: bulk statements skip the model's own signals, and
one signal per batch lets a listener answer with one statement, not one per row."""

from django.dispatch import Signal

# Sent with ``sender`` (the model) and ``rows`` (its instances) just before they are written;
# rows already stored carry their primary key.
rows_saving = Signal()

# Sent with ``sender`` and ``rows`` once they are written (inside the writer's transaction).
rows_saved = Signal()
