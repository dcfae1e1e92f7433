"""The identification stage's models left for their own app (identification 0001, which took their tables and
rows): they leave this app's state. State only; the stages that pointed at them run first (their run_before)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("reviews", "0006_record_unique_by_import_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='record',
                    name='duplicate_of',
                ),
                migrations.RemoveField(
                    model_name='record',
                    name='review',
                ),
                migrations.RemoveField(
                    model_name='record',
                    name='source_import',
                ),
                migrations.RemoveField(
                    model_name='recordimport',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='recordimport',
                    name='review',
                ),
                migrations.RemoveField(
                    model_name='recordimport',
                    name='search',
                ),
                migrations.RemoveField(
                    model_name='search',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='search',
                    name='review',
                ),
                migrations.DeleteModel(
                    name='DuplicateCandidate',
                ),
                migrations.DeleteModel(
                    name='Record',
                ),
                migrations.DeleteModel(
                    name='RecordImport',
                ),
                migrations.DeleteModel(
                    name='Search',
                ),
            ],
            database_operations=[],
        ),
    ]
