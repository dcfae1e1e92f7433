from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm, UserCreationForm
from django.urls import reverse

from accounts.mail import absolute, send_later
from accounts.models import EmailAddress, Frequency
from reviews.models import Role


class InvitedSignupForm(UserCreationForm):
    """Signing up from an invitation: the address is the invitation's, proved by its link."""

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username"]


class SignupForm(InvitedSignupForm):
    # Whether an account already has this address is not said here, or the form would tell anyone who has an
    # account; the verification link settles who it belongs to.
    email = forms.EmailField(
        required=True,
        help_text="We send a link to it: once you follow it, leads can add you to a review by this address.",
    )


class AddressForm(forms.Form):
    email = forms.EmailField(label="New email address")


class NotificationForm(forms.Form):
    frequency = forms.ChoiceField(
        label="Tell me what waits for me", choices=Frequency.choices, widget=forms.RadioSelect
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.REVIEWER)

    def __init__(self, *args, **kwargs):
        # The team page also holds the add-a-member form, whose role field would otherwise share the id id_role
        # (and its label).
        kwargs.setdefault("auto_id", "invite_%s")
        super().__init__(*args, **kwargs)


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending only to verified addresses and through the task queue (accounts/mail.py)."""

    def get_users(self, email):
        verified = set(EmailAddress.objects.verified().matching(email).values_list("user_id", flat=True))
        return (user for user in super().get_users(email) if user.pk in verified)

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        # SITE_URL, not the request's Host header, which whoever asks for the reset chooses.
        url = absolute(reverse("accounts:password_reset_confirm", args=[context["uid"], context["token"]]))
        send_later(to=to_email, template="password_reset", context={"user": context["user"], "url": url})
