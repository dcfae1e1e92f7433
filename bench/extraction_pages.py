"""Time the extraction conflicts page and the consensus export with 500 studies x 60 fields (SQLite, DEBUG off).

Run: .venv/bin/python bench/extraction_pages.py [--studies 500] [--repeat 10]
Target (issue 6): both render in under 300 ms with a constant number of queries.

The review: the NMOSD form plus 17 study-level text fields (60 fields), two submitted extractions per study
(one arm), every tenth value entered differently, so 3,000 of the 30,000 cells are open conflicts.
"""

import argparse

from benchdb import fresh_database, submitted_review, time_pages


def build(studies):
    from extraction.models import Consensus, ConsensusStatus, Extraction, FormField, Value

    lead, review, study_ids = submitted_review(studies)
    section = review.extraction_sections.first()
    FormField.objects.bulk_create(
        FormField(
            review=review, section=section, key=f"extra_{i}", label=f"Extra {i}", field_type="text", position=10 + i
        )
        for i in range(17)
    )
    fields = list(FormField.objects.filter(review=review))
    extractions = list(Extraction.objects.filter(review=review).values_list("pk", "study_id", "slot"))
    cells = [(field, 1 if field.per_arm else 0) for field in fields]
    Value.objects.bulk_create(
        (
            Value(
                review=review,
                extraction_id=pk,
                field=field,
                arm=arm,
                value=f"{n % 7}{'x' if slot == 2 and n % 10 == 0 else ''}",
            )
            for pk, _study, slot in extractions
            for n, (field, arm) in enumerate(cells)
        ),
        batch_size=5000,
    )
    Consensus.objects.bulk_create(
        (
            Consensus(
                review=review,
                study_id=pk,
                field=field,
                arm=arm,
                value="" if n % 10 == 0 else str(n % 7),
                status=ConsensusStatus.CONFLICT if n % 10 == 0 else ConsensusStatus.AGREED,
            )
            for pk in study_ids
            for n, (field, arm) in enumerate(cells)
        ),
        batch_size=5000,
    )
    return lead, review, len(fields)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    fresh_database()
    from django.urls import reverse

    lead, review, field_count = build(args.studies)
    pages = {
        "conflicts page 1": reverse("extraction:conflicts", args=[review.pk]),
        "conflicts page 30": reverse("extraction:conflicts", args=[review.pk]) + "?page=30",
        "consensus CSV": reverse("extraction:export", args=[review.pk, "csv"]),
        "consensus XLSX": reverse("extraction:export", args=[review.pk, "xlsx"]),
    }
    print(f"{args.studies} studies x {field_count} fields")
    time_pages(lead, pages, args.repeat)


if __name__ == "__main__":
    main()
