"""Choices whose labels are their stored keys in words, declared on one line."""

from django.db import models


def worded_choices(name: str, keys: str, **labels: str) -> type[models.TextChoices]:
    """``TextChoices`` with one member per key of ``keys`` (space-separated), labelled with the
    key in words ("no_contact": "No contact") unless ``labels`` names another label."""
    return models.TextChoices(
        name,
        [
            (key.upper(), (key, labels.get(key) or key.replace("_", " ").capitalize()))
            for key in keys.split()
        ],
    )
