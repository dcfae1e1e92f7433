"""The one way views load a review: through the requesting user's membership.

Non-members get 404, so a review's existence is never disclosed; members
whose role may not do the thing asked get 403.
"""

from collections.abc import Collection

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from reviews.models import Membership, Review, Role

ANY_ROLE: frozenset[str] = frozenset(Role.values)
LEAD_ONLY: frozenset[str] = frozenset({Role.LEAD})


def get_review_for_user(
    request: HttpRequest, review_id: int, *, roles: Collection[str] = ANY_ROLE
) -> tuple[Review, Membership]:
    membership = (
        Membership.objects.select_related("review").filter(review_id=review_id, user_id=request.user.pk).first()
    )
    if membership is None:
        raise Http404("No such review")
    if membership.role not in roles:
        raise PermissionDenied(f"Your role ({membership.get_role_display()}) cannot do this in this review")
    return membership.review, membership
