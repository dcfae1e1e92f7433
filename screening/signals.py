from django.dispatch import Signal

# Sent inside the renaming transaction with review, study, previous (its label before) and user: a later stage that
# keeps a trail of the study (extraction's audit trail) records it.
study_renamed = Signal()
