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


class OutcomeDay(models.Model):
    """One day's counts of one kind of record (calls, chat sessions) for one combination of the
    dashboard's filters (workflow, robot, channel), the flag (answered, handed over) and one
    value of one split (``dimension``: intention, hangup type, ...). ``dashboard.rollups``
    writes and reads them; the dashboard's numbers over closed days come from here.

    ``count`` counts records; ``sum_1``/``n_1`` and ``sum_2``/``n_2`` are the sums and counts
    of the two averaged measures of the kind (``Rollup.measures``), so averages combine exactly.
    Every split carries every record: any one split's rows add up to the day's totals.
    """

    kind = models.CharField(max_length=16)
    day = models.DateField()
    workflow = models.ForeignKey(
        "integrations.Workflow", null=True, on_delete=models.CASCADE, db_index=False
    )
    robot_id = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=64, blank=True)
    flagged = models.BooleanField()
    dimension = models.CharField(max_length=32)
    value = models.CharField(max_length=128, blank=True)
    count = models.PositiveIntegerField()
    sum_1 = models.BigIntegerField(default=0)
    n_1 = models.PositiveIntegerField(default=0)
    sum_2 = models.BigIntegerField(default=0)
    n_2 = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["kind", "dimension", "day"], name="outcomeday_lookup")]

    def __str__(self) -> str:
        return f"{self.kind} {self.day} {self.dimension}={self.value}: {self.count}"


class RolledDay(models.Model):
    """Whether one day of one kind is rolled up in ``OutcomeDay`` and still exact.

    ``dirty`` is set, under this row's lock, by every write or delete of a record of that day
    (``dashboard.rollups``), so the dashboard counts that day from the records again until it
    is rolled again. ``time_zone`` is the zone its days were cut in: after a change of
    ``TIME_ZONE`` the rows of another zone are not used.
    """

    kind = models.CharField(max_length=16)
    day = models.DateField()
    time_zone = models.CharField(max_length=64)
    dirty = models.BooleanField(default=True)
    rolled_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "day"], name="rolledday_kind_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.day} ({'dirty' if self.dirty else 'rolled'})"
