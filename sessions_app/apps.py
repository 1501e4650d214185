from django.apps import AppConfig


class SessionsAppConfig(AppConfig):
    name = "sessions_app"
    verbose_name = "Chat sessions"

    def ready(self):
        from integrations import kinds, retention

        from .kinds import CHATBOT_SESSION_END

        kinds.register(CHATBOT_SESSION_END)
        # Deleted, with their children, when older than AIRUDDER_RETENTION_RECORDS_DAYS.
        from .models import ChatSession

        retention.register_records("chat sessions", ChatSession, "notified_at")
