from django.shortcuts import render

from reviews.access import get_review_for_user


def note_list(request, review_id):
    review, membership = get_review_for_user(request, review_id)
    context = {"review": review, "membership": membership, "notes": review.plugin_notes.all()}
    return render(request, "plugin_stage/notes.html", context)
