from django.dispatch import Signal, receiver

from screening.signals import study_renamed

# Sent inside the unlocking transaction with review, user and reason: whatever was computed from the locked
# data (analysis runs) must be marked stale.
extraction_unlocked = Signal()


@receiver(extraction_unlocked)
def tell_leads_of_unlock(sender, *, review, user, reason, **kwargs):
    """The leads hear of an unlock, which reopens data an analysis may already have used (sent after commit)."""
    from accounts.notifications import tell_leads

    tell_leads(review=review, template="extraction_unlocked", context={"unlocked_by": user, "reason": reason})


@receiver(study_renamed)
def record_rename(sender, *, review, study, previous, user, **kwargs):
    """The audit trail names studies by their current label: a rename is part of the study's history."""
    from .models import AuditAction, AuditEvent

    AuditEvent.objects.create(
        review=review,
        study=study,
        action=AuditAction.STUDY_RENAMED,
        user=user,
        old_value=previous,
        new_value=study.label,
    )
