"""A new stage plugs in by being an app that registers itself (reviews/stages.py), with no edit of reviews/.

tests/plugin_stage is such an app, installed here only: it registers a navigation section, a line of the
dashboard's progress panel, a demo step and its model in the review backup, at order 400, between extraction
and analysis. Its table is created for these tests and dropped after them."""

import dataclasses
import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import modify_settings, override_settings
from django.urls import reverse

from reviews import stages
from reviews.backup import export_review, import_review
from reviews.demo import DEMOS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def note_model():
    with (
        modify_settings(INSTALLED_APPS={"append": "tests.plugin_stage"}),
        override_settings(ROOT_URLCONF="tests.plugin_stage.root_urls"),
    ):
        from tests.plugin_stage.models import Note

        apps.clear_cache()  # Django expires the models' relation caches only once the registry is ready again
        with connection.schema_editor() as editor:
            editor.create_model(Note)
        try:
            yield Note
        finally:
            with connection.schema_editor() as editor:
                editor.delete_model(Note)


def test_its_section_comes_between_extraction_and_analysis_and_its_page_opens(client, personas, note_model):
    client.force_login(personas.viewer)
    page = client.get(reverse("reviews:dashboard", args=[personas.review.pk])).text
    nav = re.search(r'<nav class="review-nav".*?</nav>', page, re.S).group()
    labels = re.findall(r">([^<]+)</a>", nav)
    assert labels.index("Extraction") < labels.index("Appraisal notes") < labels.index("Analysis")
    notes = client.get(reverse("plugin_stage:notes", args=[personas.review.pk]))
    assert notes.status_code == 200
    assert 'aria-current="page">Appraisal notes<' in notes.text


def test_its_line_is_on_the_dashboard(client, personas, note_model):
    note_model.objects.create(review=personas.review, text="Low risk overall")
    client.force_login(personas.viewer)
    page = re.sub(r"\s+", " ", client.get(reverse("reviews:dashboard", args=[personas.review.pk])).text)
    assert "Appraisal notes</a></dt><dd>1</dd>" in page
    assert page.index("Studies included") < page.index("Appraisal notes</a></dt>") < page.index("Analyses")


def test_its_demo_step_runs_in_its_place(monkeypatch, note_model):
    """The other stages' steps are replaced by recorders here: the real ones take seconds to minutes."""
    ran = []
    for stage in stages.stages():
        if stage.app != "plugin_stage":
            recorder = dataclasses.replace(stage, demo=lambda review, app=stage.app: ran.append(app))
            monkeypatch.setitem(stages._registered, stage.app, recorder)
    original = stages._registered["plugin_stage"]
    plugin_step = original.demo

    def plugin(review):
        ran.append("plugin_stage")
        plugin_step(review)

    monkeypatch.setitem(stages._registered, "plugin_stage", dataclasses.replace(original, demo=plugin))
    call_command("demo", stdout=io.StringIO())
    # Every step on each demo review in turn: NMOSD's, then the BCG trials'.
    order = ["identification", "screening", "extraction", "appraisal", "plugin_stage", "analysis", "certainty"]
    assert ran == order * len(DEMOS)
    notes = set(note_model.objects.values_list("review__demo", "text"))
    assert notes == {(spec.key, "Appraised in the demo") for spec in DEMOS}


def test_its_rows_are_in_the_review_backup_in_its_place_and_restore(personas, note_model):
    personas.identification()
    note_model.objects.create(review=personas.review, text="Some concerns")
    document = export_review(personas.review)
    labels = [item["model"] for item in document["objects"]]
    assert labels.index("identification.record") < labels.index("plugin_stage.note")
    assert labels[-1] == "plugin_stage.note"  # nothing of extraction and analysis exists yet

    call_command("flush", interactive=False, verbosity=0)
    restored = import_review(document)
    assert restored.plugin_notes.get().text == "Some concerns"


def test_without_the_app_nothing_of_it_shows(client, personas):
    assert "plugin_stage" not in [stage.app for stage in stages.stages()]
    client.force_login(personas.viewer)
    assert "Appraisal notes" not in client.get(reverse("reviews:dashboard", args=[personas.review.pk])).text
