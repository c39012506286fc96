"""Key the audit chain, and refuse UPDATE and DELETE on its tables in the database.

Blocks sealed before this record the unkeyed scheme, `sha256`, and keep their hashes. Events still
waiting to be sealed carry unkeyed digests, so they are sealed here, in unkeyed blocks, with the code as it
was; everything recorded from now on is keyed, and the first keyed block's HMAC covers the last unkeyed
block's hash, so the history before it cannot be rewritten either.
"""

import hashlib

from django.db import migrations, models

from luoshi.audit import guard
from luoshi.core import clock

BATCH = 5000


def seal_unkeyed(apps, schema_editor):
    AuditBlock = apps.get_model("audit", "AuditBlock")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    while pending := list(AuditEvent.objects.filter(block__isnull=True).order_by("id")[:BATCH]):
        last = AuditBlock.objects.order_by("-id").first()
        prev_hash = last.hash if last else "0" * 64
        lines = "".join(f"{i}:{e.pk}:{e.digest}\n" for i, e in enumerate(pending))
        root = hashlib.sha256(lines.encode()).hexdigest()
        sealed_at = clock.now()
        text = f"{prev_hash}|{root}|{len(pending)}|{sealed_at.isoformat()}"
        block = AuditBlock.objects.create(
            sealed_at=sealed_at,
            event_count=len(pending),
            events_root=root,
            prev_hash=prev_hash,
            hash=hashlib.sha256(text.encode()).hexdigest(),
            scheme="sha256",
            key_id="",
        )
        for i, event in enumerate(pending):
            event.block, event.position = block, i
        AuditEvent.objects.bulk_update(pending, ["block", "position"], batch_size=500)


def install_guard(apps, schema_editor):
    guard.install(schema_editor.connection)


def remove_guard(apps, schema_editor):
    guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_auditevent_subject"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditblock",
            name="key_id",
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.AddField(
            model_name="auditblock",
            name="scheme",
            field=models.CharField(default="sha256", max_length=20),
            preserve_default=False,
        ),
        migrations.RunPython(seal_unkeyed, migrations.RunPython.noop),
        migrations.RunPython(install_guard, remove_guard),
    ]
