from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = "Screening"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from reviews.models import Review
        from reviews.stages import register

        from . import ranking
        from .models import Resolution
        from .stage import STAGE

        register(STAGE)
        post_save.connect(ranking.resolution_saved, sender=Resolution, dispatch_uid="screening_retrain_when_due")
        post_delete.connect(ranking.review_deleted, sender=Review, dispatch_uid="screening_forget_features")
