"""Logging in (throttled), signing up and verifying addresses, invitations, resetting a password (Django's views,
throttled), notification choices. No page says whether an account exists for a name or an address."""

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_POST

from accounts import services, throttle
from accounts.forms import (
    AddressForm,
    InvitationForm,
    InvitedSignupForm,
    NotificationForm,
    QueuedPasswordResetForm,
    SignupForm,
)
from accounts.mail import unsubscribed_user_id
from accounts.models import EmailAddress, Frequency, NotificationSetting
from reviews.access import LEAD_ONLY, get_review_for_user


class ThrottledMixin:
    """Refuses to check the password at all while the account from this address, or the address, has too many
    recent failures."""

    throttled = False

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = throttle.client_address(self.request)
        if throttle.blocked(username, address):
            self.throttled = True
            raise ValidationError(
                "Too many failed log-ins from this address. Wait a few minutes and try again, "
                "or ask an administrator to reset your password.",
                code="throttled",
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            throttle.record_failure(username, address)
            raise
        throttle.forget_failures(username, address)
        return cleaned


class ThrottledAuthenticationForm(ThrottledMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledMixin, AdminAuthenticationForm):
    """The admin's log-in page is another place to try passwords."""


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "accounts/login.html"

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response


@login_not_required
def signup(request):
    if not settings.ALLOW_SIGNUP:
        raise Http404("Sign-up is closed on this installation")
    if request.user.is_authenticated:
        return redirect("reviews:list")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            services.add_address(user=user, email=form.cleaned_data["email"])
        _log_in(request, user)
        messages.success(
            request,
            f"Welcome to Tandem. We sent a link to {form.cleaned_data['email']}: follow it to confirm the address. "
            "Create a review, or ask a lead to invite you to theirs.",
        )
        return redirect("reviews:list")
    return render(request, "accounts/signup.html", {"form": form})


def _log_in(request, user):
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")


@login_not_required
def verify(request, token):
    try:
        address = services.verify_address(token=token)
    except services.LinkError as error:
        return render(request, "accounts/link_refused.html", {"message": str(error)}, status=410)
    messages.success(request, f"{address.email} is confirmed as your address.")
    return redirect("accounts:settings" if request.user.is_authenticated else "accounts:login")


def account_settings(request):
    """The person's address (and one waiting for verification) and how they are notified."""
    addresses = EmailAddress.objects.filter(user=request.user).order_by("-verified_at", "email")
    setting = NotificationSetting.objects.filter(user=request.user).first()
    context = {
        "addresses": addresses,
        "address_form": AddressForm(),
        "notification_form": NotificationForm(initial={"frequency": setting.frequency if setting else Frequency.DAILY}),
    }
    return render(request, "accounts/settings.html", context)


@require_POST
def address_change(request):
    form = AddressForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter a valid email address.")
    elif not throttle.spend("verify", throttle.client_address(request)):
        messages.error(request, "Too many links asked for from this address. Wait a few minutes and try again.")
    else:
        services.add_address(user=request.user, email=form.cleaned_data["email"])
        messages.success(
            request,
            f"We sent a link to {form.cleaned_data['email']}. Your address changes once you follow it.",
        )
    return redirect("accounts:settings")


@require_POST
def notifications(request):
    form = NotificationForm(request.POST)
    if form.is_valid():
        services.set_frequency(user=request.user, frequency=form.cleaned_data["frequency"])
        messages.success(request, "Notification choice saved.")
    else:
        messages.error(request, "Choose one of the listed options.")
    return redirect("accounts:settings")


@login_not_required
def unsubscribe(request, token):
    """The link at the foot of every notification. Opening it asks to confirm (mail scanners open links); posting
    turns every notification off."""
    user_id = unsubscribed_user_id(token)
    if user_id is None:
        return render(request, "accounts/link_refused.html", {"message": "This link is not valid."}, status=410)
    if request.method == "POST":
        services.unsubscribe(user_id=user_id)
        return render(request, "accounts/unsubscribed.html", {"done": True})
    return render(request, "accounts/unsubscribed.html", {"done": False})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset, throttled per client address. Whether the address belongs to an account, the page is the
    same and so is the time taken: the message is queued, not sent, in either case."""

    form_class = QueuedPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        if not throttle.spend("password-reset", throttle.client_address(self.request)):
            form.add_error(None, "Too many resets asked for from this address. Wait a few minutes and try again.")
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


# Invitations


@login_not_required
def invitation(request, token):
    """The link of an invitation. A person logged in joins by posting; anyone else signs up here (the address is
    the invitation's) or logs in and comes back. The page never says whether the address has an account."""
    try:
        invited = services.usable_invitation(token)
    except services.LinkError as error:
        return render(request, "accounts/link_refused.html", {"message": str(error)}, status=410)
    # Where sign-up is closed, an invitation lets an existing account join but makes none.
    may_sign_up = settings.ALLOW_SIGNUP and not request.user.is_authenticated
    form = InvitedSignupForm(request.POST or None) if may_sign_up else None
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                membership = services.accept(token=token, user=request.user)
            elif form is not None and form.is_valid():
                with transaction.atomic():
                    user = form.save()
                    membership = services.join_by_signing_up(token=token, user=user)
                _log_in(request, user)
            else:
                return render(request, "accounts/invitation.html", {"invitation": invited, "form": form}, status=400)
        except services.LinkError as error:
            return render(request, "accounts/link_refused.html", {"message": str(error)}, status=410)
        messages.success(request, f"You joined “{membership.review}” as {membership.get_role_display().lower()}.")
        return redirect(membership.review)
    login_url = f"{reverse('accounts:login')}?next={request.path}"
    return render(request, "accounts/invitation.html", {"invitation": invited, "form": form, "login_url": login_url})


def invitations_panel(request, review, membership) -> dict:
    """The team page's list of pending invitations, with the form to invite someone (reviews/team.py)."""
    return {"invitations": review.invitations.pending().order_by("email"), "invite_form": InvitationForm()}


@require_POST
def invite(request, review_id):
    review, _ = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter a valid email address and one of the listed roles.")
        return redirect("reviews:members", review.pk)
    try:
        sent = services.invite(
            review=review, email=form.cleaned_data["email"], role=form.cleaned_data["role"], by=request.user
        )
    except services.InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Invitation sent to {sent.email}.")
    return redirect("reviews:members", review.pk)


def _change_invitation(request, review_id, invitation_id, change, done: str):
    review, _ = get_review_for_user(request, review_id, roles=LEAD_ONLY)
    invited = get_object_or_404(review.invitations.pending(), pk=invitation_id)
    try:
        change(invitation=invited, by=request.user)
    except services.InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Invitation to {invited.email} {done}.")
    return redirect("reviews:members", review.pk)


@require_POST
def invitation_resend(request, review_id, invitation_id):
    return _change_invitation(request, review_id, invitation_id, services.resend, "sent again")


@require_POST
def invitation_revoke(request, review_id, invitation_id):
    return _change_invitation(request, review_id, invitation_id, services.revoke, "revoked")
