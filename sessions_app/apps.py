from integrations.apps import RecordsAppConfig


class SessionsAppConfig(RecordsAppConfig):
    default = True
    name = "sessions_app"
    verbose_name = "Chat sessions"
    record_kinds = ("SESSIONS",)
    event_kinds = ("CHATBOT_SESSION_END",)
