from importlib import import_module

from django.apps import AppConfig

EVENTS = "webhook events"  # the stored deliveries, as retention names them
REJECTIONS = "refused deliveries"


class IntegrationsConfig(AppConfig):
    default = True  # RecordsAppConfig, the domain apps' base, stands beside it
    name = "integrations"
    verbose_name = "AI Rudder integration"

    def ready(self):
        from integrations import (
            endpoints,  # noqa: F401 - connects the endpoint cache's signals
            tasks,  # noqa: F401 - registers the tasks dispatch names
        )
        from privacy import retention

        from .models import WebhookEvent, WebhookRejection

        retention.register_records(
            EVENTS, WebhookEvent, "received_at", setting="AIRUDDER_RETENTION_EVENTS_DAYS", order=1
        )
        retention.register_records(
            REJECTIONS,
            WebhookRejection,
            "received_at",
            setting="AIRUDDER_RETENTION_REJECTIONS_DAYS",
        )


class RecordsAppConfig(AppConfig):
    """The app config of a domain app: it names its event kinds (``EventKind``s of its
    ``kinds`` module) and record kinds (``RecordKind``s of its ``reading`` module), which are
    registered when Django starts; the inbox and the readers never import the app."""

    event_kinds: tuple[str, ...]
    record_kinds: tuple[str, ...] = ()

    def ready(self):
        from integrations import kinds
        from privacy import retention
        from records import reading

        declared = import_module(f"{self.name}.kinds")
        for kind in self.event_kinds:
            kinds.register(getattr(declared, kind))
        read = import_module(f"{self.name}.reading") if self.record_kinds else None
        for name in self.record_kinds:
            kind = reading.register(getattr(read, name))
            if kind.expires:
                retention.register_records(kind.expires[0], kind.model, kind.expires[1])
