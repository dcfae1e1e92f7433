"""Test data built with the project's own write functions."""

from django.contrib.auth import get_user_model

from reviews import services
from reviews.models import Review, Role

PASSWORD = "correct horse battery staple"


def make_user(username: str, **fields):
    fields.setdefault("email", f"{username}@example.org")
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)


def make_review(*, lead, title: str = "Tocilizumab versus azathioprine", **fields) -> Review:
    return services.create_review(
        creator=lead, exclusion_reasons=fields.pop("exclusion_reasons", ["Wrong population"]), title=title, **fields
    )


class Personas:
    """One user per role of a review, plus an outsider who belongs to another review."""

    def __init__(self, prefix: str = ""):
        self.lead = make_user(f"{prefix}lead")
        self.reviewer = make_user(f"{prefix}reviewer")
        self.adjudicator = make_user(f"{prefix}adjudicator")
        self.viewer = make_user(f"{prefix}viewer")
        self.outsider = make_user(f"{prefix}outsider")
        self.review = make_review(lead=self.lead)
        services.add_member(review=self.review, user=self.reviewer, role=Role.REVIEWER)
        services.add_member(review=self.review, user=self.adjudicator, role=Role.ADJUDICATOR)
        services.add_member(review=self.review, user=self.viewer, role=Role.VIEWER)
        self.other_review = make_review(lead=self.outsider, title="Someone else's review")

    def by_name(self, name: str):
        return getattr(self, name)
