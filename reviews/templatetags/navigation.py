from django import template
from django.urls import reverse

from reviews.access import ADJUDICATORS, SCREENERS
from reviews.models import Role

register = template.Library()


@register.inclusion_tag("reviews/_nav.html", takes_context=True)
def review_nav(context):
    """The review's sections the member's role may use, the one holding the current page marked as current."""
    review, membership, path = context["review"], context.get("membership"), context["request"].path
    role = membership.role if membership else None

    def url(name, *args):
        return reverse(name, args=[review.pk, *args])

    # (label, the addresses of pages in the section, shown to this role); the first address is the link.
    sections = [
        ("Overview", [url("reviews:dashboard")], True),
        ("Searches", [url("reviews:searches")], True),
        ("Imports", [url("reviews:imports")], True),
        ("Records", [url("reviews:records")], True),
        ("Duplicates", [url("reviews:duplicates")], True),
        ("Screen titles", [url("screening:queue", "title-abstract")], role in SCREENERS),
        ("Screen full texts", [url("screening:queue", "full-text")], role in SCREENERS),
        (
            "Conflicts",
            [url("screening:conflicts", "title-abstract"), url("screening:conflicts", "full-text")],
            role in ADJUDICATORS,
        ),
        ("Retrieve full texts", [url("screening:reports")], True),
        ("Agreement", [url("screening:agreement")], True),
        ("Extraction", [url("extraction:overview")], True),
        ("Analysis", [url("analysis:runs")], True),
        ("PRISMA", [url("screening:prisma")], True),
        ("Team", [url("reviews:members")], True),
        ("Settings", [url("reviews:settings")], role == Role.LEAD),
    ]
    shown = [(label, addresses) for label, addresses, visible in sections if visible]
    dashboard = sections[0][1][0]
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
