"""Give every audit event its subject, the object whose history it belongs to, and index it.

The subject is left out of the digest, so the events recorded before keep theirs; it is derived from what
the digest covers, as `verify` derives it again.
"""

from django.db import migrations, models

from luoshi.audit.subjects import derive

# The `audit_subject` links of the models as this migration was written (audit.subjects reads the live ones).
LINKS = {
    "plans.milestone": ("task_id", "plans.task"),
    "plans.pledge": ("task_id", "plans.task"),
    "dispatch.report": ("task_id", "plans.task"),
    "dispatch.evidence": ("report_id", "dispatch.report"),
    "dispatch.escalation": ("task_id", "plans.task"),
}
BATCH = 2000


def fill_subjects(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")

    def rows(label, attname, pks):
        try:
            model = apps.get_model(label)
        except LookupError:
            return {}
        return {str(pk): v for pk, v in model._base_manager.filter(pk__in=pks).values_list("pk", attname)}

    fields = ("id", "object_type", "object_id", "before", "after")
    last = 0
    while events := list(AuditEvent.objects.filter(id__gt=last).order_by("id").only(*fields)[:BATCH]):
        last = events[-1].pk
        for event, subject in zip(events, derive(events, link=LINKS.get, rows=rows), strict=True):
            event.subject_type, event.subject_id = subject or (event.object_type, event.object_id)
        AuditEvent.objects.bulk_update(events, ["subject_type", "subject_id"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="subject_type",
            field=models.CharField(default="", max_length=60, verbose_name="subject type"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="subject_id",
            field=models.CharField(default="", max_length=40, verbose_name="subject id"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_subjects, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["subject_type", "subject_id", "id"], name="audit_event_subject"),
        ),
    ]
