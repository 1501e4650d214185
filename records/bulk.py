"""Saving many records of one model in two statements, with a signal for the whole batch."""

from contextlib import contextmanager

from django.utils import timezone

from records.signals import rows_saved, rows_saving


@contextmanager
def bulk_saving(model, created: list, replaced: list, fields: list[str]):
    """Insert ``created`` and update ``fields`` of ``replaced``; the caller then writes their
    related rows inside the block. ``rows_saving`` and ``rows_saved`` are sent around it: the
    dashboard's rollups listen to them."""
    rows = created + replaced
    rows_saving.send(model, rows=rows)
    model.objects.bulk_create(created)
    if replaced:
        now = timezone.now()
        for row in replaced:
            row.updated_at = now
        model.objects.bulk_update(replaced, [*fields, "updated_at"])
    yield
    rows_saved.send(model, rows=rows)
