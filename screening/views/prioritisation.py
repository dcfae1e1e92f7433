"""The lead's prioritisation page: how the title/abstract queue is ordered, the recall curve, the stopping test, and
excluding what is left by a stated rule (screening/ranking.py does the work)."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from reviews.access import LEAD_ONLY, get_review_for_user
from reviews.feedback import attempt

from .. import ranking
from ..forms import PrioritisationForm
from ..models import FinalDecision
from ..prioritisation.model import MIN_EXCLUDES, MIN_INCLUDES
from ..services import ScreeningError


def overview(request, review_id):
    review, membership = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    prioritisation = ranking.prioritisation_of(review)
    resolved = ranking.learnable(review).aggregate(
        includes=Count("id", filter=Q(decision=FinalDecision.INCLUDE)),
        excludes=Count("id", filter=Q(decision=FinalDecision.EXCLUDE)),
    )
    context = {
        "review": review,
        "membership": membership,
        "prioritisation": prioritisation,
        "resolved": resolved,
        "min_includes": MIN_INCLUDES,
        "min_excludes": MIN_EXCLUDES,
        "form": PrioritisationForm(instance=prioritisation),
        "curve": ranking.recall_curve(review),
        "stopping": ranking.stopping_summary(prioritisation),
        "unscreened": ranking.unscreened(review).count(),
        "exclusions": review.automation_exclusions.select_related("excluded_by", "reverted_by"),
    }
    return render(request, "screening/prioritisation.html", context)


@require_POST
def retrain(request, review_id):
    review, _ = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    if ranking.request_retraining(review=review, user=request.user):
        messages.success(request, "Retraining queued; this page shows the new order's figures when it is done.")
    else:
        messages.info(request, "A retraining is already queued.")
    return redirect("screening:prioritisation", review_id=review.pk)


@require_POST
def change_settings(request, review_id):
    review, _ = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    form = PrioritisationForm(request.POST, instance=ranking.prioritisation_of(review))
    if not form.is_valid():
        messages.error(request, "Settings not saved: " + " ".join(e for errors in form.errors.values() for e in errors))
    else:
        attempt(
            request,
            lambda: ranking.update_settings(review=review, user=request.user, **form.cleaned_data),
            "Settings saved; retraining with them is queued.",
            (ScreeningError,),
        )
    return redirect("screening:prioritisation", review_id=review.pk)


@require_POST
def exclude_unscreened(request, review_id):
    review, _ = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Not done: tick the box to confirm that the records left are to be excluded.")
    else:
        attempt(
            request,
            lambda: ranking.exclude_unscreened(review=review, user=request.user, rule=request.POST.get("rule", "")),
            "The records nobody screened are excluded by the automation rule; PRISMA counts them in their own box.",
            (ScreeningError,),
        )
    return redirect("screening:prioritisation", review_id=review.pk)


@require_POST
def revert_exclusion(request, review_id, exclusion_id):
    review, _ = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    exclusion = get_object_or_404(review.automation_exclusions, pk=exclusion_id)
    attempt(
        request,
        lambda: ranking.revert_exclusion(review=review, user=request.user, exclusion_id=exclusion.pk),
        "Reverted: the records are back in the title/abstract queue.",
        (ScreeningError,),
    )
    return redirect("screening:prioritisation", review_id=review.pk)
