from django.db import migrations, models

# UnitKind -> UnitCategory as it stood when the category came in: the units there are fall in the
# category of their kind (the city and task forces in none), as a new one does.
CATEGORY_OF_KIND = {
    "county": "county",
    "department": "department",
    "park": "park",
    "enterprise": "enterprise",
    "township": "township",
}


def categorise(apps, schema_editor):
    Unit = apps.get_model("orgs", "Unit")
    for kind, category in CATEGORY_OF_KIND.items():
        Unit.objects.filter(kind=kind, category="").update(category=category)


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0002_accounts"),
    ]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="category",
            field=models.CharField(
                blank=True,
                choices=[
                    ("county", "County or district"),
                    ("department", "City department"),
                    ("park", "Development park"),
                    ("enterprise", "State enterprise"),
                    ("township", "Township or subdistrict"),
                    ("other", "Other"),
                ],
                max_length=20,
                verbose_name="ranking category",
            ),
        ),
        migrations.RunPython(categorise, migrations.RunPython.noop),
    ]
