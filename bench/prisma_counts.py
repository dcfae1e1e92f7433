"""Time the PRISMA 2020 counts and diagram of a review with 100,000 records (SQLite, DEBUG off).

Run: .venv/bin/python bench/prisma_counts.py [--records 100000] [--repeat 20]
Target (issue 5): PRISMA counts for 100,000 records in under 200 ms.

The review: two database searches (60% / 40% of the records, every tenth record of the second a duplicate),
one citation search of 100 records; every unique record resolved at title/abstract (5% included); of the
included, 5% not retrieved and the rest resolved at full text (half included, each in its own study).
"""

import argparse
import statistics
import time

from benchdb import fresh_database, review_with_search


def build(records):
    from identification.models import Record, RecordImport, Search, SourceType
    from screening.models import Report, Resolution, ResolutionMethod, Stage, Study

    lead, review, pubmed = review_with_search()
    embase = Search.objects.create(review=review, source="Embase", date_searched="2026-11-25", created_by=lead)
    citations = Search.objects.create(
        review=review,
        source="Reference lists",
        source_type=SourceType.CITATION,
        date_searched="2026-11-25",
        created_by=lead,
    )
    imports = [
        RecordImport.objects.create(
            review=review, search=search, upload="none.ris", file_name="none.ris", created_by=lead
        )
        for search in (pubmed, embase, citations)
    ]
    first = int(records * 0.6)
    Record.objects.bulk_create(
        (Record(review=review, source_import=imports[0], position=i, title=f"Study {i}") for i in range(first)),
        batch_size=5000,
    )
    pubmed_ids = list(Record.objects.filter(source_import=imports[0]).values_list("pk", flat=True))
    Record.objects.bulk_create(
        (
            Record(
                review=review,
                source_import=imports[1],
                position=i,
                title=f"Embase {i}",
                duplicate_of_id=pubmed_ids[i] if i % 10 == 0 else None,
            )
            for i in range(records - first)
        ),
        batch_size=5000,
    )
    Record.objects.bulk_create(
        Record(review=review, source_import=imports[2], position=i, title=f"Cited {i}") for i in range(100)
    )
    reason = review.exclusion_reasons.first()
    screened = Record.objects.filter(review=review, duplicate_of__isnull=True).exclude(source_import=imports[2])
    ids = list(screened.values_list("pk", flat=True))
    included = ids[::20]
    chosen = set(included)
    Resolution.objects.bulk_create(
        (
            Resolution(
                review=review,
                record_id=pk,
                stage=Stage.TITLE_ABSTRACT,
                method=ResolutionMethod.AGREEMENT,
                decision="include" if pk in chosen else "exclude",
            )
            for pk in ids
        ),
        batch_size=5000,
    )
    not_retrieved = set(included[::20])
    assessed = [pk for pk in included if pk not in not_retrieved]
    Report.objects.bulk_create(
        Report(review=review, record_id=pk, not_retrieved_reason="Not found", updated_by=lead) for pk in not_retrieved
    )
    Resolution.objects.bulk_create(
        Resolution(
            review=review,
            record_id=pk,
            stage=Stage.FULL_TEXT,
            method=ResolutionMethod.AGREEMENT,
            decision="include" if i % 2 else "exclude",
            exclusion_reason=None if i % 2 else reason,
        )
        for i, pk in enumerate(assessed)
    )
    kept = assessed[1::2]
    studies = Study.objects.bulk_create(Study(review=review, label=f"Study {pk}") for pk in kept)
    Report.objects.bulk_create(
        Report(review=review, record_id=pk, study=study, link="https://example.org", updated_by=lead)
        for pk, study in zip(kept, studies, strict=True)
    )
    return review


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    fresh_database()
    from django.template.loader import render_to_string

    from screening.prisma import count_flow
    from screening.prisma_diagram import layout

    review = build(args.records)
    count_times, svg_times = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        flow = count_flow(review)
        count_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        render_to_string("screening/prisma.svg", {"review": review, "diagram": layout(flow)})
        svg_times.append(time.perf_counter() - start)
    counts_ms, svg_ms = statistics.median(count_times) * 1000, statistics.median(svg_times) * 1000
    print(
        f"{args.records + 100} records ({flow.records_screened} screened, {flow.total_studies} studies, "
        f"warnings: {flow.warnings()}); median PRISMA counts {counts_ms:.1f} ms, diagram SVG {svg_ms:.1f} ms"
    )


if __name__ == "__main__":
    main()
