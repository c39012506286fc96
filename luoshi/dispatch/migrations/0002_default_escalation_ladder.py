from django.db import migrations

from luoshi.dispatch.ladder import LADDER, install_default_ladder


def add_ladder(apps, schema_editor):
    install_default_ladder(apps.get_model("dispatch", "EscalationStep"))


def remove_ladder(apps, schema_editor):
    apps.get_model("dispatch", "EscalationStep").objects.filter(order__in=[o for o, *_ in LADDER]).delete()


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0001_initial")]
    operations = [migrations.RunPython(add_ladder, remove_ladder)]
