"""Each user's personal API tokens, on a page linked from their account's pages."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import services


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. 'R scripts on my laptop'.")


def token_list(request):
    context = {"tokens": request.user.api_tokens.all(), "form": TokenForm()}
    return render(request, "api/tokens.html", context)


@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        context = {"tokens": request.user.api_tokens.all(), "form": form}
        return render(request, "api/tokens.html", context, status=400)
    token, key = services.create_token(user=request.user, name=form.cleaned_data["name"])
    # Shown on this response only: the page a reload or the back button brings is the list, without it.
    context = {"tokens": request.user.api_tokens.all(), "form": TokenForm(), "created": token, "key": key}
    response = render(request, "api/tokens.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def token_revoke(request, token_id):
    if services.revoke_token(user=request.user, token_id=token_id):
        messages.success(request, "Token revoked: scripts using it are refused from now on.")
    else:
        messages.info(request, "No such token of yours: it may have been revoked already.")
    return redirect("api_tokens:list")
