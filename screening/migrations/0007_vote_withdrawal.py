"""A vote may be withdrawn while its record still waits (issue 24): its events outlive it (their vote emptied), and
a withdrawal is an event of its own, with no decision's reason or note."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("identification", "0001_identification_moved_out_of_reviews"),
        ("screening", "0006_vote_event_place"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="voteevent",
            name="record",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="vote_events", to="identification.record"
            ),
        ),
        migrations.AlterField(
            model_name="voteevent",
            name="reviewer",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="vote_events", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AlterField(
            model_name="voteevent",
            name="vote",
            field=models.ForeignKey(
                blank=True,
                help_text="The vote this event set, while that vote stands; empty once it was withdrawn.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="events",
                to="screening.vote",
            ),
        ),
        migrations.AlterField(
            model_name="voteevent",
            name="decision",
            field=models.CharField(
                choices=[("include", "Include"), ("exclude", "Exclude"), ("maybe", "Maybe"), ("withdrawn", "Withdrawn")],
                max_length=10,
            ),
        ),
        migrations.AlterModelOptions(name="voteevent", options={"ordering": ["record", "stage", "at", "id"]}),
        migrations.AddIndex(
            model_name="voteevent",
            index=models.Index(fields=["record", "stage", "reviewer"], name="vote_event_place"),
        ),
        migrations.AddConstraint(
            model_name="voteevent",
            constraint=models.CheckConstraint(
                condition=models.Q(("stage__in", ["title_abstract", "full_text"])), name="vote_event_stage_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="voteevent",
            constraint=models.CheckConstraint(
                condition=models.Q(("decision__in", ["include", "exclude", "maybe", "withdrawn"])),
                name="vote_event_decision_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="voteevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("decision", "withdrawn"), _negated=True),
                    models.Q(("exclusion_reason__isnull", True), ("note", ""), ("vote__isnull", True)),
                    _connector="OR",
                ),
                name="vote_event_withdrawal_is_bare",
            ),
        ),
    ]
