"""Vote events name their record, stage and reviewer themselves, copied here from their votes, so that they can
outlive a withdrawn vote (0007_vote_withdrawal). The columns are made required there: PostgreSQL alters no table
with the copy's foreign key checks pending in the same transaction."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_places_from_votes(apps, schema_editor):
    VoteEvent, Vote = apps.get_model("screening", "VoteEvent"), apps.get_model("screening", "Vote")
    vote = Vote.objects.filter(pk=OuterRef("vote_id"))
    VoteEvent.objects.update(
        record_id=Subquery(vote.values("record_id")),
        stage=Subquery(vote.values("stage")),
        reviewer_id=Subquery(vote.values("reviewer_id")),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("identification", "0001_identification_moved_out_of_reviews"),
        ("screening", "0005_record_tags_issue24"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="voteevent",
            name="record",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="vote_events",
                to="identification.record",
            ),
        ),
        migrations.AddField(
            model_name="voteevent",
            name="stage",
            field=models.CharField(
                choices=[("title_abstract", "Title/abstract"), ("full_text", "Full text")], default="", max_length=20
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="voteevent",
            name="reviewer",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="vote_events",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(copy_places_from_votes, migrations.RunPython.noop, elidable=False),
    ]
