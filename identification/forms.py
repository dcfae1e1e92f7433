from django import forms
from django.conf import settings

from identification.importers.base import RECORD_FIELDS as FIELDS
from identification.models import Search


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
