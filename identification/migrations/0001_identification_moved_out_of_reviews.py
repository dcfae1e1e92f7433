"""The identification stage's models (searches, imports, records, possible duplicates) move from the reviews app
into their own app, with their rows.

The models are first declared here over the tables they already have (state only: nothing is written), then
their tables get this app's names, and their content types follow them, so that admin permissions and admin log
entries stay attached. Screening's foreign keys to records are pointed at the new model in its 0004 and the old
models leave the reviews app's state in its 0007, which runs after both.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ["search", "recordimport", "record", "duplicatecandidate"]


def move_content_types(from_app, to_app):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        ContentType.objects.using(db).filter(app_label=from_app, model__in=MOVED).update(app_label=to_app)

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("reviews", "0006_record_unique_by_import_index"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    run_before = [("reviews", "0007_identification_moved_out")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='RecordImport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('upload', models.FileField(upload_to='imports/%Y/%m/')),
                        ('file_name', models.CharField(max_length=255)),
                        ('file_format', models.CharField(blank=True, max_length=20)),
                        ('encoding', models.CharField(blank=True, max_length=40)),
                        ('column_mapping', models.JSONField(blank=True, default=dict)),
                        ('status', models.CharField(choices=[('preview', 'Awaiting confirmation'), ('queued', 'Queued'), ('running', 'Importing'), ('done', 'Imported'), ('failed', 'Failed')], default='preview', max_length=20)),
                        ('stage', models.CharField(blank=True, help_text='What the import is doing now.', max_length=100)),
                        ('record_count', models.PositiveIntegerField(default=0)),
                        ('merged_count', models.PositiveIntegerField(default=0, verbose_name='duplicates merged')),
                        ('queued_count', models.PositiveIntegerField(default=0, verbose_name='possible duplicates queued')),
                        ('warnings', models.JSONField(blank=True, default=list)),
                        ('error', models.TextField(blank=True)),
                        ('attempt', models.PositiveIntegerField(default=1, help_text='Raised when an interrupted import is started again; a run of an earlier attempt stops.')),
                        ('stage_changed_at', models.DateTimeField(blank=True, help_text='When the import last made progress.', null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('review', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='imports', to='reviews.review')),
                    ],
                    options={
                        'db_table': 'reviews_recordimport',
                        'ordering': ['review', '-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Record',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveIntegerField(help_text='Order of the record in its file, from 1.')),
                        ('title', models.TextField(blank=True)),
                        ('abstract', models.TextField(blank=True)),
                        ('authors', models.JSONField(blank=True, default=list)),
                        ('year', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('journal', models.TextField(blank=True)),
                        ('volume', models.CharField(blank=True, max_length=100)),
                        ('issue', models.CharField(blank=True, max_length=100)),
                        ('pages', models.CharField(blank=True, max_length=100)),
                        ('doi', models.CharField(blank=True, max_length=255, verbose_name='DOI')),
                        ('pmid', models.CharField(blank=True, max_length=20, verbose_name='PMID')),
                        ('keywords', models.JSONField(blank=True, default=list)),
                        ('url', models.TextField(blank=True)),
                        ('raw', models.JSONField(blank=True, default=dict)),
                        ('merged', models.JSONField(blank=True, help_text='Best values of the group, on its primary only.', null=True)),
                        ('duplicate_of', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='duplicates', to='identification.record')),
                        ('review', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='records', to='reviews.review')),
                        ('source_import', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='records', to='identification.recordimport')),
                    ],
                    options={
                        'db_table': 'reviews_record',
                        'ordering': ['review', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Search',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source', models.CharField(help_text='Database or register, e.g. PubMed, Embase, CENTRAL.', max_length=200)),
                        ('platform', models.CharField(blank=True, help_text='Interface used, e.g. Ovid, EBSCOhost.', max_length=200)),
                        ('source_type', models.CharField(choices=[('database', 'Database'), ('register', 'Register'), ('website', 'Website'), ('organisation', 'Organisation'), ('citation', 'Citation searching'), ('other', 'Other method')], default='database', max_length=20)),
                        ('date_searched', models.DateField()),
                        ('strategy', models.TextField(blank=True, help_text='The full search string as run.', verbose_name='search strategy')),
                        ('notes', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('review', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='searches', to='reviews.review')),
                    ],
                    options={
                        'db_table': 'reviews_search',
                        'verbose_name_plural': 'searches',
                        'ordering': ['review', 'date_searched', 'id'],
                    },
                ),
                migrations.AddField(
                    model_name='recordimport',
                    name='search',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='imports', to='identification.search'),
                ),
                migrations.CreateModel(
                    name='DuplicateCandidate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('score', models.FloatField()),
                        ('reasons', models.CharField(max_length=300)),
                        ('status', models.CharField(choices=[('pending', 'Awaiting a decision'), ('merged', 'Merged automatically'), ('confirmed', 'Confirmed duplicate'), ('distinct', 'Not a duplicate')], default='pending', max_length=20)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('review', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='duplicate_candidates', to='reviews.review')),
                        ('first', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='identification.record')),
                        ('second', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='identification.record')),
                    ],
                    options={
                        'db_table': 'reviews_duplicatecandidate',
                        'ordering': ['review', '-score', 'id'],
                        'constraints': [models.UniqueConstraint(fields=('first', 'second'), name='duplicate_candidate_one_per_pair'), models.CheckConstraint(condition=models.Q(('first__lt', models.F('second'))), name='duplicate_candidate_ordered_pair'), models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'merged', 'confirmed', 'distinct'])), name='duplicate_candidate_status_valid')],
                    },
                ),
                migrations.AddIndex(
                    model_name='record',
                    index=models.Index(fields=['review', 'doi'], name='record_review_doi'),
                ),
                migrations.AddIndex(
                    model_name='record',
                    index=models.Index(fields=['review', 'pmid'], name='record_review_pmid'),
                ),
                migrations.AddIndex(
                    model_name='record',
                    index=models.Index(fields=['review', 'duplicate_of'], name='record_review_duplicate_of'),
                ),
                migrations.AddIndex(
                    model_name='record',
                    index=models.Index(condition=models.Q(('duplicate_of__isnull', True)), fields=['review', 'source_import'], name='record_unique_by_import'),
                ),
                migrations.AddConstraint(
                    model_name='record',
                    constraint=models.UniqueConstraint(fields=('source_import', 'position'), name='record_one_per_position_in_import'),
                ),
                migrations.AddConstraint(
                    model_name='record',
                    constraint=models.CheckConstraint(condition=models.Q(('duplicate_of', models.F('id')), _negated=True), name='record_not_duplicate_of_itself'),
                ),
                migrations.AddConstraint(
                    model_name='search',
                    constraint=models.CheckConstraint(condition=models.Q(('source_type__in', ['database', 'register', 'website', 'organisation', 'citation', 'other'])), name='search_source_type_valid'),
                ),
                migrations.AddConstraint(
                    model_name='search',
                    constraint=models.CheckConstraint(condition=models.Q(('source', ''), _negated=True), name='search_source_not_empty'),
                ),
                migrations.AddConstraint(
                    model_name='recordimport',
                    constraint=models.CheckConstraint(condition=models.Q(('status__in', ['preview', 'queued', 'running', 'done', 'failed'])), name='record_import_status_valid'),
                ),
            ],
            database_operations=[],
        ),
        *(migrations.AlterModelTable(name=name, table=None) for name in MOVED),
        migrations.RunPython(
            move_content_types("reviews", "identification"), move_content_types("identification", "reviews")
        ),
    ]
