"""The demo reviews a new installation shows, built with the real services: NMOSD (within-arm change, observational
studies) and the BCG vaccine trials (two-arm, dichotomous). Each review carries its demo's key (Review.demo), by
which every stage's demo step knows which data to fill it with (stages.by_demo)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from reviews import services
from reviews.models import Review, Role

NMOSD, BCG = "nmosd", "bcg"
DEMO_TITLE = "Tocilizumab versus azathioprine for NMOSD"
BCG_TITLE = "BCG vaccine for preventing tuberculosis"

# (username, role, password). Passwords are public on purpose: this is demo data.
DEMO_USERS = [
    ("lead", Role.LEAD, "tandem-lead-demo"),
    ("reviewer1", Role.REVIEWER, "tandem-reviewer1-demo"),
    ("reviewer2", Role.REVIEWER, "tandem-reviewer2-demo"),
    ("adjudicator", Role.ADJUDICATOR, "tandem-adjudicator-demo"),
]

DEMO_REVIEW = {
    "title": DEMO_TITLE,
    "question": (
        "In patients with neuromyelitis optica spectrum disorder (NMOSD), does tocilizumab reduce the "
        "annualised relapse rate (ARR) and disability (EDSS) more than azathioprine?"
    ),
    "population": "Patients with NMOSD (2015 IPND criteria), AQP4-IgG seropositive or seronegative, any age.",
    "intervention": "Tocilizumab (TCZ), any dose, as maintenance therapy.",
    "comparison": "Azathioprine (AZA), any dose; before-after comparison within each treatment.",
    "outcomes": "Annualised relapse rate (ARR) and EDSS (disability), before vs during treatment.",
    "inclusion_criteria": (
        "Clinical studies (RCTs, cohorts, case series with ≥ 5 patients) of NMOSD patients treated with "
        "tocilizumab or azathioprine reporting ARR and/or EDSS before and after treatment."
    ),
    "exclusion_criteria": "Reviews, case reports, animal studies, abstracts without data, duplicate cohorts.",
    "protocol_registration": "Published protocol: Medicine 2023, doi:10.1097/MD.0000000000032748",
    "title_abstract_reviewers": 2,
    "full_text_reviewers": 2,
    "blinded": True,
}

DEMO_EXCLUSION_REASONS = [
    "Wrong population (not NMOSD)",
    "Wrong intervention (neither tocilizumab nor azathioprine)",
    "No ARR or EDSS before and after treatment",
    "Wrong study design (review, case report, < 5 patients)",
    "Duplicate cohort",
    "Full text not in a language the team reads",
]


# The 13 trials of Colditz et al. 1994 (JAMA 271:698-702), as in metafor's dat.bcg; see identification/demo_data.
BCG_REVIEW = {
    "title": BCG_TITLE,
    "question": "Does BCG vaccination prevent tuberculosis, and does its effect vary with the trial's latitude?",
    "population": "People of any age without tuberculosis (tuberculin-negative where tested).",
    "intervention": "BCG vaccination, any strain or schedule.",
    "comparison": "No vaccination (or placebo).",
    "outcomes": "Tuberculosis cases (any form) during follow-up, as a risk ratio.",
    "inclusion_criteria": "Prospective controlled trials allocating people to BCG or no vaccine (randomly, alternately "
    "or systematically) that count tuberculosis cases in both groups.",
    "exclusion_criteria": "Reviews, case-control and cohort studies, trials without an unvaccinated group.",
    "protocol_registration": "",
    "title_abstract_reviewers": 2,
    "full_text_reviewers": 2,
    "blinded": True,
}

BCG_EXCLUSION_REASONS = [
    "Wrong study design (not a controlled trial)",
    "No unvaccinated comparison group",
    "No count of tuberculosis cases",
]


@dataclass(frozen=True)
class DemoSpec:
    key: str  # Review.demo
    review: dict
    exclusion_reasons: list[str]


# In the order they are built: the NMOSD review first, so that its rows keep the ids they always had.
DEMOS = [
    DemoSpec(NMOSD, DEMO_REVIEW, DEMO_EXCLUSION_REASONS),
    DemoSpec(BCG, BCG_REVIEW, BCG_EXCLUSION_REASONS),
]


@dataclass
class DemoSummary:
    reviews: list[tuple[Review, bool]]  # each demo review, and whether this run created it
    users: list[tuple[str, str, str]]

    @property
    def review(self) -> Review:
        """The first demo review, NMOSD's."""
        return self.reviews[0][0]


def build_demo() -> DemoSummary:
    """Create the demo users and reviews; running it again changes nothing."""
    User = get_user_model()
    users = {}
    for username, _role, password in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username, defaults={"email": f"{username}@tandem.example"})
        if created:
            user.set_password(password)
            # The demo lead doubles as the installation's administrator.
            user.is_staff = user.is_superuser = username == "lead"
            user.save()
        users[username] = user
    reviews = []
    for spec in DEMOS:
        review = Review.objects.filter(title=spec.review["title"], created_by=users["lead"]).first()
        created = review is None
        if created:
            review = services.create_review(
                creator=users["lead"], exclusion_reasons=spec.exclusion_reasons, demo=spec.key, **spec.review
            )
            for username, role, _password in DEMO_USERS:
                if role != Role.LEAD:
                    services.add_member(review=review, user=users[username], role=role, by=users["lead"])
        if review.demo != spec.key:  # a demo review made before reviews knew their demo
            review.demo = spec.key
            review.save(update_fields=["demo"])
        reviews.append((review, created))
    return DemoSummary(reviews=reviews, users=[(u, r.label, p) for u, r, p in DEMO_USERS])
