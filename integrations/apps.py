from importlib import import_module

from django.apps import AppConfig

EVENTS = "webhook events"  # the stored deliveries, as retention names them


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "AI Rudder integration"

    def ready(self):
        from integrations import (
            endpoints,  # noqa: F401 - connects the endpoint cache's signals
            tasks,  # noqa: F401 - registers the tasks dispatch names
        )
        from privacy import retention

        from .models import WebhookEvent

        retention.register_records(
            EVENTS, WebhookEvent, "received_at", setting="AIRUDDER_RETENTION_EVENTS_DAYS", order=1
        )


class RecordsAppConfig(AppConfig):
    """The app config of a domain app: its event kinds, record kinds and records' retention.

    ``event_kinds`` names the ``EventKind``s in the app's ``kinds`` module, ``record_kinds``
    the ``RecordKind``s (the read side) in its ``reading`` module; ``records`` is (name,
    model, time field) of the records that expire after ``AIRUDDER_RETENTION_RECORDS_DAYS``.
    The inbox reads both from its registries and never imports the app.
    """

    default = False  # a base: not the config of the apps that import it (they set True)
    event_kinds: tuple[str, ...]
    record_kinds: tuple[str, ...] = ()
    records: tuple[str, str, str]

    def ready(self):
        from integrations import kinds
        from privacy import retention
        from records import reading

        declared = import_module(f"{self.name}.kinds")
        for kind in self.event_kinds:
            kinds.register(getattr(declared, kind))
        read = import_module(f"{self.name}.reading") if self.record_kinds else None
        for kind in self.record_kinds:
            reading.register(getattr(read, kind))
        name, model, time_field = self.records
        retention.register_records(name, self.get_model(model), time_field)
