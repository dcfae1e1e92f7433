from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from reviews import team

        from . import signals  # noqa: F401 - connects the receivers
        from .views import invitations_panel

        team.register("invitations", team.TeamPanel("accounts/_invitations.html", invitations_panel))
