from django.apps import AppConfig


class DashboardConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboard"
    verbose_name = "Dashboard"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed

        from .roles import staff_status_follows_roles
        from .rollups import connect_signals

        m2m_changed.connect(
            staff_status_follows_roles,
            sender=get_user_model().groups.through,
            dispatch_uid="dashboard.staff_status_follows_roles",
        )
        connect_signals()
