"""A customer's calls, for erasure: the calls dialling the number (with their turns, answers,
redials and node pushes) and other calls' earlier attempts that dialled it."""

from records.erasure import ErasurePart, written_from
from records.phones import phone_key, phone_match

from .models import CallAnswer, CallResult, NodePush, Redial, TranscriptTurn


def call_results_erasure(key: str) -> ErasurePart:
    calls = CallResult.objects.filter(phone_match(key, CallResult.PHONE_KEY_FIELDS))
    call_ids = list(calls.values_list("pk", flat=True))
    events = written_from(CallResult.objects.filter(pk__in=call_ids))
    events |= written_from(NodePush.objects.filter(call__in=call_ids))
    # An earlier attempt that dialled the number, in another customer's call (a contact's
    # second number): that attempt goes, the call stays.
    other_redials = [
        redial.pk
        for redial in Redial.objects.exclude(call__in=call_ids)
        .filter(callee_number__iendswith=key[-4:])
        .only("pk", "callee_number")
        if phone_key(redial.callee_number) == key
    ]

    def apply() -> None:
        CallResult.objects.filter(pk__in=call_ids).delete()
        Redial.objects.filter(pk__in=other_redials).delete()

    return ErasurePart(
        counts={
            "call results": len(call_ids),
            "transcript turns": TranscriptTurn.objects.filter(call__in=call_ids).count(),
            "call answers": CallAnswer.objects.filter(call__in=call_ids).count(),
            "redials": Redial.objects.filter(call__in=call_ids).count() + len(other_redials),
            "node pushes": NodePush.objects.filter(call__in=call_ids).count(),
        },
        events=events,
        apply=apply,
    )
