"""The one way views load a review: through the requesting user's membership.

Non-members get 404, so a review's existence is never disclosed; members
whose role may not do the thing asked get 403.
"""

from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from reviews.models import Membership, Review, Role

ANY_ROLE: frozenset[str] = frozenset(Role.values)
LEAD_ONLY: frozenset[str] = frozenset({Role.LEAD})
SCREENERS: frozenset[str] = frozenset({Role.LEAD, Role.REVIEWER})
ADJUDICATORS: frozenset[str] = frozenset({Role.LEAD, Role.ADJUDICATOR})


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


@dataclass(frozen=True)
class Staff:
    """A staff account writing through the Django admin, where it need not be a member of the review: the admin has
    checked its model permissions, so role checks let it through, and the trail names `user`. Services take it
    where they take a member, so the admin's saves keep the workflow's rules, audit trail and versioning."""

    user: User


# Who a service acts for: a member, or a staff account in the admin.
Writer = User | Staff


def person(writer: Writer) -> User:
    """The account a trail names for a write: the member, or the staff account."""
    return writer.user if isinstance(writer, Staff) else writer


def adjudicator_ids(review) -> set[int]:
    """Ids of the members whose role may settle conflicts: the leads and the adjudicators."""
    return set(review.memberships.filter(role__in=ADJUDICATORS).values_list("user_id", flat=True))


def may_settle(user, took_part: set[int], adjudicators: set[int]) -> bool:
    """Whether `user` may see and settle a disagreement between the members in `took_part` (who voted on a record,
    who extracted a study): yes if they took no part in it; one who did only when no lead or adjudicator who took
    no part is in the team (the page then says so). One rule for every stage."""
    return user.pk not in took_part or not (adjudicators - took_part)


class RoleRefused(PermissionDenied):
    """The writer's role in the review, as it is now, does not allow the write (a 403 when a page asked for it)."""


def require_role(*, review, user, roles: Collection[str]) -> Membership | None:
    """The writer's membership, checked by every write service inside its own transaction, so a role changed since
    the page was opened counts. The row stays locked until the write commits: a role change waits for a write that
    has already passed this check, and a write after the change sees the new role. Staff in the admin pass (None)."""
    if isinstance(user, Staff):
        return None
    membership = Membership.objects.select_for_update().filter(review=review, user_id=user.pk).first()
    if membership is None:
        raise RoleRefused("You are no longer a member of this review")
    if membership.role not in roles:
        raise RoleRefused(f"Your role ({membership.get_role_display()}) cannot do this in this review")
    return membership


def child_for_user(request, review_id, queryset, pk, roles):
    review, membership = get_review_for_user(request, review_id, roles=roles)
    child = queryset.filter(review=review, pk=pk).first()
    if child is None:
        raise Http404("No such item in this review")
    return child, review, membership
