"""A filter value a list cannot apply shows no records and says so in plain words, naming the
parameter (``answered__exact=maybe is not yes or no``), on the list and on its CSV export."""

import pytest
from django.contrib.messages import get_messages

from tests.outcomes_dataset import user_with

pytestmark = pytest.mark.django_db

CALLS = "/admin/calls_app/callresult/"
SESSIONS = "/admin/sessions_app/chatsession/"


@pytest.fixture
def support(client):
    user = user_with(
        "support", "calls_app.view_callresult", "sessions_app.view_chatsession",
        "integrations.export_csv",
    )  # fmt: skip
    client.force_login(user)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("url", "params", "said"),
    [
        (CALLS, "answered__exact=maybe", "answered__exact=maybe is not yes or no"),
        (SESSIONS, "handed_over__exact=maybe", "handed_over__exact=maybe is not yes or no"),
        (CALLS, "answered=maybe", "answered=maybe cannot be read: Enter true or false."),
        (CALLS, "date_from=yesterday", "date_from=yesterday cannot be read: Enter a valid date."),
        (CALLS, "started_at__year=soon", "started_at__year=soon is not a value"),
    ],
)
def test_an_unreadable_value_is_named_in_plain_words_and_shows_nothing(
    support, dataset, url, params, said
):
    response = support.get(f"{url}?{params}")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    texts = _messages(response)
    assert len(texts) == 1 and said in texts[0], texts
    assert "['" not in texts[0] and "True or False" not in texts[0]


def test_the_export_of_an_unreadable_value_is_a_400_that_names_it(support, dataset):
    response = support.get(f"{CALLS}export-csv/?answered__exact=maybe")
    assert response.status_code == 400
    text = response.content.decode()
    assert "answered__exact=maybe is not yes or no" in text and "['" not in text
