from django.dispatch import Signal

# Sent inside the unlocking transaction with review, user and reason: whatever was computed from the locked
# data (analysis runs) must be marked stale.
extraction_unlocked = Signal()
