"""The filter parameters calls and chat sessions share, declared once.

Each domain's FilterSet subclasses ``RecordFilterSet``, names the datetime its days are read on
(``day_range``), its phone key fields, and adds its own parameters; so ``workflow_id``,
``intention``, ``robot_id`` and ``callee`` mean the same on both, on every surface.
"""

import django_filters

from records.filtering import BooleanFilter, DayFilter, ValuesFilter
from records.phones import phone_match
from records.reading import local_hour, local_weekday


def day_range(field_name: str, verb: str) -> tuple[DayFilter, DayFilter]:
    """``date_from`` and ``date_to``: an inclusive range of days of ``field_name``."""
    return (
        DayFilter(field_name=field_name, bound="from", label=f"{verb} on or after"),
        DayFilter(field_name=field_name, bound="to", label=f"{verb} on or before"),
    )


class RecordFilterSet(django_filters.FilterSet):
    """``workflow_id`` (AI Rudder's id), ``intention``, ``robot_id`` and ``callee``.

    ``callee`` is the customer's number however it is written (``records.phones``); masked
    users can use it too, since it matches only the full number. It compares the model's
    ``PHONE_KEY_FIELDS``.
    """

    workflow_id = ValuesFilter(field_name="workflow__workflow_id", label="Workflow id")
    intention = ValuesFilter(field_name="intention")
    robot_id = ValuesFilter(field_name="robot_id", label="Robot id")
    callee = django_filters.CharFilter(method="filter_callee", label="Customer's number")
    # How collections read the record (its contact: ``collections_app.models.Contact``).
    outcome_group = ValuesFilter(field_name="collections_contact__group", label="Outcome group")
    right_party = BooleanFilter(
        field_name="collections_contact__right_party", label="Right-party contact"
    )
    promise = BooleanFilter(field_name="collections_contact__promise", label="Promise to pay")
    hour = django_filters.ChoiceFilter(
        method="filter_time",
        choices=[(str(h), str(h)) for h in range(24)],
        label="Hour of the day (0-23)",
    )
    weekday = django_filters.ChoiceFilter(
        method="filter_time",
        choices=[(str(d), str(d)) for d in range(1, 8)],
        label="Weekday (1-7, Monday first)",
    )

    class Meta:
        fields = []

    def filter_time(self, queryset, name, value):
        """An hour or weekday of the records' time (their days' field), in the days' zone."""
        of_time = local_hour if name == "hour" else local_weekday
        field = self.filters["date_from"].field_name
        return queryset.annotate(**{f"_{name}": of_time(field)}).filter(**{f"_{name}": int(value)})

    def filter_callee(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(phone_match(value, self._meta.model.PHONE_KEY_FIELDS))
