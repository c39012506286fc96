"""Each stored light remembers the unit and list it was counted in, so re-assigning a task moves its count."""

import django.db.models.deletion
from django.db import migrations, models


def copy_keys(apps, schema_editor):
    TaskLight = apps.get_model("dispatch", "TaskLight")
    Task = apps.get_model("plans", "Task")
    task = Task.objects.filter(pk=models.OuterRef("task_id"))
    TaskLight.objects.update(
        unit_id=models.Subquery(task.values("lead_unit_id")[:1]),
        task_list_id=models.Subquery(task.values("task_list_id")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0003_report_quality_flags"),
        ("orgs", "0001_initial"),
        ("plans", "0002_task_sibling_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="tasklight",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="orgs.unit",
            ),
        ),
        migrations.AddField(
            model_name="tasklight",
            name="task_list",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="plans.tasklist",
            ),
        ),
        migrations.RunPython(copy_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="tasklight",
            name="unit",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="orgs.unit"
            ),
        ),
        migrations.AlterField(
            model_name="tasklight",
            name="task_list",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="plans.tasklist",
            ),
        ),
    ]
