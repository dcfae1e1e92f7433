"""The demo review a new installation shows: built with the real services."""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File

from reviews import services
from reviews.identification import run_import
from reviews.models import RecordImport, Review, Role, Search, SourceType

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


DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
# (source, platform, type, date, strategy, file)
DEMO_SEARCHES = [
    (
        "PubMed",
        "NCBI",
        SourceType.DATABASE,
        datetime.date(2022, 9, 1),
        '("neuromyelitis optica"[MeSH] OR NMOSD[tiab]) AND (tocilizumab[tiab] OR azathioprine[tiab])',
        "pubmed.nbib",
    ),
    (
        "Embase",
        "Ovid",
        SourceType.DATABASE,
        datetime.date(2022, 9, 1),
        "exp neuromyelitis optica/ AND (tocilizumab/ OR azathioprine/)",
        "embase_ovid.ris",
    ),
    (
        "Scopus",
        "Elsevier",
        SourceType.DATABASE,
        datetime.date(2022, 9, 2),
        'TITLE-ABS-KEY(("neuromyelitis optica" OR nmosd) AND (tocilizumab OR azathioprine))',
        "scopus.csv",
    ),
    (
        "Web of Science",
        "Clarivate",
        SourceType.DATABASE,
        datetime.date(2022, 9, 2),
        "TS=((neuromyelitis optica OR NMOSD) AND (tocilizumab OR azathioprine))",
        "nmosd_illustrative.ris",
    ),
    (
        "Reference lists of included studies",
        "",
        SourceType.CITATION,
        datetime.date(2022, 10, 15),
        "",
        "citation_searching_zotero.ris",
    ),
]


def import_demo_searches(review, lead):
    """Log the demo's searches and import their exports, once."""
    if review.imports.exists():
        return
    for source, platform, source_type, date, strategy, file_name in DEMO_SEARCHES:
        search = Search.objects.create(
            review=review,
            source=source,
            platform=platform,
            source_type=source_type,
            date_searched=date,
            strategy=strategy,
            created_by=lead,
        )
        with (DEMO_DATA / file_name).open("rb") as handle:
            record_import = RecordImport.objects.create(
                review=review, search=search, upload=File(handle, name=file_name), file_name=file_name, created_by=lead
            )
        run_import(record_import)


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
    import_demo_searches(review, users["lead"])
    return DemoSummary(review=review, created=created, users=[(u, r.label, p) for u, r, p in DEMO_USERS])
