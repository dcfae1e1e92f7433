"""A review with two assessors besides the lead, studies up for assessment and their assessments assigned."""

import json

from django.contrib.auth import get_user_model

from appraisal import services
from appraisal.demo import filled_entry
from appraisal.models import Appraisal, Design
from reviews.models import Role
from reviews.services import add_member
from screening.models import Study
from tests.factories import make_user

# A custom tool as a lead would write it: two domains, a conditional question, three judgements.
CUSTOM_TOOL = {
    "kind": "custom",
    "code": "jbi_lite",
    "name": "Our checklist for cohort studies",
    "version": "1",
    "answers": [{"code": "Y", "label": "Yes"}, {"code": "N", "label": "No"}, {"code": "U", "label": "Unclear"}],
    "judgements": [
        {"code": "low", "label": "Low risk", "severity": 0, "colour": "#02C100", "symbol": "+"},
        {"code": "unclear", "label": "Unclear risk", "severity": 1, "colour": "#E2DF07", "symbol": "?"},
        {"code": "high", "label": "High risk", "severity": 2, "colour": "#BF0000", "symbol": "-"},
    ],
    "domains": [
        {
            "code": "S",
            "short": "S",
            "name": "Selection",
            "questions": [
                {"code": "S1", "text": "Were both groups drawn from one population?", "options": ["Y", "N", "U"]}
            ],
        },
        {
            "code": "F",
            "short": "F",
            "name": "Follow-up",
            "questions": [
                {"code": "F1", "text": "Was follow-up complete?", "options": ["Y", "N", "U"]},
                {
                    "code": "F2",
                    "text": "Were losses explained?",
                    "options": ["Y", "N"],
                    "asked_if": {"question": "F1", "in": ["N", "U"]},
                },
            ],
        },
    ],
}


class Assessors:
    """personas' review with a second reviewer and `studies` cohort studies (ROBINS-I), each assessed twice."""

    def __init__(self, personas, studies=2):
        self.personas = personas
        self.review = personas.review
        # The extraction's team (tests/extraction/helpers.py) may have brought reviewer2 in already.
        self.second = get_user_model().objects.filter(username="reviewer2").first() or make_user("reviewer2")
        if not self.review.memberships.filter(user=self.second).exists():
            add_member(review=self.review, user=self.second, role=Role.REVIEWER, by=personas.lead)
        self.studies = [Study.objects.create(review=self.review, label=f"Cohort {i} 2019") for i in range(studies)]
        self.appraisals = [
            services.add_appraisal(review=self.review, user=personas.lead, study_id=s.pk, design=Design.COHORT)
            for s in self.studies
        ]
        services.assign_automatically(review=self.review, user=personas.lead)

    def assessment(self, appraisal: Appraisal, slot: int):
        return appraisal.assessments.get(slot=slot)

    def submit(self, appraisal, slot, slip=None, submit=True):
        """The slot's assessor answers every question and judges every domain moderate (`slip`: (domain,
        judgement) judged otherwise)."""
        return self.submit_entry(appraisal, slot, filled_entry(appraisal, slip), submit)

    def submit_entry(self, appraisal, slot, entry, submit=True):
        """The slot's assessor saves `entry`, and submits it if `submit`; returns the problems found."""
        assessment = self.assessment(appraisal, slot)
        return services.save_assessment(
            review=self.review, assessment_id=assessment.pk, user=assessment.assessor, entry=entry, submit=submit
        )


class AppraisalSetup:
    """The personas' Assessors: the lead assesses the first study (slot 1); the second, assessed by reviewer2 and
    the lead, has conflicts on D5 and overall; the third, by the reviewer and reviewer2, is settled.
    The review also has a custom tool (not chosen)."""

    def __init__(self, personas):
        from appraisal.models import Consensus

        services.choose_tool(review=personas.review, user=personas.lead, design="cohort", tool="robins_i")
        # Defined, not chosen: the admin and the backup have a custom tool to show.
        services.define_custom_tool(review=personas.review, user=personas.lead, text=json.dumps(CUSTOM_TOOL))
        self.team = Assessors(personas, studies=3)
        first, second, third = self.team.appraisals
        self.team.submit(third, 1)
        self.team.submit(third, 2)
        self.team.submit(second, 1)
        self.team.submit(second, 2, slip=("D5", "serious"))
        self.appraisal_id = first.pk
        self.assessment_id = self.team.assessment(first, 1).pk
        self.consensus_id = Consensus.objects.filter(appraisal=second, domain="D5").get().pk
