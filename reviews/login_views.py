from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from reviews import login_throttle


class ThrottledMixin:
    """Refuses to check the password at all while the account from this address, or the address, has too many
    recent failures."""

    throttled = False

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = login_throttle.client_address(self.request)
        if login_throttle.blocked(username, address):
            self.throttled = True
            raise ValidationError(
                "Too many failed log-ins from this address. Wait a few minutes and try again, "
                "or ask an administrator to reset your password.",
                code="throttled",
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            login_throttle.record_failure(username, address)
            raise
        login_throttle.forget_failures(username, address)
        return cleaned


class ThrottledAuthenticationForm(ThrottledMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledMixin, AdminAuthenticationForm):
    """The admin's log-in page is another place to try passwords."""


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response
