from django.apps import AppConfig


class CollectionsAppConfig(AppConfig):
    """Collections read above both domains; it learns of each record from the inbox's signal."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "collections_app"
    verbose_name = "Collections"

    def ready(self):
        from integrations.signals import events_processed

        from .receivers import on_events_processed

        events_processed.connect(on_events_processed, dispatch_uid="collections_app.record")

        from records import erasure as erasures

        from .erasure import number_health_erasure

        erasures.register(number_health_erasure)

        from records import reading

        from .labels import group_labels, intention_labels

        for kind in ("calls", "sessions"):
            reading.register_labels(kind, "intention", intention_labels(kind))
            reading.register_labels(kind, "outcome_group", group_labels)
