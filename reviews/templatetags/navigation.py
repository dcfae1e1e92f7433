from django import template
from django.urls import reverse

from reviews import stages

register = template.Library()


@register.inclusion_tag("reviews/_nav.html", takes_context=True)
def review_nav(context):
    """The review's sections the member's role may use (stages.navigation()), the one holding the current page
    marked as current."""
    review, membership, path = context["review"], context.get("membership"), context["request"].path
    role = membership.role if membership else None
    shown = [
        (entry.label, [reverse(name, args=[review.pk, *args]) for name, *args in entry.urls])
        for entry in stages.navigation()
        if role in entry.roles
    ]
    dashboard = reverse("reviews:dashboard", args=[review.pk])
    # The current section is the one with the longest address this page's path starts with (every address starts
    # with the dashboard's, which therefore counts only for itself).
    matches = [
        (len(address), label)
        for label, addresses in shown
        for address in addresses
        if path == address or (address != dashboard and path.startswith(address))
    ]
    current = max(matches)[1] if matches else None
    return {"review": review, "links": [(label, addresses[0], label == current) for label, addresses in shown]}
