"""Admin lists of large tables are counted from the planner's estimate, filtered ones exactly."""

import pytest
from django.db import connection
from django.urls import reverse

from calls_app.models import CallResult
from integrations import pagination
from integrations.pagination import EstimatedCountPaginator

pytestmark = pytest.mark.django_db


def test_a_filtered_list_is_never_estimated():
    paginator = EstimatedCountPaginator(CallResult.objects.filter(answered=True), 100)

    assert paginator._estimate() is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reltuples is PostgreSQL's")
def test_an_unfiltered_list_uses_reltuples_on_postgresql(dataset, monkeypatch):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE calls_app_callresult")
    monkeypatch.setattr(pagination, "EXACT_BELOW", 1)
    paginator = EstimatedCountPaginator(CallResult.objects.all(), 100)

    assert paginator._estimate() == CallResult.objects.count()
    assert paginator.count == CallResult.objects.count()


def test_the_admin_list_shows_the_estimate_of_a_large_table(admin_client, monkeypatch, dataset):
    monkeypatch.setattr(pagination, "EXACT_BELOW", 1)
    monkeypatch.setattr(EstimatedCountPaginator, "_estimate", lambda self: 123456)

    response = admin_client.get(reverse("admin:calls_app_callresult_changelist"))

    assert response.context["cl"].result_count == 123456
