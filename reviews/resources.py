from django.contrib.auth import get_user_model
from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from reviews.models import Membership, Review


class ReviewResource(resources.ModelResource):
    class Meta:
        model = Review
        fields = (
            "id",
            "title",
            "question",
            "population",
            "intervention",
            "comparison",
            "outcomes",
            "protocol_registration",
            "title_abstract_reviewers",
            "full_text_reviewers",
            "blinded",
            "created_at",
        )


class MembershipResource(resources.ModelResource):
    """Teams move between installations by username, not by database id."""

    user = fields.Field(
        column_name="username", attribute="user", widget=ForeignKeyWidget(get_user_model(), field="username")
    )

    class Meta:
        model = Membership
        fields = ("id", "review", "user", "role")
        import_id_fields = ("review", "user")
        skip_unchanged = True
