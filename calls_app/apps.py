from integrations import apps  # the module: its base class is not a candidate config here


class CallsAppConfig(apps.RecordsAppConfig):
    name = "calls_app"
    verbose_name = "Call results"
    record_kinds = ("CALLS",)
    event_kinds = ("CALL_RESULT",)
