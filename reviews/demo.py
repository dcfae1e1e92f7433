"""The demo review a new installation shows: built with the real services."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from reviews import services
from reviews.models import Review, Role

DEMO_TITLE = "Tocilizumab versus azathioprine for NMOSD"

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


@dataclass
class DemoSummary:
    review: Review
    created: bool
    users: list[tuple[str, str, str]]


def build_demo() -> DemoSummary:
    """Create the demo users and review; running it again changes nothing."""
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

    review = Review.objects.filter(title=DEMO_TITLE, created_by=users["lead"]).first()
    created = review is None
    if created:
        review = services.create_review(creator=users["lead"], exclusion_reasons=DEMO_EXCLUSION_REASONS, **DEMO_REVIEW)
        for username, role, _password in DEMO_USERS:
            if role != Role.LEAD:
                services.add_member(review=review, user=users[username], role=role, by=users["lead"])
    return DemoSummary(review=review, created=created, users=[(u, r.label, p) for u, r, p in DEMO_USERS])
