from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from reviews import file_exports, services, stages, team
from reviews.access import LEAD_ONLY, get_review_for_user
from reviews.downloads import download_name
from reviews.feedback import attempt
from reviews.forms import AddMemberForm, ReviewForm, RoleForm
from reviews.models import ExportStatus, Membership, Role


def review_list(request):
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("review")
        .annotate(member_count=Count("review__memberships"))
        .order_by("-review__created_at", "-review_id")
    )
    return render(request, "reviews/list.html", {"memberships": memberships})


def review_todos(request, review_id):
    """What waits for the person in one review, as a fragment the "My reviews" page loads into each row: counting it
    takes a few queries per stage, which the list itself, whose query count stays fixed, does not pay."""
    review, membership = get_review_for_user(request, review_id)
    return render(request, "reviews/_todos.html", {"todos": stages.todos(review, membership)})


def review_create(request):
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ReviewForm.Meta.fields}
        review = services.create_review(
            creator=request.user, exclusion_reasons=form.cleaned_data["exclusion_reasons"], **fields
        )
        messages.success(request, f"Review “{review.title}” created. You are its lead.")
        return redirect(review)
    return render(request, "reviews/form.html", {"form": form})


def review_dashboard(request, review_id):
    review, membership = get_review_for_user(request, review_id)
    members = review.memberships.select_related("user")
    context = {
        "review": review,
        "membership": membership,
        "members": members,
        "panels": list(stages.panels(review, membership)),
        "todos": stages.todos(review, membership),
        "exclusion_reasons": review.exclusion_reasons.all(),
    }
    return render(request, "reviews/dashboard.html", context)


def review_settings(request, review_id):
    review, membership = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    form = ReviewForm(request.POST or None, instance=review)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_review(
                review=form.instance, exclusion_reasons=form.cleaned_data["exclusion_reasons"], by=request.user
            )
        except services.SettingsError as error:
            review.refresh_from_db()  # the page shows the saved review; the form keeps what was typed
            form.add_error("exclusion_reasons", str(error))
        else:
            messages.success(request, "Review settings saved.")
            return redirect(review)
    context = {"form": form, "review": review, "membership": membership}
    return render(request, "reviews/form.html", context, status=400 if form.errors else 200)


def member_list(request, review_id):
    review, membership = get_review_for_user(request, review_id)
    return _render_members(request, review, membership, AddMemberForm(review=review))


def _render_members(request, review, membership, add_form, status=200):
    context = {
        "review": review,
        "membership": membership,
        "members": review.memberships.select_related("user"),
        "add_form": add_form,
        "roles": Role.choices,
        "team_panels": list(team.panels(request, review, membership)),
    }
    return render(request, "reviews/members.html", context, status=status)


@require_POST
def member_add(request, review_id):
    review, membership = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    form = AddMemberForm(request.POST, review=review)
    if form.is_valid():
        attempt(
            request,
            lambda: services.add_member(
                review=review, user=form.cleaned_data["identifier"], role=form.cleaned_data["role"], by=request.user
            ),
            lambda added: f"{added.user.username} added as {added.get_role_display().lower()}.",
            (services.TeamRuleError,),
        )
        return redirect("reviews:members", review.pk)
    return _render_members(request, review, membership, form, status=400)


@require_POST
def member_role(request, review_id, membership_id):
    review, _ = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    member = get_object_or_404(review.memberships.select_related("user"), pk=membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the listed roles.")
    else:
        attempt(
            request,
            lambda: services.change_role(membership=member, role=form.cleaned_data["role"], by=request.user),
            lambda changed: f"{changed.user.username} is now {changed.get_role_display().lower()}.",
            (services.TeamRuleError,),
        )
    return redirect("reviews:members", review.pk)


@require_POST
def member_remove(request, review_id, membership_id):
    review, _ = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    member = get_object_or_404(review.memberships.select_related("user"), pk=membership_id)
    attempt(
        request,
        lambda: services.remove_member(membership=member, by=request.user),
        f"{member.user.username} removed from the review.",
        (services.TeamRuleError,),
    )
    return redirect("reviews:members", review.pk)


def export_list(request, review_id):
    """The large exports the member's role may make, and those made: progress, errors, and the finished files."""
    review, membership = get_review_for_user(request, review_id)
    offered = file_exports.kinds_for(review, membership.role)
    labels = {kind.slug: kind.label for kind in offered}
    exports = list(review.file_exports.filter(kind__in=labels).select_related("requested_by")[:50])
    for export in exports:
        export.label = labels[export.kind]
    context = {
        "review": review,
        "membership": membership,
        "offered": offered,
        "exports": exports,
        "under_way": any(export.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) for export in exports),
    }
    return render(request, "reviews/exports.html", context)


@require_POST
def export_request(request, review_id, kind):
    export_kind = file_exports.kinds().get(kind)
    if export_kind is None:
        raise Http404("No such export.")
    review, _ = get_review_for_user(request, review_id, roles=export_kind.roles)
    file_exports.request_export(review=review, user=request.user, kind=kind)
    messages.success(
        request, f"{export_kind.label}: a background worker is making it; this page shows when it is ready."
    )
    return redirect("reviews:exports", review.pk)


def _get_export_for_user(request, review_id, export_id):
    """A finished export, for a member whose role its kind allows (as the role is now, not when it was asked for)."""
    review, membership = get_review_for_user(request, review_id)
    export = get_object_or_404(review.file_exports, pk=export_id, status=ExportStatus.DONE)
    export_kind = file_exports.kinds().get(export.kind)
    if export_kind is None:
        raise Http404("No such export.")
    if membership.role not in export_kind.roles:
        raise PermissionDenied(f"Your role ({membership.get_role_display()}) cannot download this export")
    if not export_kind.offered(review):  # a backup made before the review was blinded
        raise PermissionDenied(f"{export_kind.label} is not offered in this review")
    return review, export, export_kind


def export_download(request, review_id, export_id):
    review, export, export_kind = _get_export_for_user(request, review_id, export_id)
    stamp = export.finished_at.strftime("%Y%m%d-%H%M")
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=download_name(review, f"{export_kind.slug}-{stamp}", export_kind.extension),
        content_type=export_kind.content_type,
    )
