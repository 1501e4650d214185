from django.apps import AppConfig


class CallsAppConfig(AppConfig):
    name = "calls_app"
    verbose_name = "Call results"

    def ready(self):
        from integrations import kinds, retention

        from .kinds import CALL_RESULT

        kinds.register(CALL_RESULT)
        # Deleted, with their children, when older than AIRUDDER_RETENTION_RECORDS_DAYS.
        from .models import CallResult

        retention.register_records("call results", CallResult, "last_pushed_at")
