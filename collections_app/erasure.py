"""A customer's number health, for erasure and retention: it holds their number."""

from records.erasure import ErasurePart

from .models import NumberHealth


def number_health_erasure(key: str) -> ErasurePart:
    rows = NumberHealth.objects.filter(number_key=key)
    count = rows.count()
    return ErasurePart(counts={"number health": count}, apply=lambda: rows.delete())
