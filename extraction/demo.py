"""The demo review's extraction: two extractors per included study, a few disagreements resolved, then locked.

The 27 included studies are the illustrative NMOSD studies of identification/demo_data/nmosd_illustrative.csv,
whose values the extractors enter (one arm each). Extractor 2 slips on some studies the way people do
(a misread SD, a country written differently, a transposed count), the adjudicator settles those
conflicts with extractor 1's value, and the lead locks the extraction.
"""

from django.contrib.auth import get_user_model

from identification.importers.normalise import fold
from screening.demo import nmosd_studies

from . import services
from .models import Consensus, ConsensusStatus, Extraction, FormField
from .template import load

# (every n-th study, field, how extractor 2 misreads it)
SLIPS = [
    (6, "arr_before_sd", lambda text: f"{float(text) + 0.2:.2f}" if text else "1.0"),
    (8, "country", lambda text: f"{text} (multicentre)"),
    (9, "age_mean", lambda text: f"{float(text) + 1:.1f}"),
]


def simulate_extraction(review) -> None:
    """Extract, reconcile and lock the demo review once; running it again changes nothing."""
    if Extraction.objects.filter(review=review).exists() or not review.studies.exists():
        return
    users = {user.username: user for user in get_user_model().objects.filter(memberships__review=review)}
    lead, adjudicator = users["lead"], users["adjudicator"]
    services.apply_template(review=review, user=lead, template=load("nmosd"))
    services.assign_automatically(review=review, user=lead)
    fields = list(FormField.objects.filter(review=review))
    rows = nmosd_studies()
    studies = review.studies.prefetch_related("reports__record", "extractions__extractor").order_by("pk")
    for number, study in enumerate(studies):
        row = next((rows.get(fold(r.record.shown.title)) for r in study.reports.all()), None)
        if row is None:
            continue
        for extraction in study.extractions.all():
            typed = dict(row)
            if extraction.slot == 2:
                for every, key, slip in SLIPS:
                    if number % every == every - 1:
                        typed[key] = slip(typed.get(key, ""))
            entries = {
                (field.pk, 1 if field.per_arm else 0): (typed.get(field.key, ""), "")
                for field in fields
                if typed.get(field.key)
            }
            services.save_extraction(
                review=review,
                extraction_id=extraction.pk,
                user=extraction.extractor,
                entries=entries,
                arm_count=1,
                submit=True,
            )
    for cell in Consensus.objects.filter(review=review, status=ConsensusStatus.CONFLICT):
        services.resolve(
            review=review,
            consensus_id=cell.pk,
            user=adjudicator,
            choice="1",
            note="Checked against the paper's Table 1.",
        )
    services.lock(review=review, user=lead)
