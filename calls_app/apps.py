from integrations.apps import RecordsAppConfig


class CallsAppConfig(RecordsAppConfig):
    default = True
    name = "calls_app"
    verbose_name = "Call results"
    record_kinds = ("CALLS",)
    event_kinds = ("CALL_RESULT",)
