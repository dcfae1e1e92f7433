"""Time the results page of an analysis with 2 outcomes x 2 treatments x 30 studies, plots included.

Run: .venv/bin/python bench/analysis_page.py [--studies 30] [--repeat 10]
Target (issue 7): the results page renders in under 500 ms (SQLite, DEBUG off).

The plots are drawn once when the run is made (stored SVG), so the page only reads them; the time to
make the run and to render a PNG on download are printed too.
"""

import argparse
import time

from benchdb import fresh_database, submitted_review, time_pages


def build(studies):
    from extraction.models import Consensus, ConsensusStatus, ExtractionLock, FormField

    lead, review, ids = submitted_review(studies)
    fields = {field.key: field for field in FormField.objects.filter(review=review)}
    cells = []
    for i, pk in enumerate(ids):
        values = {
            "treatment": "tocilizumab" if i % 2 else "azathioprine",
            "n": 20 + i,
            "women": 17 + i,
            "men": 3,
            "age_mean": 40 + i % 7,
            "age_sd": 12,
            "aqp4_positive": 15,
            "aqp4_negative": 5 + i,
            "arr_before_mean": 1.5 + 0.05 * i,
            "arr_before_sd": 0.8,
            "arr_after_mean": 0.3 + 0.02 * (i % 5),
            "arr_after_sd": 0.4,
            "edss_before_mean": 4 + 0.1 * (i % 6),
            "edss_before_sd": 1.5,
            "edss_after_mean": 3.5 + 0.1 * (i % 4),
            "edss_after_sd": 1.6,
        }
        for key, value in values.items():
            field = fields[key]
            cells.append(
                Consensus(
                    review=review,
                    study_id=pk,
                    field=field,
                    arm=1 if field.per_arm else 0,
                    value=str(value),
                    status=ConsensusStatus.AGREED,
                )
            )
    Consensus.objects.bulk_create(cells)
    ExtractionLock.objects.filter(review=review).update(locked=True)
    return lead, review


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    fresh_database()
    from django.urls import reverse

    from analysis.services import run_analysis

    lead, review = build(args.studies)
    start = time.perf_counter()
    run = run_analysis(review=review, user=lead)
    made = time.perf_counter() - start
    pages = {
        "results page": reverse("analysis:run", args=[review.pk, run.pk]),
        "printable report": reverse("analysis:run", args=[review.pk, run.pk]) + "?print=1",
        "forest plot PNG": reverse("analysis:plot", args=[review.pk, run.pk, "arr", "forest", "png"]),
    }
    print(f"{args.studies} studies x 2 outcomes x 2 treatments; making the run (fits and plots): {made * 1000:.0f} ms")
    time_pages(lead, pages, args.repeat)


if __name__ == "__main__":
    main()
