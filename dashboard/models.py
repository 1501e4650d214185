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


MEASURE_SLOTS = 6  # stored measures per kind of record (``RecordKind.stored_measures``)


class OutcomeDay(models.Model):
    """One day's numbers of one kind of record for one workflow and account, one combination of
    the rolled keys (robot, channel) and one value of one rolled split (``dimension``), or of two
    crossed splits (``value`` and ``value2``).

    ``count`` counts records; ``sum_i``/``n_i`` hold the parts of the kind's i-th stored measure
    (a count, a sum, or an average's sum and count), so numbers over many days add up exactly.
    Every split carries every record: any one split's rows add up to the day's totals.
    """

    kind = models.CharField(max_length=16)
    day = models.DateField()
    workflow = models.ForeignKey(
        "integrations.Workflow", null=True, on_delete=models.CASCADE, db_index=False
    )
    endpoint = models.ForeignKey(
        "integrations.WebhookEndpoint", null=True, on_delete=models.CASCADE, db_index=False
    )
    robot_id = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=64, blank=True)
    dimension = models.CharField(max_length=32)
    value = models.CharField(max_length=128, blank=True)
    # A crossed split (``RecordKind.crossed``, dimension ``"intention|hour"``): the second value.
    value2 = models.CharField(max_length=128, blank=True, default="")
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["kind", "dimension", "day"], name="outcomeday_lookup")]

    def __str__(self) -> str:
        return f"{self.kind} {self.day} {self.dimension}={self.value}: {self.count}"


for _slot in range(1, MEASURE_SLOTS + 1):  # sum_1, n_1, ... sum_6, n_6
    OutcomeDay.add_to_class(f"sum_{_slot}", models.BigIntegerField(default=0))
    OutcomeDay.add_to_class(f"n_{_slot}", models.PositiveIntegerField(default=0))


class RolledDay(models.Model):
    """Whether one day of one kind is rolled up in ``OutcomeDay`` and still exact.

    ``dirty`` is set by every write or delete of a record of that day (``dashboard.rollups``),
    so that day is counted from the records until it is rolled again. ``layout`` names what it
    was rolled with (time zone, splits, measures): rows of another layout are not used.
    """

    kind = models.CharField(max_length=16)
    day = models.DateField()
    layout = models.CharField(max_length=64)
    dirty = models.BooleanField(default=True)
    rolled_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "day"], name="rolledday_kind_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.day} ({'dirty' if self.dirty else 'rolled'})"
