"""One search box that finds a customer anywhere: numbers however written, workflow names, case
ids, words of messages and transcripts; bounded, and never an error."""

import copy

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from calls_app.models import CallResult
from calls_app.services import call_result_record
from records.phones import phone_key
from records.search import MAX_SEARCH_CHARS, MAX_SEARCH_WORDS, bound_search_term
from sessions_app.models import ChatSession
from sessions_app.services import chat_session_record

pytestmark = pytest.mark.django_db

CHATS = reverse("admin:sessions_app_chatsession_changelist")
CALLS = reverse("admin:calls_app_callresult_changelist")
NUMBER = "+6285712345678"


@pytest.fixture
def records(chat_payload, call_payload):
    chat = copy.deepcopy(chat_payload)
    chat.update(
        callee=NUMBER, call_id="chat-1", workflow_id="wf-loan", workflow_name="Loan reminder"
    )
    chat["messages"][0]["content"] = {"type": "text", "text": {"body": "Saya mau bayar cicilan"}}
    other_chat = copy.deepcopy(chat_payload)
    other_chat.update(callee="+6281100000009", call_id="chat-2")
    call = copy.deepcopy(call_payload)
    call["callee"]["callee_number"] = NUMBER
    call["call"]["callee_number"] = NUMBER
    call["call"]["call_id"] = "call-1"
    call["call"]["asr_result"][0]["text"] = "besok saya transfer cicilan"
    return {
        "chat": chat_session_record(payload=chat),
        "other_chat": chat_session_record(payload=other_chat),
        "call": call_result_record(payload=call),
    }


def listed(response) -> set[str]:
    assert response.status_code == 200
    return {row.call_id for row in response.context["cl"].result_list}


@pytest.mark.parametrize(
    "term",
    ["+62 857-1234-5678", "62 857 1234 5678", "6285712345678", "0857-1234-5678", "085712345678"],
)
def test_a_number_in_any_common_form_finds_the_customers_calls_and_chats(
    admin_client, records, term
):
    assert listed(admin_client.get(CHATS, {"q": term})) == {"chat-1"}
    assert listed(admin_client.get(CALLS, {"q": term})) == {"call-1"}


def test_local_number_keyed_in_the_endpoints_country(deliver, endpoint, chat_payload):
    endpoint.default_country = "PH"
    endpoint.save()
    chat_payload.update(callee="0917 123 4567")
    deliver("chatbot_session_end", chat_payload)
    assert ChatSession.objects.get().callee_key == "639171234567"


def test_endpoint_country_defaults_to_the_setting(db, settings):
    from integrations.services import webhook_endpoint_create

    settings.AIRUDDER_DEFAULT_PHONE_REGION = "PH"
    assert webhook_endpoint_create(name="x").default_country == "PH"


@pytest.mark.parametrize(
    ("number", "key"),
    [
        ("+62 811-0000-0002", "6281100000002"),
        ("0811-0000-0002", "6281100000002"),
        ("6281100000002", "6281100000002"),
        ("+62 812-3456", "628123456"),
        ("628123456", "628123456"),
        ("+6289xxxxxxxx89092", "6289xxxxxxxx89092"),
        ("", ""),
    ],
)
def test_phone_key(number, key):
    assert phone_key(number, "ID") == key


def test_rekey_phones_recomputes_stored_keys(records):
    ChatSession.objects.update(callee_key="stale")
    CallResult.objects.update(callee_number_key="stale", contact_number_key="")
    call_command("rekey_phones")
    assert set(ChatSession.objects.values_list("callee_key", flat=True)) == {
        "6285712345678",
        "6281100000009",
    }
    assert CallResult.objects.get().callee_number_key == "6285712345678"


def test_workflow_name_and_case_id(admin_client, records):
    assert listed(admin_client.get(CALLS, {"q": "test_api_action6"})) == {"call-1"}
    assert listed(admin_client.get(CALLS, {"q": "12345.0"})) == {"call-1"}
    assert listed(admin_client.get(CHATS, {"q": "Loan reminder"})) == {"chat-1"}


def test_words_find_messages_and_transcripts(admin_client, records):
    assert listed(admin_client.get(CHATS, {"q": "bayar cicilan"})) == {"chat-1"}
    assert listed(admin_client.get(CALLS, {"q": "transfer cicilan"})) == {"call-1"}
    assert listed(admin_client.get(CHATS, {"q": "cicilan nowhere"})) == set()


def test_a_hit_opens_the_record_at_the_match(admin_client, records):
    response = admin_client.get(CHATS, {"q": "cicilan"})
    change = reverse("admin:sessions_app_chatsession_change", args=[records["chat"].pk])
    assertContains(response, f"{change}?_changelist_filters=q%3Dcicilan&amp;q=cicilan#search-hit")
    page = admin_client.get(change, {"q": "cicilan"})
    assertContains(page, '<a id="search-hit"></a>', count=1)
    assertContains(page, "search-hit", count=4)  # the anchor, the note's link, the message, css
    call_page = admin_client.get(
        reverse("admin:calls_app_callresult_change", args=[records["call"].pk]),
        {"q": "transfer"},
    )
    assertContains(call_page, '<a id="search-hit"></a>', count=1)
    assertContains(call_page, "call-turn search-hit")


def test_search_term_on_the_page_is_escaped(admin_client, records):
    change = reverse("admin:sessions_app_chatsession_change", args=[records["chat"].pk])
    page = admin_client.get(change, {"q": "<script>alert(1)</script>"})
    assertNotContains(page, "<script>alert(1)</script>")
    assertContains(page, "&lt;script&gt;")


@pytest.mark.parametrize("url", [CHATS, CALLS])
@pytest.mark.parametrize("term", [" ".join(["word"] * 1000), "x" * 50_000, "0" * 50_000])
def test_a_huge_search_answers_and_says_it_was_shortened(admin_client, records, url, term):
    response = admin_client.get(url, {"q": term})
    assert response.status_code == 200
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("shortened" in m for m in shown)


def test_bound_search_term():
    assert bound_search_term("a b") == ("a b", False)
    cut, shortened = bound_search_term(" ".join(["w"] * 50))
    assert shortened and len(cut.split()) == MAX_SEARCH_WORDS
    cut, shortened = bound_search_term("y" * 10_000)
    assert shortened and len(cut) == MAX_SEARCH_CHARS


def test_history_form_posts_the_number_out_of_the_url(admin_client, records):
    url = reverse("customers:history")
    page = admin_client.get(url)
    assertContains(page, '<form method="post" class="call-history-form">')
    assertContains(page, "csrfmiddlewaretoken")
    response = admin_client.post(url, {"phone": "0857-1234-5678"})
    assert response.status_code == 200
    assert {row["row"].kind for row in response.context["rows"]} == {"call", "chat session"}
    assert "0857" not in response.wsgi_request.get_full_path()
    # The links from a record keep working.
    linked = admin_client.get(url, {"call": records["call"].pk})
    assert len(linked.context["rows"]) == 2


def test_a_term_matching_very_many_lists_the_newest_and_says_so(
    admin_client, records, chat_payload, monkeypatch
):
    """Past ``SEARCH_MATCHES`` matching messages (or records) the list holds the newest, and a
    message says that it was narrowed; under it nothing is said."""
    from records.admin import search

    for n in range(3):
        chat = copy.deepcopy(chat_payload)
        chat.update(call_id=f"chat-newer-{n}", callee=f"+628110000010{n}")
        chat["messages"][0]["content"] = {"type": "text", "text": {"body": "cicilan lagi"}}
        chat_session_record(payload=chat)
    response = admin_client.get(CHATS, {"q": "cicilan"})
    assert listed(response) == {"chat-1", "chat-newer-0", "chat-newer-1", "chat-newer-2"}
    assert not any("narrow" in str(m) for m in get_messages(response.wsgi_request))

    monkeypatch.setattr(search, "SEARCH_MATCHES", 2)
    response = admin_client.get(CHATS, {"q": "cicilan"})
    assert listed(response) == {"chat-newer-1", "chat-newer-2"}
    assert any("narrow" in str(m) for m in get_messages(response.wsgi_request))
    by_id = admin_client.get(CHATS, {"q": "chat-newer"})  # the call ids: records, not texts
    assert listed(by_id) == {"chat-newer-1", "chat-newer-2"}
    assert any("narrow" in str(m) for m in get_messages(by_id.wsgi_request))


def test_on_postgresql_every_word_is_also_a_substring_of_several_texts():
    """The cheap test that runs before the full-text one (``records.search.text_match``): it
    keeps exactly the rows full-text search can match, each word being in them as written."""
    from records.search import text_match

    match = str(text_match(["robot_text", "customer_text"], "I will!", vendor="postgresql"))
    for word in ("i", "will"):
        assert f"('robot_text__icontains', '{word}')" in match
        assert f"('customer_text__icontains', '{word}')" in match
    assert "search_vector_match" in match
    # One short text (a message): the vector alone.
    assert "icontains" not in str(text_match(["text"], "I will", vendor="postgresql"))
