from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy"

    def ready(self):
        from axes.signals import user_locked_out

        from . import tasks  # noqa: F401 - registers the daily retention task
        from .lockout import lockout_audit

        user_locked_out.connect(lockout_audit, dispatch_uid="privacy.lockout_audit")
