"""Writes of the identification stage: imports, automatic merges, duplicate decisions and their undoing.

An import parses its whole file before writing anything, then writes every record,
deduplicates against the review, and updates its counts in one transaction: a
failure at any point leaves no record behind, only the failed import and its error.
"""

import logging
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import dedup
from .importers import ImportFileError, parse_file
from .models import RECORD_FIELDS, CandidateStatus, DuplicateCandidate, ImportStatus, Record, RecordImport

logger = logging.getLogger(__name__)
BATCH_SIZE = 2000
DECIDED = (CandidateStatus.MERGED, CandidateStatus.CONFIRMED, CandidateStatus.DISTINCT)


class DecisionConflict(Exception):
    """Someone else decided this pair first."""


def read_upload(record_import):
    with record_import.upload.open("rb") as upload:
        return upload.read()


def parse_import(record_import):
    """Parse the uploaded file (phase one): raises ImportFileError and writes nothing."""
    return parse_file(read_upload(record_import), record_import.file_name, record_import.column_mapping or None)


def _set_stage(record_import, stage, **fields):
    record_import.stage = stage
    for name, value in fields.items():
        setattr(record_import, name, value)
    record_import.save(update_fields=["stage", *fields])


def run_import(record_import, progress=None):
    """Parse, write and deduplicate one import; the import ends DONE or FAILED, never half-written."""
    report = progress or (lambda message: None)
    _set_stage(record_import, "Reading the file", status=ImportStatus.RUNNING)
    report(record_import.stage)
    try:
        parsed = parse_import(record_import)
    except ImportFileError as exc:
        _fail(record_import, str(exc))
        raise
    _set_stage(record_import, f"Writing {len(parsed.records)} records and removing duplicates")
    report(record_import.stage)
    try:
        with transaction.atomic():
            new_ids = _write_records(record_import, parsed.records)
            merged, queued = deduplicate(record_import.review, new_ids)
            record_import.file_format = parsed.format
            record_import.encoding = parsed.encoding
            record_import.record_count = len(new_ids)
            record_import.merged_count = merged
            record_import.queued_count = queued
            record_import.warnings = parsed.warnings
            record_import.status = ImportStatus.DONE
            record_import.stage = ""
            record_import.finished_at = timezone.now()
            record_import.save()
    except Exception as exc:
        logger.exception("import %s failed", record_import.pk)
        _fail(record_import, f"the import failed and nothing was saved: {exc}")
        raise
    report(f"{record_import.record_count} records imported, {merged} duplicates merged, {queued} pairs to review")
    return record_import


def _fail(record_import, message):
    RecordImport.objects.filter(pk=record_import.pk).update(
        status=ImportStatus.FAILED, error=message, stage="", finished_at=timezone.now()
    )
    record_import.status, record_import.error = ImportStatus.FAILED, message


def _original(parsed):
    return {name: getattr(parsed, name) for name in RECORD_FIELDS}


def _write_records(record_import, parsed_records):
    records = [
        Record(
            review_id=record_import.review_id,
            source_import=record_import,
            position=position,
            raw=_json_safe(parsed.raw),
            original=_original(parsed),
            **_original(parsed),
        )
        for position, parsed in enumerate(parsed_records, start=1)
    ]
    created = Record.objects.bulk_create(records, batch_size=BATCH_SIZE)
    return {record.pk for record in created}


def _json_safe(value):
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


def _citations(review):
    rows = Record.objects.filter(review=review).values_list("pk", "original", "duplicate_of_id")
    citations, links = [], []
    for pk, original, duplicate_of in rows:
        citations.append(
            dedup.Citation(
                id=pk,
                title=original.get("title", ""),
                authors=tuple(original.get("authors") or ()),
                year=original.get("year"),
                journal=original.get("journal", ""),
                volume=original.get("volume", ""),
                pages=original.get("pages", ""),
                doi=original.get("doi", ""),
                pmid=original.get("pmid", ""),
            )
        )
        if duplicate_of:
            links.append((duplicate_of, pk))
    return citations, links


def deduplicate(review, new_ids=None):
    """Compare new records (or all, when new_ids is None) with the review's; returns (merged, queued) counts."""
    citations, existing_links = _citations(review)
    matches = dedup.find_duplicates(citations, new_ids)
    decided = {
        (first, second): status
        for first, second, status in DuplicateCandidate.objects.filter(review=review, status__in=DECIDED).values_list(
            "first_id", "second_id", "status"
        )
    }
    apart = defaultdict(set)
    for (first, second), status in decided.items():
        if status == CandidateStatus.DISTINCT:
            apart[first].add(second)
            apart[second].add(first)
    certain = [m for m in matches if m.certain]
    links = existing_links + [(m.first, m.second) for m in certain]
    groups = dedup.groups([c.id for c in citations], links, apart)
    group_of = {member: group[0] for group in groups for member in group}
    before = {pk for _, pk in existing_links}
    _apply_groups(review, groups)
    certain = [m for m in certain if group_of.get(m.first, m.first) == group_of.get(m.second, m.second)]
    separate_groups = {
        tuple(sorted((group_of.get(a, a), group_of.get(b, b)))) for a, partners in apart.items() for b in partners
    }
    possible = _one_pair_per_two_groups(
        [
            m
            for m in matches
            if not m.certain
            and group_of.get(m.first, m.first) != group_of.get(m.second, m.second)
            and tuple(sorted((group_of.get(m.first, m.first), group_of.get(m.second, m.second)))) not in separate_groups
        ],
        group_of,
    )
    existing_pairs = set(DuplicateCandidate.objects.filter(review=review).values_list("first_id", "second_id"))
    DuplicateCandidate.objects.bulk_create(
        [
            DuplicateCandidate(
                review=review,
                first_id=m.first,
                second_id=m.second,
                score=m.score,
                reasons=m.reasons[:300],
                status=CandidateStatus.MERGED if m.certain else CandidateStatus.PENDING,
            )
            for m in certain + possible
            if (m.first, m.second) not in existing_pairs
        ],
        batch_size=BATCH_SIZE,
    )
    merged = len(set(group_of) - {g[0] for g in groups} - before)
    return merged, len(possible)


def _one_pair_per_two_groups(matches, group_of):
    """A person decides once whether two groups are the same report: keep each group pair's strongest match."""
    best = {}
    for match in matches:
        key = tuple(sorted((group_of.get(match.first, match.first), group_of.get(match.second, match.second))))
        if key not in best or match.score > best[key].score:
            best[key] = match
    return sorted(best.values(), key=lambda m: (m.first, m.second))


def _apply_groups(review, groups):
    """Point every member at its group's primary (the earliest record) and give the primary the best values."""
    members = {member for group in groups for member in group}
    if not members:
        return
    records = Record.objects.in_bulk(members)
    to_update = []
    for group in groups:
        primary = records[group[0]]
        for pk in group[1:]:
            record = records[pk]
            if record.duplicate_of_id != primary.pk:
                record.duplicate_of_id = primary.pk
                _restore(record)
                to_update.append(record)
        for name, value in dedup.merged_fields([records[pk].original for pk in group]).items():
            setattr(primary, name, value)
        primary.duplicate_of_id = None
        to_update.append(primary)
    Record.objects.bulk_update(to_update, ["duplicate_of", *RECORD_FIELDS], batch_size=BATCH_SIZE)


def _restore(record):
    for name in RECORD_FIELDS:
        setattr(
            record,
            name,
            record.original.get(name, [] if name in ("authors", "keywords") else None if name == "year" else ""),
        )


def _group_of(record):
    primary_id = record.duplicate_of_id or record.pk
    return list(Record.objects.filter(Q(pk=primary_id) | Q(duplicate_of_id=primary_id)).order_by("pk"))


@transaction.atomic
def decide(candidate_id, review, *, is_duplicate, user):
    """Record a person's decision on a possible duplicate pair; exactly one of two concurrent decisions wins."""
    candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate_id, review=review)
    if candidate.status != CandidateStatus.PENDING:
        raise DecisionConflict(f"this pair was already decided: {candidate.get_status_display().lower()}")
    candidate.status = CandidateStatus.CONFIRMED if is_duplicate else CandidateStatus.DISTINCT
    candidate.decided_by, candidate.decided_at = user, timezone.now()
    candidate.save()
    if is_duplicate:
        first, second = Record.objects.select_for_update().filter(pk__in=[candidate.first_id, candidate.second_id])
        links = [(m.duplicate_of_id or m.pk, m.pk) for m in _group_of(first) + _group_of(second)]
        links.append((candidate.first_id, candidate.second_id))
        ids = {pk for link in links for pk in link}
        _apply_groups(review, dedup.groups(ids, links))
    return candidate


@transaction.atomic
def separate(record, user):
    """Undo a merge: the record stands alone again with its imported values, and its pairs are marked distinct."""
    record = Record.objects.select_for_update().get(pk=record.pk)
    if record.duplicate_of_id is None:
        raise DecisionConflict("only a merged duplicate can be separated from its group")
    group = _group_of(record)
    others = [member.pk for member in group if member.pk != record.pk]
    now = timezone.now()
    pairs = Q(first=record, second_id__in=others) | Q(second=record, first_id__in=others)
    DuplicateCandidate.objects.filter(pairs).update(status=CandidateStatus.DISTINCT, decided_by=user, decided_at=now)
    existing = set(DuplicateCandidate.objects.filter(pairs).values_list("first_id", "second_id"))
    DuplicateCandidate.objects.bulk_create(
        [
            DuplicateCandidate(
                review_id=record.review_id, first_id=min(record.pk, pk), second_id=max(record.pk, pk), score=0,
                reasons="separated by hand", status=CandidateStatus.DISTINCT, decided_by=user, decided_at=now,
            )
            for pk in others
            if (min(record.pk, pk), max(record.pk, pk)) not in existing
        ]
    )  # fmt: skip
    record.duplicate_of = None
    _restore(record)
    record.save()
    remaining = [member for member in group if member.pk != record.pk]
    primary = remaining[0]
    if len(remaining) == 1:
        _restore(primary)
        primary.save()
    else:
        _apply_groups(record.review, [[member.pk for member in remaining]])
    return record
