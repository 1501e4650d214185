"""Rollups hold the measures each record kind declares: up to six, no fixed flag column.

Rolled rows are derived data: they are emptied here and rolled again by the next roll (until
then every number is counted from the records, as for any day not rolled).
"""

from django.db import migrations, models


def empty(apps, schema_editor):
    apps.get_model("dashboard", "OutcomeDay").objects.all().delete()
    apps.get_model("dashboard", "RolledDay").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0002_outcome_rollups")]

    operations = [
        migrations.RunPython(empty, migrations.RunPython.noop),
        migrations.RemoveField(model_name="outcomeday", name="flagged"),
        *[
            migrations.AddField(
                model_name="outcomeday", name=f"{part}_{index}", field=field
            )
            for index in range(3, 7)
            for part, field in (
                ("sum", models.BigIntegerField(default=0)),
                ("n", models.PositiveIntegerField(default=0)),
            )
        ],
        migrations.RenameField(model_name="rolledday", old_name="time_zone", new_name="layout"),
    ]
