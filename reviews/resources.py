import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from import_export import fields, resources, widgets
from import_export.widgets import ForeignKeyWidget

from reviews import services
from reviews.access import Staff
from reviews.downloads import spreadsheet_safe
from reviews.models import Membership, Review


class ExactDateTimeWidget(widgets.DateTimeWidget):
    """Times as ISO 8601 with the offset and every microsecond (2026-12-01T21:15:59.000123+01:00): the default
    format, DATETIME_INPUT_FORMATS' first, drops the fraction and the offset, so an exported vote or audit event
    lost its order within a second. Files written in the old format are still read."""

    def render(self, value, obj=None, **kwargs):
        if isinstance(value, datetime.datetime) and self.coerce_to_string and not kwargs.get("force_native_type"):
            return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat()
        return super().render(value, obj, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = parse_datetime(value.strip()) or value
        return super().clean(value, row, **kwargs)


class SafeResource(resources.ModelResource):
    """Admin exports go through the same formula neutralising as the site's downloads (import-export's own
    option only strips a leading "="), and keep times exact."""

    WIDGETS_MAP = {**resources.ModelResource.WIDGETS_MAP, "DateTimeField": ExactDateTimeWidget}

    def export_field(self, field, instance, **kwargs):
        return spreadsheet_safe(super().export_field(field, instance, **kwargs))


class WorkflowResource(SafeResource):
    """An import whose rows are saved by the workflow's services (`save_row`), with the importing staff account as
    their writer (access.Staff), so an import keeps the rules, audit trail and versioning the pages keep. A
    service's refusal (one of `refusals`) becomes the row's validation error, and the import stops before it
    commits anything."""

    refusals: tuple[type[Exception], ...] = ()

    def import_data(self, dataset, **kwargs):
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, **kwargs)

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        if kwargs.get("user") is None:
            raise ValueError("an import through the workflow names the staff account that makes it (user=)")
        self.writer = Staff(kwargs["user"])

    def do_instance_save(self, instance, is_create):
        try:
            self.save_row(instance, is_create)
        except self.refusals as exc:
            raise ValidationError(str(exc)) from exc

    def save_row(self, instance, is_create) -> None:
        raise NotImplementedError


class ReviewResource(SafeResource):
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


class MembershipResource(WorkflowResource):
    """Teams move between installations by username, not by database id. Each row goes through the team's
    services, so an import cannot leave a review without a lead, as the members page cannot."""

    refusals = (services.TeamRuleError,)

    user = fields.Field(
        column_name="username", attribute="user", widget=ForeignKeyWidget(get_user_model(), field="username")
    )

    class Meta:
        model = Membership
        fields = ("id", "review", "user", "role")
        import_id_fields = ("review", "user")
        skip_unchanged = True

    def save_row(self, instance, is_create) -> None:
        if is_create:
            added = services.add_member(review=instance.review, user=instance.user, role=instance.role, by=self.writer)
            instance.pk, instance.added_at = added.pk, added.added_at
        else:
            # Found by review and username, as the file names it: its id column is another installation's.
            stored = Membership.objects.select_related("review").get(review=instance.review, user=instance.user)
            services.change_role(membership=stored, role=instance.role, by=self.writer)
            instance.pk = stored.pk
