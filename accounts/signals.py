"""Deactivating an account (in the admin, or anywhere else is_active is turned off) ends its sessions at once. Its
votes, extractions and assessments stay: they point at the account, which is kept."""

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

User = get_user_model()


@receiver(pre_save, sender=User)
def note_deactivation(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and "is_active" not in update_fields:  # a log-in's last_login, say: no query
        instance._deactivated = False
        return
    instance._deactivated = bool(
        instance.pk and not instance.is_active and User.objects.filter(pk=instance.pk, is_active=True).exists()
    )


@receiver(post_save, sender=User)
def end_sessions_of_deactivated(sender, instance, **kwargs):
    if not getattr(instance, "_deactivated", False):
        return
    # Sessions are stored signed and encoded, not indexed by account: each live one is read. Deactivating is rare.
    user_id = str(instance.pk)
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(pk__in=ended).delete()
