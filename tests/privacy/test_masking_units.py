"""The masking rules themselves, exactly: what a masked number, name and text keep."""

import pytest

from privacy.masking import BULLET, can_view_contact_details, mask_name, mask_phone, mask_text

B = BULLET


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("+6281234567890", f"+62{B * 7}7890"),  # country code and last four kept
        ("081234567890", f"08{B * 6}7890"),
        ("0812345678", f"08{B * 4}5678"),  # ten digits: the country code too
        ("081234567", f"{B * 5}4567"),  # nine: the last four only
        ("12345678", f"{B * 4}5678"),  # eight digits: the last four only
        ("1234567", f"{B * 5}67"),  # five to seven: the last two
        ("1234", B * 4),  # short: nothing kept
        (" +62 ", f"+{B * 2}"),
        ("", ""),
        (None, ""),
        (6281234567890, f"62{B * 7}7890"),
    ],
)
def test_a_number_keeps_only_its_country_code_and_last_digits(value, masked):
    assert mask_phone(value) == masked


def test_a_name_keeps_each_words_first_letter():
    assert mask_name("WILL SMITH") == f"W{B * 3} S{B * 4}"
    assert mask_name("  Budi  ") == f"B{B * 3}"
    assert mask_name(None) == "" and mask_name("") == ""


def test_numbers_in_text_are_masked_in_place_and_amounts_stay():
    text = "Call +62 812-3456-7890 or 0812 3456 7891 about Rp 1500000 by Friday."
    masked = mask_text(text)
    assert masked == (
        f"Call {mask_phone('+62 812-3456-7890')} or {mask_phone('0812 3456 7891')} "
        "about Rp 1500000 by Friday."
    )
    assert "3456" not in masked.replace(mask_phone("+62 812-3456-7890"), "")


def test_names_in_text_are_masked_whole_words_any_case_longest_first():
    text = "budi santoso said BUDI would pay; Budiman did not."
    masked = mask_text(text, ["Budi", "Budi Santoso", ""])
    assert masked == f"b{B * 3} s{B * 6} said B{B * 3} would pay; Budiman did not."


def test_empty_text_and_no_names_change_nothing():
    assert mask_text("") == ""
    assert mask_text("no details here", []) == "no details here"
    assert mask_text("no details here", ["", ""]) == "no details here"


def test_only_an_active_user_with_the_permission_sees_details(django_user_model, db):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("u", password="x")
    assert not can_view_contact_details(user)
    assert not can_view_contact_details(None)
    user.user_permissions.add(Permission.objects.get(codename="view_contact_details"))
    user = django_user_model.objects.get(pk=user.pk)
    assert can_view_contact_details(user)
    user.is_active = False
    assert not can_view_contact_details(user)


def test_a_raw_body_masks_the_names_it_gives_wherever_it_repeats_them():
    from privacy.masking import mask_payload

    body = {
        "callee": {"callee_name": "Siti Rahma", "note": "Siti asked to call back"},
        "items": [{"variables": {"nama": "Joko"}, "text": "Joko paid", "kind": "Rahma"}],
        "meta": {"variables": "not a mapping", "other": "Siti"},
    }
    masked = mask_payload(body)
    assert masked["callee"]["callee_name"] == f"S{B * 3} R{B * 4}"
    assert masked["callee"]["note"] == f"S{B * 3} asked to call back"
    assert masked["items"][0]["text"] == f"J{B * 3} paid"  # a name from a list's variables
    assert masked["items"][0]["kind"] == f"R{B * 4}"
    assert masked["meta"]["variables"] == "not a mapping"  # only a mapping names anyone
    assert masked["meta"]["other"] == f"S{B * 3}"


def test_the_names_of_a_record_come_from_its_columns_and_its_variables():
    from types import SimpleNamespace

    from privacy.masking import customer_names, record_customer_names

    record = SimpleNamespace(callee_name="Budi Jo", variables={"name": "Ani", "nama": "Sri"})
    assert record_customer_names(record, ["callee_name", "variables__name"]) == (
        "Budi",
        "Jo",  # two letters are a name too
        "Ani",
    )
    assert record_customer_names(None, ["callee_name"]) == ()
    assert customer_names({"name": "Siti", "nama": "Rahma", "city": "Bogor"}) == ("Siti", "Rahma")
    assert customer_names("A 7 Ani") == ("Ani",)  # one letter and digits are not


def test_shared_contacts_are_masked_in_a_copy_and_nothing_else_is():
    from privacy.masking import mask_chat_content, mask_free_text

    content = {
        "type": "contacts",
        "contacts": [
            {
                "name": {"formatted_name": "Ani Lestari", "first": 7},
                "phones": [{"phone": "+6281234567890", "type": "CELL"}],
                "org": {"company": "Acme"},
                "urls": ["https://acme.example"],
            }
        ],
    }
    masked = mask_chat_content(content)
    (contact,) = masked["contacts"]
    assert contact["name"] == {"formatted_name": f"A{B * 2} L{B * 6}", "first": 7}
    assert contact["phones"] == [{"phone": f"+62{B * 7}7890", "type": "CELL"}]
    assert contact["org"] == {"company": "Acme"} and contact["urls"] == ["https://acme.example"]
    assert content["contacts"][0]["name"]["formatted_name"] == "Ani Lestari"  # not changed
    assert mask_free_text({"callee_number": True, "callee": False}) == {
        "callee_number": True,
        "callee": False,
    }


def test_a_name_given_deep_in_a_raw_body_is_masked_in_its_text():
    from privacy.masking import mask_payload

    body = {"call": {"contact": {"callee_name": "Sari Dewi"}, "transcript": "Sari Dewi agreed"}}
    masked = mask_payload(body)
    assert masked["call"]["transcript"] == f"S{B * 3} D{B * 3} agreed"


def test_a_lookup_a_record_lacks_names_nobody():
    from types import SimpleNamespace

    from privacy.masking import record_customer_names

    record = SimpleNamespace(callee_name="Budi")  # no ``variables`` (another kind of record)
    assert record_customer_names(record, ["callee_name", "variables__name"]) == ("Budi",)


def _row_serializer():
    from rest_framework import serializers

    from privacy.masking import ContactDetailsMaskingMixin

    class Row(ContactDetailsMaskingMixin, serializers.Serializer):
        callee_number = serializers.CharField()
        callee_name = serializers.CharField()
        note = serializers.CharField()
        phone_fields = ("callee_number",)
        name_fields = ("callee_name",)
        text_fields = ("note",)

    return Row


ROW = {"callee_number": "+6281234567890", "callee_name": "Will Smith", "note": "ring 081234567890"}


def test_without_a_request_a_serializer_masks_numbers_names_and_text():
    data = _row_serializer()(ROW).data
    assert dict(data) == {
        "callee_number": f"+62{B * 7}7890",
        "callee_name": f"W{B * 3} S{B * 4}",
        "note": f"ring 08{B * 6}7890",
    }


class _User:
    """A user who may see customer details, counting how often that is asked."""

    is_active = True

    def __init__(self):
        self.asked = 0

    def has_perm(self, permission):
        self.asked += 1
        return permission == "integrations.view_contact_details"


def test_whether_to_reveal_is_decided_once_per_response_for_every_row():
    from types import SimpleNamespace

    user = _User()
    rows = _row_serializer()(
        [ROW, ROW, ROW], many=True, context={"request": SimpleNamespace(user=user)}
    )
    assert [dict(row) for row in rows.data] == [ROW, ROW, ROW]
    assert user.asked == 1


def test_a_decision_already_in_the_context_is_kept():
    from types import SimpleNamespace

    user = _User()
    context = {"request": SimpleNamespace(user=user), "reveal_contact_details": False}
    data = _row_serializer()(ROW, context=context).data
    assert data["callee_name"] == f"W{B * 3} S{B * 4}" and user.asked == 0


def test_without_the_setting_numbers_in_text_are_read_as_indonesian(settings):
    from privacy.masking import _phone_region

    del settings.AIRUDDER_DEFAULT_PHONE_REGION
    assert _phone_region() == "ID"


def test_an_eight_digit_number_is_masked_in_text(settings):
    settings.AIRUDDER_DEFAULT_PHONE_REGION = "SG"  # Singapore's numbers have eight digits
    assert mask_text("call 9123 4567 today") == f"call {mask_phone('9123 4567')} today"


def test_a_whole_name_is_masked_before_a_word_of_it_whatever_their_case():
    assert mask_text("Budi Santoso paid", ["budi", "BUDI SANTOSO"]) == f"B{B * 3} S{B * 6} paid"
