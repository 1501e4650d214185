"""Which workflow works: two workflows (or one in two periods) side by side, counted from the
contacts (one indexed range per side) and tested with ``stats``."""

import datetime as dt
from dataclasses import asdict

from django import forms
from django.db.models import Count, Q
from django.utils import timezone

from records.models import Workflow
from records.scope import visible

from .models import Contact
from .stats import INTERVAL_NAME, TEST_NAME, two_proportion_test, wilson

# Each rate: its name, its label, the contacts counted, and the contacts it is a share of.
RATES = (
    ("answered_rate", "Answered", "n_answered", "n_contacts"),
    ("right_party_rate", "Right-party contacts", "n_right_party", "n_contacts"),
    ("promise_rate", "Promises per right-party contact", "n_promises", "n_right_party"),
)


class CompareForm(forms.Form):
    a = forms.CharField(max_length=128, label="Workflow A")
    b = forms.CharField(max_length=128, label="Workflow B")
    date_from = forms.DateField(required=False, label="From")
    date_to = forms.DateField(required=False, label="To")
    b_date_from = forms.DateField(required=False, label="B from (default: the same)")
    b_date_to = forms.DateField(required=False, label="B to (default: the same)")

    def clean(self):
        data = super().clean()
        for start, end in (("date_from", "date_to"), ("b_date_from", "b_date_to")):
            if data.get(start) and data.get(end) and data[start] > data[end]:
                self.add_error(end, "Enter a date on or after the start.")
        for side in ("a", "b"):
            workflow = Workflow.objects.filter(workflow_id=data.get(side)).first()
            if data.get(side) and workflow is None:
                self.add_error(side, "No workflow with this id.")
            data[f"{side}_workflow"] = workflow
        return data


def _moment(day: dt.date | None, *, end: bool) -> dt.datetime | None:
    if day is None:
        return None
    day = day + dt.timedelta(days=1) if end else day
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _side(user, workflow: Workflow, date_from, date_to) -> dict:
    contacts = visible(Contact.objects.filter(workflow=workflow), user)
    if date_from:
        contacts = contacts.filter(occurred_at__gte=_moment(date_from, end=False))
    if date_to:
        contacts = contacts.filter(occurred_at__lt=_moment(date_to, end=True))
    # A column of the index (never empty), not ``id``: the counts are read from the index alone
    # (``contact_workflow_counts``).
    counts = contacts.aggregate(
        n_contacts=Count("workflow"),
        n_answered=Count("workflow", filter=Q(answered=True)),
        n_right_party=Count("workflow", filter=Q(right_party=True)),
        n_promises=Count("workflow", filter=Q(right_party=True, promise=True)),
    )
    rates = {name: wilson(counts[part], counts[base]) for name, _, part, base in RATES}
    return {
        "workflow_id": workflow.workflow_id,
        "workflow_name": workflow.name,
        "date_from": date_from,
        "date_to": date_to,
        "contacts": counts["n_contacts"],
        "rates": rates,
    }


def workflows_compare(user, data: dict) -> dict:
    """Both sides of a valid ``CompareForm``'s data, and each rate's difference tested."""
    a = _side(user, data["a_workflow"], data.get("date_from"), data.get("date_to"))
    b = _side(
        user,
        data["b_workflow"],
        data.get("b_date_from") or data.get("date_from"),
        data.get("b_date_to") or data.get("date_to"),
    )
    rows = []
    for name, label, _, _ in RATES:
        test = two_proportion_test(a["rates"][name], b["rates"][name])
        sides = (a["rates"][name], b["rates"][name])
        rows.append({"name": name, "label": label, "sides": sides, "test": test})
    return {
        "test": TEST_NAME,
        "interval": INTERVAL_NAME,
        "a": a,
        "b": b,
        "sides": (("A", a), ("B", b)),
        "rows": rows,
    }


def comparison_json(result: dict) -> dict:
    """The comparison as the API answers it (dates as ISO text)."""

    def side(s):
        return {
            **{k: s[k] for k in ("workflow_id", "workflow_name", "contacts")},
            "date_from": s["date_from"].isoformat() if s["date_from"] else None,
            "date_to": s["date_to"].isoformat() if s["date_to"] else None,
            "rates": {name: asdict(rate) for name, rate in s["rates"].items()},
        }

    return {
        "test": result["test"],
        "interval": result["interval"],
        "a": side(result["a"]),
        "b": side(result["b"]),
        "differences": {row["name"]: asdict(row["test"]) for row in result["rows"]},
    }
