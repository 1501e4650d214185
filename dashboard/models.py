from django.db import models


class Dashboard(models.Model):
    """No table: the holder of the dashboard's permission, so groups can be given it.

    ``managed = False`` and no default permissions: Django creates only the permission below
    (content type ``dashboard.dashboard``) and never a table.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_dashboard", "Can view the outcomes dashboard")]

    def __str__(self) -> str:
        return "Dashboard"
