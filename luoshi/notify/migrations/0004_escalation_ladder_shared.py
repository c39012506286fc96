# The escalation ladder becomes shared: late reports (dispatch) and overdue supervision items climb the same
# rungs, so the rung model moves below both. Only Django's state moves: the rows stay in the table dispatch
# created (dispatch_escalationstep), which dispatch 0008 hands over.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notify', '0003_notices_in_the_readers_language'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.CreateModel(
            name='EscalationStep',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('order', models.PositiveSmallIntegerField(unique=True, verbose_name='order')),
                ('name', models.CharField(max_length=50, verbose_name='name')),
                ('color', models.CharField(blank=True, max_length=10, verbose_name='colour')),
                ('missed_in_a_row', models.PositiveSmallIntegerField(verbose_name='late reports in a row')),
                ('notify_leader', models.BooleanField(default=False, verbose_name='also tell the responsible leader')),
            ],
            options={
                'verbose_name': 'escalation step',
                'verbose_name_plural': 'escalation steps',
                'db_table': 'dispatch_escalationstep',
                'ordering': ['order'],
            },
        )]),
    ]
