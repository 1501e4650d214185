"""A list sorted up or down breaks ties by id the same way, as its index is laid out."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

DURATION = "10"  # the duration column of the call list (after the selection box and 9 others)


@pytest.mark.parametrize(
    ("o", "order"),
    [(DURATION, ("talk_seconds", "pk")), (f"-{DURATION}", ("-talk_seconds", "-pk"))],
)
def test_the_tie_break_follows_the_sort(admin_client, o, order):
    response = admin_client.get(reverse("admin:calls_app_callresult_changelist"), {"o": o})
    assert response.context["cl"].queryset.query.order_by == order
