from django.contrib import admin

from accounts.models import EmailAddress, Invitation, NotificationSetting
from reviews.admin_base import ReadOnlyAdmin


@admin.register(EmailAddress)
class EmailAddressAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Verified by their owners' links only: an address set here would skip the proof."""

    list_display = ["email", "user", "verified_at", "created_at"]
    list_filter = ["verified_at"]
    search_fields = ["email", "user__username"]
    list_select_related = ["user"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Sent, resent and revoked by the review's leads on its team page; shown here for support."""

    list_display = ["email", "review", "role", "status", "invited_by", "sent_at", "expires_at"]
    list_filter = ["status", "role"]
    search_fields = ["email", "review__title"]
    list_select_related = ["review", "invited_by"]
    exclude = ["token_hash"]


@admin.register(NotificationSetting)
class NotificationSettingAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Each person's own choice, made on their account page or by a message's unsubscribe link."""

    list_display = ["user", "frequency", "last_sent_at"]
    list_filter = ["frequency"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
