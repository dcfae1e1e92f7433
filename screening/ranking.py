"""The title/abstract queue in order of predicted relevance, when to stop, and the lead's exclusion of what is left.

The model learns from resolved records only (the reviewers agreed, or an adjudicator decided): what every member
may already see. A vote still waiting for a co-reviewer's never reaches it, so no reviewer's queue order depends on a
vote hidden from them (tests/screening/test_blinding.py). Training runs in a task (screening/tasks.py) after every
`retrain_every` new resolutions and when the lead asks; the queue reads the stored scores (RelevanceScore).
Records excluded by the lead's automation rule are no training data: nobody screened them.
"""

import dataclasses
import math

import numpy as np
from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from reviews.access import LEAD_ONLY, require_role

from .models import (
    AutomationExclusion,
    FinalDecision,
    ModelStatus,
    Prioritisation,
    RelevanceScore,
    Resolution,
    ResolutionMethod,
    ScreeningRecord,
    Stage,
    Vote,
)
from .prioritisation import model as ranking_model
from .prioritisation import stopping
from .prioritisation.cache import FeatureCache
from .services import ScreeningError
from .templatetags.screening_tags import highlight_words

TA = Stage.TITLE_ABSTRACT
# A retraining queued this long ago whose task never finished (its worker was killed) may be queued again.
STALE_QUEUE = timezone.timedelta(minutes=15)
CURVE_POINTS = 200  # the recall curve's SVG draws at most this many points, whatever the number of records


def learnable(review):
    """The title/abstract resolutions the model learns from: the reviewers', not the automation rule's."""
    return Resolution.objects.filter(
        review=review, stage=TA, record__in=ScreeningRecord.objects.for_review(review).screenable(TA)
    ).exclude(method=ResolutionMethod.AUTOMATION)


def prioritisation_of(review) -> Prioritisation:
    prioritisation, _ = Prioritisation.objects.get_or_create(review=review)
    return prioritisation


def queue_if_due(review) -> None:
    """Queue retraining once `retrain_every` resolutions were added since it was last queued."""
    prioritisation = prioritisation_of(review)
    resolved = learnable(review).count()
    if resolved - prioritisation.resolutions_seen >= prioritisation.retrain_every:
        _queue(prioritisation, resolved)


@transaction.atomic
def request_retraining(*, review, user) -> bool:
    """The lead's button: retrain now, whatever the count. False when a retraining is already queued."""
    require_role(review=review, user=user, roles=LEAD_ONLY)
    return _queue(prioritisation_of(review), learnable(review).count())


def _queue(prioritisation, resolved) -> bool:
    # Compare-and-swap: of concurrent resolutions only one queues the task.
    now = timezone.now()
    claimed = (
        Prioritisation.objects.filter(pk=prioritisation.pk)
        .filter(~Q(status=ModelStatus.QUEUED) | Q(queued_at__lt=now - STALE_QUEUE))
        .update(status=ModelStatus.QUEUED, queued_at=now, resolutions_seen=resolved)
    )
    if claimed:
        from .tasks import retrain  # the task module imports this one

        review_id = prioritisation.review_id
        transaction.on_commit(lambda: retrain.enqueue(review_id))
    return bool(claimed)


def resolution_saved(sender, instance, created, raw=False, **kwargs):
    """post_save of Resolution (connected in apps.py): a new resolution of the reviewers may make retraining due.
    A backup's restore (raw) retrains nothing."""
    if created and not raw and instance.stage == TA and instance.method != ResolutionMethod.AUTOMATION:
        queue_if_due(instance.review)


def cache_name(review_id: int) -> str:
    return f"review-{review_id}"


def review_deleted(sender, instance, **kwargs):
    """post_delete of Review (connected in apps.py): its cached features go once the deletion commits."""
    name = cache_name(instance.pk)
    transaction.on_commit(lambda: FeatureCache(django_settings.FEATURE_CACHE_DIR).forget(name))


@transaction.atomic
def update_settings(*, review, user, retrain_every: int, target_recall: float, confidence: float) -> None:
    """The lead's choices: how often to retrain and what the stopping test checks; retrains to apply them."""
    require_role(review=review, user=user, roles=LEAD_ONLY)
    if retrain_every < 1:
        raise ScreeningError("retrain after one or more resolutions")
    if not (0 < target_recall <= 1 and 0 < confidence < 1):
        raise ScreeningError("target recall and confidence are shares between 0 and 1")
    prioritisation = prioritisation_of(review)
    Prioritisation.objects.filter(pk=prioritisation.pk).update(
        retrain_every=retrain_every, target_recall=target_recall, confidence=confidence
    )
    _queue(prioritisation, learnable(review).count())


def retrain(review_id: int) -> None:
    """Train on the resolved records, store every unresolved record's score, the estimate and the stopping test.

    Running twice, or after a worker was killed, writes the same: everything is computed from the database as it is
    and replaced in one transaction."""
    prioritisation = Prioritisation.objects.select_related("review").filter(review_id=review_id).first()
    if prioritisation is None:
        return
    review = prioritisation.review
    try:
        settings = ranking_model.Settings.from_dict(prioritisation.settings) if prioritisation.settings else None
        result = _train(review, prioritisation, settings or ranking_model.DEFAULT)
    except ValueError as error:  # settings or texts the model cannot use: the lead's page says why
        Prioritisation.objects.filter(pk=prioritisation.pk).update(status=ModelStatus.FAILED, error=str(error))
        return
    scores, fields = result
    with transaction.atomic():
        RelevanceScore.objects.filter(review=review).delete()
        RelevanceScore.objects.bulk_create(
            (RelevanceScore(review=review, record_id=pk, score=score) for pk, score in scores), batch_size=5000
        )
        Prioritisation.objects.filter(pk=prioritisation.pk).update(
            status=ModelStatus.TRAINED, trained_at=timezone.now(), error="", **fields
        )


def _train(review, prioritisation, settings):
    records = (
        ScreeningRecord.objects.for_review(review)
        .screenable(TA)
        .order_by("pk")
        .values_list("pk", "title", "abstract", "keywords", "merged")
    )
    resolved = dict(Resolution.objects.filter(review=review, stage=TA).values_list("record_id", "method"))
    labels_of = dict(learnable(review).values_list("record_id", "decision"))
    ids, texts, labels = [], [], []
    for pk, title, abstract, keywords, merged in records.iterator(chunk_size=5000):
        shown = {"title": title, "abstract": abstract, "keywords": keywords} | {
            key: value for key, value in (merged or {}).items() if key in ("title", "abstract", "keywords")
        }
        ids.append(pk)
        texts.append(ranking_model.record_text(shown["title"], shown["abstract"], shown["keywords"] or []))
        decision = labels_of.get(pk)
        labels.append(None if decision is None else int(decision == FinalDecision.INCLUDE))
    ranking = ranking_model.rank(
        texts,
        labels,
        include_words=highlight_words(review.highlight_include),
        exclude_words=highlight_words(review.highlight_exclude),
        settings=settings,
        featurise=lambda texts, settings: FeatureCache(django_settings.FEATURE_CACHE_DIR).matrix(
            cache_name(review.pk), texts, settings
        ),
    )
    # Records the automation rule excluded are resolved too: no score, no place in the estimate.
    open_positions = [i for i, pk in enumerate(ids) if pk not in resolved]
    scores = [] if ranking.method == "given order" else [(ids[i], float(ranking.scores[i])) for i in open_positions]
    estimate = None
    if ranking.model is not None and open_positions:
        try:
            estimate = stopping.estimated_remaining(ranking.model.probabilities(ranking.features[open_positions]))
        except ValueError:  # fewer than two includes and two excludes to calibrate on
            estimate = None
    order = learnable(review).order_by("created_at", "pk").values_list("decision", flat=True)
    seen = [int(decision == FinalDecision.INCLUDE) for decision in order]
    automated = sum(1 for method in resolved.values() if method == ResolutionMethod.AUTOMATION)
    test = stopping.hypergeometric_test(
        seen,
        total=len(ids) - automated,
        target_recall=prioritisation.target_recall,
        confidence=prioritisation.confidence,
    )
    fields = {
        "method": ranking.method,
        "n_includes": sum(label == 1 for label in labels),
        "n_excludes": sum(label == 0 for label in labels),
        "estimated_remaining": estimate,
        "stopping": dataclasses.asdict(test),
    }
    return scores, fields


def recall_curve(review) -> dict:
    """Relevant records found against records resolved, in the order they were resolved, as SVG polyline points
    (at most CURVE_POINTS of them) on a 0–100 square, with the totals for the axes."""
    decisions = learnable(review).order_by("created_at", "pk").values_list("decision", flat=True)
    found = stopping.recall_curve([int(decision == FinalDecision.INCLUDE) for decision in decisions])
    screened, relevant = len(found), int(found[-1]) if len(found) else 0
    if not screened:
        return {"points": "", "screened": 0, "relevant": 0}
    positions = np.unique(np.linspace(0, screened - 1, min(screened, CURVE_POINTS)).round().astype(int))
    points = " ".join(
        f"{100 * (i + 1) / screened:.1f},{100 - 100 * found[i] / max(relevant, 1):.1f}" for i in positions
    )
    return {"points": f"0,100 {points}", "screened": screened, "relevant": relevant}


def unscreened(review):
    """Title/abstract records nobody has resolved or voted on: what the lead's automation rule may exclude. Records
    with a vote wait for their other votes; excluding them would end screening their reviewers began."""
    voted = Vote.objects.filter(record=OuterRef("pk"), stage=TA)
    resolved = Resolution.objects.filter(record=OuterRef("pk"), stage=TA)
    return ScreeningRecord.objects.for_review(review).screenable(TA).exclude(Exists(voted)).exclude(Exists(resolved))


@transaction.atomic(durable=True)
def exclude_unscreened(*, review, user, rule: str) -> AutomationExclusion:
    """Exclude every unscreened title/abstract record by the lead's stated rule, all or none. Tandem never does
    this by itself: the lead reads the stopping signal and decides."""
    require_role(review=review, user=user, roles=LEAD_ONLY)
    rule = rule.strip()
    if not rule:
        raise ScreeningError("state the rule by which the records left are excluded")
    # Votes lock the record they are cast on; locking the unscreened records keeps a vote from landing meanwhile.
    record_ids = list(unscreened(review).select_for_update().values_list("pk", flat=True))
    if not record_ids:
        raise ScreeningError("no record is left unscreened")
    exclusion = AutomationExclusion.objects.create(
        review=review, rule=rule, record_count=len(record_ids), excluded_by=user
    )
    Resolution.objects.bulk_create(
        (
            Resolution(
                review=review,
                record_id=pk,
                stage=TA,
                decision=FinalDecision.EXCLUDE,
                method=ResolutionMethod.AUTOMATION,
                resolved_by=user,
                note=rule,
                automation=exclusion,
            )
            for pk in record_ids
        ),
        batch_size=5000,
    )
    RelevanceScore.objects.filter(record_id__in=record_ids).delete()
    return exclusion


@transaction.atomic(durable=True)
def revert_exclusion(*, review, user, exclusion_id: int) -> int:
    """Put the records an automation rule excluded back in the queue; the exclusion stays, marked reverted."""
    require_role(review=review, user=user, roles=LEAD_ONLY)
    reverted = AutomationExclusion.objects.filter(review=review, pk=exclusion_id, reverted_at__isnull=True).update(
        reverted_at=timezone.now(), reverted_by=user
    )
    if not reverted:
        raise ScreeningError("this exclusion does not exist or was reverted already")
    count, _ = Resolution.objects.filter(automation_id=exclusion_id).delete()
    _queue(prioritisation_of(review), learnable(review).count())
    return count


def automation_statements(review) -> list[str]:
    """What the methods say of each standing automation exclusion."""
    return [
        f"{exclusion.record_count} record{'s' if exclusion.record_count != 1 else ''} not screened by a person "
        f"{'were' if exclusion.record_count != 1 else 'was'} excluded on {exclusion.created_at:%d %B %Y} by the "
        f"following rule, after prioritised screening: {exclusion.rule}"
        for exclusion in review.automation_exclusions.filter(reverted_at__isnull=True)
    ]


def stopping_summary(prioritisation: Prioritisation) -> dict | None:
    """The stored stopping test, with the estimate rounded for the page; None before the first training."""
    if not prioritisation.stopping:
        return None
    estimate = prioritisation.estimated_remaining
    return prioritisation.stopping | {
        "estimate": None if estimate is None else math.ceil(estimate - 1e-9),
        "alpha": 1 - prioritisation.stopping["confidence"],
    }
