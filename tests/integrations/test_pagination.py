"""Admin lists of large tables are counted from the planner's estimate, filtered ones exactly."""

import pytest
from django.db import connection
from django.urls import reverse

from calls_app.models import CallResult
from records import pagination
from records.pagination import EstimatedCountPaginator

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


def test_a_filtered_count_stops_after_the_last_page_shown(dataset, monkeypatch):
    monkeypatch.setattr(pagination, "MAX_PAGES", 2)
    calls = CallResult.objects.filter(answered=True)
    assert calls.count() > 4

    paginator = EstimatedCountPaginator(calls, 2)

    assert (paginator.count, paginator.num_pages, paginator.capped) == (4, 2, True)
    assert paginator.count_text == "more than 4"
    assert paginator.page(7).number == 2  # a later page is the last one shown
    assert list(paginator.page(7).object_list) == list(calls[2:4])


def test_a_count_within_the_pages_is_exact(dataset):
    paginator = EstimatedCountPaginator(CallResult.objects.filter(answered=True), 100)

    assert paginator.count == CallResult.objects.filter(answered=True).count()
    assert not paginator.capped and paginator.count_text == str(paginator.count)


def test_a_deep_page_of_the_admin_list_opens_the_last_page_shown(
    admin_client, monkeypatch, dataset
):
    from django.contrib import admin

    monkeypatch.setattr(pagination, "MAX_PAGES", 2)
    monkeypatch.setattr(admin.site._registry[CallResult], "list_per_page", 2)
    url = reverse("admin:calls_app_callresult_changelist")

    response = admin_client.get(url, {"answered__exact": "1", "p": "2000"})

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 2
    html = response.content.decode()
    assert "more than 4 call results" in html
    assert "The list shows its first 2 pages: filter or search to narrow it." in html
    assert 'href="?answered__exact=1&amp;p=3"' not in html  # no link past the last page


def test_an_estimated_count_says_so(admin_client, monkeypatch, dataset):
    monkeypatch.setattr(pagination, "EXACT_BELOW", 1)
    monkeypatch.setattr(EstimatedCountPaginator, "_estimate", lambda self: 123456)

    html = admin_client.get(reverse("admin:calls_app_callresult_changelist")).content.decode()

    assert "about 123,456 call results" in html
