"""Numbers and the customer's name inside free text (messages, transcripts, answers,
variables, slots, custom attributes, uploaded fields) are masked as the columns are, on the
chat and call pages, in the API and in CSV, for users who see customer details masked."""

import copy
import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from calls_app.models import NodePush
from calls_app.services import call_result_record
from dashboard.roles import staff_user_create
from privacy.masking import mask_free_text, mask_payload, mask_text
from sessions_app.services import chat_session_record

pytestmark = pytest.mark.django_db

SAID = "0812 7777 3456"  # a number said or written, as people write it
PLAIN = "+6281277773456"
SECRETS = (SAID, "081277773456", PLAIN, "7777", "Budi", "Santoso", "BUDI")


def _login(client, role: str, *, details: bool = False):
    user, _ = staff_user_create(username=role.lower(), role=role, contact_details=details)
    client.force_login(get_user_model().objects.get(pk=user.pk))
    return client


@pytest.fixture
def chat(chat_payload):
    payload = copy.deepcopy(chat_payload)
    payload["call_id"] = "chat-said"
    payload["variables"] = {"name": "Budi Santoso", "due": "2025-05-01", "hp": PLAIN}
    payload["ner_slots"] = {"nomor_lain": f"hubungi {SAID}", "pembayaran": "Rp 1.500.000"}
    payload["messages"][2]["content"] = {
        "type": "text",
        "text": {"body": f"Ini BUDI, nomor saya {SAID} ya"},
    }
    return chat_session_record(payload=payload)


@pytest.fixture
def call(call_payload):
    payload = copy.deepcopy(call_payload)
    payload["call"]["call_id"] = "call-said"
    payload["callee"]["callee_name"] = "Budi Santoso"
    payload["callee"]["comments"] = f"alt number {SAID}"
    payload["callee"]["extend"] = {"variables": {"spouse_phone": "081277773456"}}
    payload["call"]["asr_result"][0]["robottext"] = "Halo Pak Budi, benar ini Santoso?"
    payload["call"]["asr_result"][0]["text"] = f"iya, nomor saya {SAID}"
    payload["call"]["question_answer"][0]["answer"] = PLAIN
    payload["call"]["ner_slots"] = {"phone": f"{SAID}", "amount": "Rp 1.500.000"}
    payload["call"]["intention_description"] = f"Budi minta ditelepon di {SAID}"
    record = call_result_record(payload=payload)
    NodePush.objects.create(
        call=record, node_id="n-1", node_name="API", received_at=timezone.now(),
        custom_attribute={"callback": f"ke {SAID} besok"},
    )  # fmt: skip
    return record


def _absent(text: str):
    found = [secret for secret in SECRETS if secret in text]
    assert not found, found


# --- the one function ----------------------------------------------------------------------------


def test_mask_text_masks_numbers_however_written_and_the_names_words():
    text = f"Budi: call {SAID}, or +62 812-7777-3456, or {PLAIN}; owes Rp 1.500.000 by 2025-05-01"
    masked = mask_text(text, ("Budi",))
    _absent(masked)
    assert "B•••:" in masked and "3456" in masked  # as a column: the last four stay
    assert "Rp 1.500.000" in masked and "2025-05-01" in masked  # amounts and dates stay


def test_mask_free_text_reaches_every_depth_and_keeps_the_business_lines():
    masked = mask_free_text(
        {"a": [{"b": f"x {SAID}"}], "caller_number": "+6221555501234", "n": 1720160207},
        ("Budi",),
    )
    assert SAID not in str(masked) and masked["caller_number"] == "+6221555501234"
    assert masked["n"] == 1720160207


def test_a_raw_body_has_the_numbers_said_in_it_masked():
    masked = mask_payload({"callee": {"callee_name": "Budi Santoso"}, "note": f"Budi {SAID}"})
    _absent(str(masked))


# --- pages ---------------------------------------------------------------------------------------


def test_chat_page_masks_numbers_and_the_name_in_messages_variables_and_slots(client, chat):
    page = _login(client, "Support").get(f"/admin/sessions_app/chatsession/{chat.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    _absent(html)
    assert "B••• S••••••" in html  # the name variable
    assert "Rp 1.500.000" in html


def test_call_page_masks_numbers_and_the_name_in_every_text(client, call):
    page = _login(client, "Support").get(f"/admin/calls_app/callresult/{call.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    _absent(html)
    assert "Halo Pak B•••, benar ini S••••••?" in html
    assert "Rp 1.500.000" in html


def test_those_who_may_see_details_read_the_texts_whole(client, chat, call):
    client = _login(client, "Support", details=True)
    chat_page = client.get(f"/admin/sessions_app/chatsession/{chat.pk}/change/").content.decode()
    call_page = client.get(f"/admin/calls_app/callresult/{call.pk}/change/").content.decode()
    assert SAID in chat_page and "Budi Santoso" in chat_page
    assert SAID in call_page and "Halo Pak Budi" in call_page


# --- the API and CSV -----------------------------------------------------------------------------


def test_api_details_mask_numbers_and_the_name_in_free_text(client, chat, call):
    client = _login(client, "Support")
    for url in (f"/api/sessions/{chat.call_id}/", f"/api/calls/{call.call_id}/"):
        response = client.get(url)
        assert response.status_code == 200
        _absent(response.content.decode())
    detail = client.get(f"/api/calls/{call.call_id}/").json()
    assert detail["ner_slots"]["amount"] == "Rp 1.500.000"


def test_csv_masks_numbers_and_the_name_in_free_text(client, call):
    response = _login(client, "Managers").get("/admin/calls_app/callresult/export-csv/")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["call_id"] == "call-said")
    _absent(str(row))
    assert row["intention_description"].startswith("B••• minta")
