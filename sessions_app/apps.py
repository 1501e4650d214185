from integrations import apps  # the module: its base class is not a candidate config here


class SessionsAppConfig(apps.RecordsAppConfig):
    name = "sessions_app"
    verbose_name = "Chat sessions"
    record_kinds = ("SESSIONS",)
    event_kinds = ("CHATBOT_SESSION_END",)
