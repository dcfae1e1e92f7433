"""Votes, resolutions and reports point at the record model in its new app (identification 0001). State only:
the table they reference is the same one, renamed there, and the database followed the rename."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("identification", "0001_identification_moved_out_of_reviews"),
        ("screening", "0003_vote_event_exclusion_reason"),
    ]
    run_before = [("reviews", "0007_identification_moved_out")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='report',
                    name='record',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='report', to='identification.record'),
                ),
                migrations.AlterField(
                    model_name='resolution',
                    name='record',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='resolutions', to='identification.record'),
                ),
                migrations.AlterField(
                    model_name='vote',
                    name='record',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='votes', to='identification.record'),
                ),
            ],
            database_operations=[],
        ),
    ]
