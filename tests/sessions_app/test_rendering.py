"""How message contents are read for display: safe links, every type, and generic fallbacks."""

import pytest

from records.display import duration_text
from sessions_app.content import read_content as content_view
from sessions_app.content import safe_url
from sessions_app.models import ChatMessage
from sessions_app.rendering import key_values, transcript


@pytest.mark.parametrize(
    "url",
    ["https://example.com/a.pdf", "http://example.com", " HTTPS://example.com/x "],
)
def test_http_urls_are_linkable(url):
    assert safe_url(url) == url.strip()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox",
        "//example.com/no-scheme",
        "https:/no-host",
        "ftp://example.com/file",
        "http://[broken",
        "",
        None,
        42,
        {"url": "https://example.com"},
    ],
)
def test_anything_else_is_not_linkable(url):
    assert safe_url(url) is None


def test_file_with_a_javascript_url_keeps_its_name_unlinked():
    view = content_view(
        {"type": "file", "media": {"origin_url": "javascript:alert(1)", "name": "bill.pdf"}}
    )

    assert view.template == "sessions_app/content/media.html"
    assert view.data["link"].text == "bill.pdf"
    assert view.data["link"].url is None


def test_image_without_a_name_is_shown_by_its_url():
    view = content_view({"type": "image", "media": {"origin_url": "https://cdn.example/x.jpg"}})

    assert view.data["label"] == "Image"
    assert view.data["link"].text == view.data["link"].url == "https://cdn.example/x.jpg"


def test_whatsapp_style_media_under_its_type_key():
    view = content_view({"type": "video", "video": {"url": "https://v.example/1.mp4"}})

    assert view.data["label"] == "Video"
    assert view.data["link"].url == "https://v.example/1.mp4"


def test_location_map_link_is_built_from_numbers_only():
    view = content_view({"type": "location", "location": {"latitude": "-6.2", "longitude": 106.8}})

    assert view.data["coordinates"] == "-6.2, 106.8"
    assert view.data["map"].url == (
        "https://www.openstreetmap.org/?mlat=-6.2&mlon=106.8#map=16/-6.2/106.8"
    )


@pytest.mark.parametrize(
    "location",
    [
        {"latitude": 'x" onclick="alert(1)', "longitude": 1},
        {"latitude": 91, "longitude": 1},
        {"latitude": 1},
        {"latitude": True, "longitude": 1},
        {"latitude": "nan", "longitude": 1},
    ],
)
def test_location_without_valid_coordinates_is_shown_generically(location):
    view = content_view({"type": "location", "location": location})

    assert view.template == "sessions_app/content/generic.html"
    assert '"location"' in view.data["pretty"]


def test_whatsapp_style_contacts():
    view = content_view(
        {
            "type": "contacts",
            "contacts": [
                {"name": {"formatted_name": "Ana"}, "phones": [{"phone": "+62 811"}]},
                {"name": "Budi", "phone_number": "+62 812"},
            ],
        }
    )

    assert view.data["contacts"] == [
        {"name": "Ana", "phones": ["+62 811"]},
        {"name": "Budi", "phones": ["+62 812"]},
    ]


def test_user_choice_of_an_interactive_message():
    assert content_view({"type": "interactive", "text": "男"}).data == {"choice": "男"}


def test_template_with_a_text_header():
    view = content_view(
        {
            "type": "template",
            "template": {"content": {"header": {"type": "text", "text": "Hello"}, "body": "B"}},
        }
    )

    assert view.data["header_text"] == "Hello"
    assert view.data["header_link"] is None
    assert view.data["body"] == "B"


def test_system_event_is_labelled():
    view = content_view(
        {"type": "system", "system": {"type": "conversation.take_over", "to_seat_id": "s-1"}}
    )

    assert view.data["label"] == "Taken over by an agent"
    assert view.data["to_seat"] == "s-1"


@pytest.mark.parametrize(
    "content",
    [
        {"type": "order", "order": {"id": 1}},
        {"type": "text"},
        {"type": "template", "template": "not an object"},
        {"type": "interactive", "interactive": {"action": {"buttons": "nope"}}},
        {"type": "contacts", "contacts": "someone"},
        {"type": "system", "system": []},
        {"type": ["text"], "text": "x"},
        {"text": "no type"},
        "just a string",
        None,
    ],
)
def test_unknown_or_malformed_content_is_shown_generically(content):
    view = content_view(content)

    assert view.template == "sessions_app/content/generic.html"
    assert view.data["pretty"]


def test_generic_content_keeps_every_value():
    view = content_view({"type": "order", "order": {"items": [{"sku": "p-1", "qty": 2}]}})

    assert view.data["type"] == "order"
    assert '"sku": "p-1"' in view.data["pretty"]
    assert '"qty": 2' in view.data["pretty"]


def test_transcript_orders_by_position_and_links_quotes():
    first = ChatMessage(
        pk=10, position=0, sender_type="robot", content={"type": "text", "text": "Q"}
    )
    reply = ChatMessage(
        pk=11,
        position=1,
        sender_type="user",
        content={"type": "text", "text": "A"},
        reply={"msg_id": "m", "sender_type": "robot", "content": {"type": "text", "text": "Q"}},
        reply_to_id=10,
    )
    stray = ChatMessage(
        pk=12, position=2, sender_type="bot-v2", content={"type": "text", "text": "?"}
    )

    entries = transcript([stray, reply, first])

    assert [e.position for e in entries] == [0, 1, 2]
    assert entries[1].quote.anchor == "message-0"
    assert entries[1].quote.speaker == "Bot"
    assert entries[1].side == "customer"
    assert entries[2].speaker == "Bot-v2"
    assert entries[2].css_class == "chat-other"


def _shared_contact_messages() -> list[ChatMessage]:
    contacts = {
        "type": "contacts",
        "contacts": [{"name": "WILL SMITH", "phone_number": "+6281234569092"}],
    }
    shared = ChatMessage(pk=20, position=0, sender_type="user", content=contacts)
    reply = ChatMessage(
        pk=21,
        position=1,
        sender_type="robot",
        content={"type": "text", "text": "Thanks"},
        reply={"msg_id": "m", "sender_type": "user", "content": contacts},
        reply_to_id=20,
    )
    return [shared, reply]


def test_transcript_masks_shared_contacts_and_their_quotes_unless_revealed():
    masked = transcript(_shared_contact_messages())
    revealed = transcript(_shared_contact_messages(), reveal=True)

    masked_contact = {"name": "W••• S••••", "phones": ["+62•••••••9092"]}
    assert masked[0].content.data["contacts"] == [masked_contact]
    assert masked[1].quote.content.data["contacts"] == [masked_contact]
    full_contact = {"name": "WILL SMITH", "phones": ["+6281234569092"]}
    assert revealed[0].content.data["contacts"] == [full_contact]
    assert revealed[1].quote.content.data["contacts"] == [full_contact]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, ""), (0, "0 s"), (59, "59 s"), (60, "1 min 0 s"), (3725, "1 h 2 min")],
)
def test_duration_text(seconds, text):
    assert duration_text(seconds) == text


def test_key_values_show_nested_values_as_json():
    assert key_values({"a": "x", "b": {"c": [1, "é"]}, "n": None, "t": True}) == [
        ("a", "x"),
        ("b", '{"c": [1, "é"]}'),
        ("n", ""),
        ("t", "true"),
    ]
