"""A two-arm review whose data are typed in through the real services: the RCT template plus the fields a data set
needs, two extractors per study who agree, the extraction locked. Outcomes are then defined on it as a lead would."""

from extraction import services as extraction
from extraction.models import FormField, Section
from extraction.template import load
from reviews.models import Role
from reviews.services import add_member
from screening.models import Study
from tests.factories import make_user


def entered_review(personas, studies: list[tuple[str, dict, list[dict]]], study_fields=(), arm_fields=()):
    """The personas' review with `studies` ((label, study-level values, one dict of values per arm)) extracted twice
    alike and locked; `study_fields` and `arm_fields` are FormFields added to the template's Study and arm sections."""
    review, lead = personas.review, personas.lead
    second = make_user("reviewer2")
    add_member(review=review, user=second, role=Role.REVIEWER, by=lead)
    extraction.apply_template(review=review, user=lead, template=load("rct"))
    sections = {section.title: section for section in Section.objects.filter(review=review)}
    for title, added in (("Study", study_fields), ("Arm: dichotomous outcome", arm_fields)):
        for field in added:
            field.section = sections[title]
            extraction.save_field(review=review, user=lead, field=field)
    fields = {f.key: f for f in FormField.objects.filter(review=review)}
    created = [(Study.objects.create(review=review, label=label), values, arms) for label, values, arms in studies]
    extraction.assign_automatically(review=review, user=lead)
    for study, values, arms in created:
        entries = {(fields[key].pk, 0): (str(text), "") for key, text in values.items()}
        for number, arm in enumerate(arms, start=1):
            entries |= {(fields[key].pk, number): (str(text), "") for key, text in arm.items()}
        for each in study.extractions.all():
            problems = extraction.save_extraction(
                review=review,
                extraction_id=each.pk,
                user=each.extractor,
                entries=entries,
                arm_count=max(len(arms), 1),
                submit=True,
            )
            assert not problems, problems
    extraction.lock(review=review, user=lead)
    return review
