"""The review's tags: the lead's list, and putting tags on a record."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from reviews.access import LEAD_ONLY, SCREENERS, get_review_for_user

from . import tags
from .services import ScreeningError


def tag_list(request, review_id):
    review, membership = get_review_for_user(request, review_id)
    if request.method == "POST":
        review, membership = get_review_for_user(request, review_id, roles=LEAD_ONLY)
        try:
            tag = tags.define_tag(review=review, name=request.POST.get("name", ""), user=request.user)
            messages.success(request, f"Tag “{tag}” added.")
        except ScreeningError as exc:
            messages.error(request, f"Not added: {exc}.")
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
    try:
        tags.set_record_tags(review=review, record=record, tag_ids=chosen, user=request.user)
        messages.success(request, "Tags saved.")
    except ScreeningError as exc:
        messages.error(request, f"Tags not saved: {exc}.")
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect("identification:record_detail", review_id=review.pk, record_id=record.pk)
