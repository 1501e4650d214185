from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "AI Rudder integration"

    def ready(self):
        from . import endpoints  # noqa: F401 - connects the endpoint cache's signals
