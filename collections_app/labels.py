"""Each account's label of an intention code, where people read codes (dashboard, API rows)."""

from .models import Group, Outcome


def intention_labels(kind: str):
    def labels(values: list[str], accounts) -> dict[str, str]:
        outcomes = Outcome.objects.filter(kind=kind, code__in=values).exclude(label="")
        if accounts is not None:
            outcomes = outcomes.filter(endpoint_id__in=accounts)
        found: dict[str, set[str]] = {}
        for code, label in outcomes.values_list("code", "label"):
            found.setdefault(code, set()).add(label)
        # One label per code; accounts that word it differently are all named.
        return {code: " / ".join(sorted(words)) for code, words in found.items()}

    return labels


def group_labels(values: list[str], accounts) -> dict[str, str]:
    """Outcome groups by their names ("promise_to_pay": "Promise to pay")."""
    names = dict(Group.choices)
    return {value: names[value] for value in values if value in names}
