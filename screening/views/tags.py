"""The review's tags: the lead's list, and putting tags on a record."""

from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from reviews.access import LEAD_ONLY, SCREENERS, get_review_for_user
from reviews.feedback import attempt

from ..services import ScreeningError, tags


def tag_list(request, review_id):
    review, membership = get_review_for_user(request, review_id)
    if request.method == "POST":
        review, membership = get_review_for_user(request, review_id, roles=LEAD_ONLY)
        attempt(
            request,
            lambda: tags.define_tag(review=review, name=request.POST.get("name", ""), user=request.user),
            lambda tag: f"Tag “{tag}” added.",
            (ScreeningError,),
            failure="Not added",
        )
        return redirect("screening:tags", review_id=review.pk)
    context = {
        "review": review,
        "membership": membership,
        "tags": review.tags.annotate(records=Count("record_tags")),
        "can_define": membership.role in LEAD_ONLY,
    }
    return render(request, "screening/tags.html", context)


@require_POST
def record_tags(request, review_id, record_id):
    review, _ = get_review_for_user(request, review_id, roles=SCREENERS)
    record = get_object_or_404(review.records, pk=record_id)
    chosen = {int(value) for value in request.POST.getlist("tag") if value.isdigit()}
    attempt(
        request,
        lambda: tags.set_record_tags(review=review, record=record, tag_ids=chosen, user=request.user),
        "Tags saved.",
        (ScreeningError,),
        failure="Tags not saved",
    )
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect("identification:record_detail", review_id=review.pk, record_id=record.pk)
