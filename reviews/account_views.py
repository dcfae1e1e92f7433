from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render

from reviews.forms import SignupForm


@login_not_required
def signup(request):
    if not settings.ALLOW_SIGNUP:
        raise Http404("Sign-up is closed on this installation")
    if request.user.is_authenticated:
        return redirect("reviews:list")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome to Tandem. Create a review, or ask a lead to add you to theirs.")
        return redirect("reviews:list")
    return render(request, "registration/signup.html", {"form": form})
