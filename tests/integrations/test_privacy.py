import pytest
from django.contrib.auth.models import AnonymousUser

from privacy.masking import (
    can_view_contact_details,
    mask_chat_content,
    mask_name,
    mask_phone,
)
from tests.outcomes_dataset import user_with


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("+6281234569092", "+62•••••••9092"),
        ("+62xxxxxx9092", "+62••••••9092"),
        ("6281234569092", "62•••••••9092"),
        ("+86xxxxxxxx7425", "+86••••••••7425"),
        ("  +6281234569092 ", "+62•••••••9092"),
        ("12345678", "••••5678"),  # too short to show a country code as well
        ("+12345", "+•••45"),
        ("1234", "••••"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone_keeps_plus_country_code_and_last_four(number, masked):
    assert mask_phone(number) == masked


def test_mask_phone_never_shows_more_than_six_digits_of_a_long_number():
    masked = mask_phone("+6281234569092")
    assert sum(character.isdigit() for character in masked) == 6


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("WILL SMITH", "W••• S••••"),
        ("Siti  Aminah", "S••• A•••••"),
        ("xinxin.tao", "x•••••••••"),
        ("李", "李"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name_keeps_each_word_initial(name, masked):
    assert mask_name(name) == masked


def test_shared_contacts_are_masked_in_a_copy():
    content = {
        "type": "contacts",
        "contacts": [{"name": "WILL SMITH", "phone_number": "+6281234569092"}],
    }
    masked = mask_chat_content(content)
    assert masked["contacts"] == [{"name": "W••• S••••", "phone_number": "+62•••••••9092"}]
    assert content["contacts"][0]["phone_number"] == "+6281234569092"


def test_whatsapp_shaped_contacts_are_masked_too():
    content = {
        "type": "contacts",
        "contacts": [
            {
                "name": {"formatted_name": "Will Smith", "first_name": "Will"},
                "phones": [{"phone": "+6281234569092", "wa_id": "6281234569092", "type": "CELL"}],
            }
        ],
    }
    contact = mask_chat_content(content)["contacts"][0]
    assert contact["name"] == {"formatted_name": "W••• S••••", "first_name": "W•••"}
    assert contact["phones"] == [
        {"phone": "+62•••••••9092", "wa_id": "62•••••••9092", "type": "CELL"}
    ]


def test_other_contents_are_left_alone():
    content = {"type": "text", "text": "call me on +6281234569092"}
    assert mask_chat_content(content) is content


@pytest.mark.django_db
def test_only_users_with_the_permission_see_contact_details():
    assert can_view_contact_details(user_with("plain")) is False
    assert can_view_contact_details(user_with("allowed", "integrations.view_contact_details"))
    assert can_view_contact_details(AnonymousUser()) is False
    assert can_view_contact_details(None) is False


@pytest.mark.django_db
def test_inactive_users_see_nothing_unmasked(django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x", is_active=False)
    assert can_view_contact_details(admin) is False
