from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from reviews import login_throttle


class ThrottledAuthenticationForm(AuthenticationForm):
    """Refuses to check the password at all while the account or the address has too many recent failures."""

    throttled = False

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        if login_throttle.blocked(username, address):
            self.throttled = True
            raise ValidationError(
                "Too many failed log-ins for this account or from this address. Wait a few minutes and try again, "
                "or ask an administrator to reset your password.",
                code="throttled",
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            login_throttle.record_failure(username, address)
            raise
        login_throttle.forget_failures(username)
        return cleaned


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response
