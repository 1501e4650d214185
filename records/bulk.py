"""Saving many records of one model in two statements, with the signals bulk writes skip."""

from contextlib import contextmanager

from django.db import router
from django.db.models.signals import post_save, pre_save
from django.utils import timezone


@contextmanager
def bulk_saving(model, created: list, replaced: list, fields: list[str]):
    """Insert ``created`` and update ``fields`` of ``replaced``; the caller then writes their
    related rows inside the block. ``pre_save`` and ``post_save`` are sent by hand around it:
    the dashboard's rollups listen to them."""
    using = router.db_for_write(model)
    for row in created + replaced:
        pre_save.send(model, instance=row, raw=False, using=using, update_fields=None)
    model.objects.bulk_create(created)
    if replaced:
        now = timezone.now()
        for row in replaced:
            row.updated_at = now
        model.objects.bulk_update(replaced, [*fields, "updated_at"])
    yield
    for flag, group in ((True, created), (False, replaced)):
        for row in group:
            post_save.send(
                model, instance=row, created=flag, raw=False, using=using, update_fields=None
            )
