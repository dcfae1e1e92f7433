from django.db import models

from reviews.models import Review


class Note(models.Model):
    """An appraisal note on a review: the test stage's data."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="plugin_notes")
    text = models.TextField()

    def __str__(self) -> str:
        return self.text[:40]
