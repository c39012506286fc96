from django.db import migrations

# Frozen here (a migration imports no app code): the ladder as it stood when this migration was written.
LADDER = [
    (1, "蓝色督办单", "blue", 2, False),
    (2, "黄色督办单", "yellow", 3, True),
    (3, "红色督办单", "red", 4, True),
    (4, "约谈", "red", 6, True),
]


def install_default_ladder(step_model):
    for order, name, color, missed, leader in LADDER:
        step_model.objects.get_or_create(
            order=order,
            defaults={"name": name, "color": color, "missed_in_a_row": missed, "notify_leader": leader},
        )


def add_ladder(apps, schema_editor):
    install_default_ladder(apps.get_model("dispatch", "EscalationStep"))


def remove_ladder(apps, schema_editor):
    apps.get_model("dispatch", "EscalationStep").objects.filter(order__in=[o for o, *_ in LADDER]).delete()


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0001_initial")]
    operations = [migrations.RunPython(add_ladder, remove_ladder)]
