# The ladder's rungs now belong to notify (its 0004), in the same table: only Django's state changes here.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dispatch', '0007_evidence_sha256'),
        ('notify', '0004_escalation_ladder_shared'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.AlterField(
            model_name='escalation',
            name='step',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='notify.escalationstep'),
        ),
        migrations.DeleteModel(
            name='EscalationStep',
        )]),
    ]
