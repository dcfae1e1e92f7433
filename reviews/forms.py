from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.db.models import Q

from reviews.importers.base import RECORD_FIELDS as FIELDS
from reviews.models import Review, Role, Search

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
    identifier = forms.CharField(label="Username or email", max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.REVIEWER)

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review

    def clean_identifier(self):
        identifier = self.cleaned_data["identifier"].strip()
        users = get_user_model().objects.filter(Q(username__iexact=identifier) | Q(email__iexact=identifier))
        matches = list(users[:2])
        if not matches:
            raise forms.ValidationError(f"No account is called '{identifier}'. Ask them to sign up first.")
        if len(matches) > 1:
            raise forms.ValidationError(f"'{identifier}' matches several accounts; use the username.")
        user = matches[0]
        if self.review.memberships.filter(user=user).exists():
            raise forms.ValidationError(f"{user.username} is already a member of this review.")
        return user


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=True, help_text="Leads add you to a review by your username or this email.")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "email"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email already exists.")
        return email


class SearchForm(forms.ModelForm):
    class Meta:
        model = Search
        fields = ["source", "platform", "source_type", "date_searched", "strategy", "notes"]
        widgets = {
            "source": forms.TextInput(attrs={"list": "known-sources"}),
            "date_searched": forms.DateInput(attrs={"type": "date"}),
            "strategy": forms.Textarea(attrs={"rows": 6, "class": "mono"}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


class ImportForm(forms.Form):
    search = forms.ModelChoiceField(queryset=Search.objects.none(), help_text="The search these results came from.")
    file = forms.FileField(
        help_text="RIS, PubMed MEDLINE (.nbib/.txt), BibTeX, EndNote XML, Web of Science, CSV, TSV or XLSX."
    )
    column_mapping = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "mono", "placeholder": "title=Article Title\nyear=PY"}),
        help_text="CSV, TSV and XLSX only, when a column is not recognised: one field=column per line. "
        f"Fields: {', '.join(FIELDS)}.",
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["search"].queryset = review.searches.all()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.MAX_UPLOAD_MB * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(f"The file is larger than the limit of {settings.MAX_UPLOAD_MB} MB.")
        return upload

    def clean_column_mapping(self):
        mapping = {}
        for number, line in enumerate(self.cleaned_data["column_mapping"].splitlines(), start=1):
            if not line.strip():
                continue
            field, sep, column = line.partition("=")
            field = field.strip().lower()
            if not sep or field not in FIELDS:
                raise forms.ValidationError(
                    f"Line {number}: write field=column, with a field among {', '.join(FIELDS)}."
                )
            mapping[field] = column.strip()
        return mapping


class BulkAcceptForm(forms.Form):
    """The score above which the lead merges every pending pair, and the count they were shown."""

    min_score = forms.FloatField(
        label="Merge every pending pair scoring at least",
        min_value=0,
        max_value=2,
        help_text="Title similarity (0 to 1), plus 0.1 for each of author, year, volume and page that agree "
        "and 0.5 for a shared DOI or PMID.",
    )
    expected = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
