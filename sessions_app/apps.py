from django.apps import AppConfig


class SessionsAppConfig(AppConfig):
    name = "sessions_app"
    verbose_name = "Chat sessions"

    def ready(self):
        from integrations import kinds

        from .kinds import CHATBOT_SESSION_END

        kinds.register(CHATBOT_SESSION_END)
