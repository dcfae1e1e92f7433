from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from reviews.models import Review, Role

# Left empty, no record is double-screened beyond the reviewers per record.
DOUBLE_SCREENED_SHARES = ("title_abstract_double_percent", "full_text_double_percent")


class ReviewForm(forms.ModelForm):
    exclusion_reasons = forms.CharField(
        label="Full-text exclusion reasons",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One per line, in the order reviewers should see them.",
    )

    class Meta:
        model = Review
        fields = [
            "title",
            "question",
            "population",
            "intervention",
            "comparison",
            "outcomes",
            "inclusion_criteria",
            "exclusion_criteria",
            "protocol_registration",
            "title_abstract_reviewers",
            "full_text_reviewers",
            "title_abstract_double_percent",
            "full_text_double_percent",
            "blinded",
            "highlight_include",
            "highlight_exclude",
        ]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 2}),
            "population": forms.Textarea(attrs={"rows": 2}),
            "intervention": forms.Textarea(attrs={"rows": 2}),
            "comparison": forms.Textarea(attrs={"rows": 2}),
            "outcomes": forms.Textarea(attrs={"rows": 2}),
            "inclusion_criteria": forms.Textarea(attrs={"rows": 4}),
            "exclusion_criteria": forms.Textarea(attrs={"rows": 4}),
            "title_abstract_reviewers": forms.Select(choices=[(1, "1"), (2, "2")]),
            "full_text_reviewers": forms.Select(choices=[(1, "1"), (2, "2")]),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in DOUBLE_SCREENED_SHARES:
            self.fields[name].required = False
        if self.instance.pk:
            self.initial["exclusion_reasons"] = "\n".join(
                reason.label for reason in self.instance.exclusion_reasons.all()
            )

    def clean(self):
        cleaned = super().clean()
        for name in DOUBLE_SCREENED_SHARES:
            cleaned[name] = cleaned.get(name) or 0
        return cleaned

    def clean_exclusion_reasons(self) -> list[str]:
        labels = [line.strip() for line in self.cleaned_data["exclusion_reasons"].splitlines()]
        too_long = [label for label in labels if len(label) > 200]
        if too_long:
            raise forms.ValidationError(f"Reasons are at most 200 characters: {too_long[0][:40]}…")
        return [label for label in labels if label]


class AddMemberForm(forms.Form):
    identifier = forms.CharField(
        label="Username or email",
        max_length=254,
        help_text="An address counts once its owner has confirmed it; to reach anyone else, invite the address.",
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.REVIEWER)

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review

    def clean_identifier(self):
        identifier = self.cleaned_data["identifier"].strip()
        # Only a verified address (accounts.EmailAddress, reached by its relation, not imported): anyone may sign up
        # with a colleague's address, and must not be added to a review in their place.
        verified = Q(email_addresses__email__iexact=identifier, email_addresses__verified_at__isnull=False)
        users = get_user_model().objects.filter(Q(username__iexact=identifier) | verified).distinct()
        matches = list(users[:2])
        if not matches:
            raise forms.ValidationError(
                f"No account is called '{identifier}' or has confirmed it as its address. Invite the address below."
            )
        if len(matches) > 1:
            raise forms.ValidationError(f"'{identifier}' matches several accounts; use the username.")
        user = matches[0]
        if self.review.memberships.filter(user=user).exists():
            raise forms.ValidationError(f"{user.username} is already a member of this review.")
        return user


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
