"""Extraction test data, built with the real services."""

from extraction import services
from extraction.models import FormField
from extraction.template import load
from screening.models import Study
from tests.factories import make_user

BASE = {
    "study_design": "retrospective cohort",
    "country": "China",
    "treatment": "tocilizumab",
    "n": "20",
    "women": "18",
    "men": "2",
    "arr_before_mean": "1.5",
    "arr_before_sd": "0.8",
    "arr_after_mean": "0.2",
    "arr_after_sd": "0.3",
}


class Team:
    """A review with the NMOSD form, a second reviewer and `studies` included studies, each assigned twice."""

    def __init__(self, personas, studies=2):
        from reviews.models import Role
        from reviews.services import add_member

        self.personas = personas
        self.review = personas.review
        self.second = make_user("reviewer2")
        add_member(review=self.review, user=self.second, role=Role.REVIEWER, by=personas.lead)
        services.apply_template(review=self.review, user=personas.lead, template=load("nmosd"))
        self.studies = [Study.objects.create(review=self.review, label=f"Study {i} 2020") for i in range(studies)]
        services.assign_automatically(review=self.review, user=personas.lead)
        self.fields = {f.key: f for f in FormField.objects.filter(review=self.review)}

    def extraction(self, study, slot):
        return study.extractions.get(slot=slot)

    def entries(self, arms=1, **values):
        """{(field id, arm): (value, note)} from key=value (per-arm keys apply to every arm)."""
        values = {**BASE, **values}
        entries = {}
        for key, text in values.items():
            field = self.fields[key]
            for arm in range(1, arms + 1) if field.per_arm else [0]:
                entries[field.pk, arm] = (text, "")
        return entries

    def submit(self, study, slot, arms=1, submit=True, **values):
        extraction = self.extraction(study, slot)
        return services.save_extraction(
            review=self.review,
            extraction_id=extraction.pk,
            user=extraction.extractor,
            entries=self.entries(arms, **values),
            arm_count=arms,
            submit=submit,
        )
