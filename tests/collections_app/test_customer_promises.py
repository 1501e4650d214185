"""The customer page lists the customer's standing promises to pay, for those who may see them."""

import pytest

from calls_app.models import CallResult
from tests.outcomes_dataset import user_with

pytestmark = pytest.mark.django_db

SUPPORT = ("calls_app.view_callresult", "sessions_app.view_chatsession")


def test_the_customer_page_lists_the_promises_made(client, call):
    call("c-1", intention="A", description="Promise to pay", asr_ptp="2031-01-15", owing="500.00")
    call("c-2", intention="C", description="Refuses", number="+6281299990000", case="case-2")
    first = CallResult.objects.get(call_id="c-1")
    client.force_login(user_with("s", *SUPPORT, "collections_app.view_promise"))
    page = client.get("/admin/customers/history/", {"call": first.pk})
    (item,) = page.context["promises"]
    assert item["status"] == "Open" and item["amount"] == "$500.00"
    assert "pay by 2031-01-15" in page.content.decode()
    other = CallResult.objects.get(call_id="c-2")
    assert client.get("/admin/customers/history/", {"call": other.pk}).context["promises"] == []
    client.force_login(user_with("t", *SUPPORT))  # may not see promises
    assert client.get("/admin/customers/history/", {"call": first.pk}).context["promises"] == []
