from django.apps import AppConfig


class CallsAppConfig(AppConfig):
    name = "calls_app"
    verbose_name = "Call results"

    def ready(self):
        from integrations import kinds

        from .kinds import CALL_RESULT

        kinds.register(CALL_RESULT)
