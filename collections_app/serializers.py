"""The rows of the collections API; the customer's number masked unless the user may see it."""

from rest_framework import serializers

from privacy.masking import can_view_contact_details, mask_phone

from .models import NumberHealth, Promise


class MaskedNumberField(serializers.CharField):
    def to_representation(self, value):
        request = self.context.get("request")
        text = super().to_representation(value)
        return (
            text if can_view_contact_details(getattr(request, "user", None)) else mask_phone(text)
        )


PROMISE_FIELDS = [
    "id", "source", "call_id", "case_id", "customer_number", "made_at", "promised_date",
    "amount", "currency", "status",
]  # fmt: skip
NUMBER_FIELDS = [
    "customer_number",
    "attempts",
    "answered",
    "right_party_contacts",
    "last_called_at",
    "health",
]


class CustomerRowSerializer(serializers.ModelSerializer):
    customer_number = MaskedNumberField(read_only=True)


class PromiseSerializer(CustomerRowSerializer):
    status = serializers.ChoiceField(choices=Promise.Status.choices, read_only=True)

    class Meta:
        model = Promise
        fields = PROMISE_FIELDS


class NumberHealthSerializer(CustomerRowSerializer):
    health = serializers.ChoiceField(choices=NumberHealth.Health.choices, read_only=True)

    class Meta:
        model = NumberHealth
        fields = NUMBER_FIELDS
