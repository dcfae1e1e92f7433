from django import forms

from .engine.dataset import SUMMARY_COLUMNS, TIME_POINTS
from .models import AnalysisRun

POINT_NAMES = {"pre": "before", "post": "during/after"}
ENGINE_COLUMNS = ["n"] + [f"{summary}_{point}" for point in TIME_POINTS for summary in SUMMARY_COLUMNS]
COLUMN_LABELS = {"n": "Patients (n)"} | {
    f"{summary}_{point}": f"{summary.upper() if summary in ('sd',) else summary.capitalize()} {POINT_NAMES[point]}"
    for point in TIME_POINTS
    for summary in SUMMARY_COLUMNS
}


class RunForm(forms.ModelForm):
    class Meta:
        model = AnalysisRun
        fields = ["measure", "method", "knha", "correlation", "subgroup", "median_policy"]
        help_texts = {
            "correlation": "Used for studies that do not report the correlation of before and after values; "
            "the results also show 0.3, 0.5, 0.7 and 0.9.",
            "knha": "t-based tests and intervals (Hartung-Knapp-Sidik-Jonkman); advisable with few studies.",
        }
        widgets = {"correlation": forms.NumberInput(attrs={"step": "0.05", "min": "-0.95", "max": "0.95"})}

    def clean_correlation(self):
        r = self.cleaned_data["correlation"]
        if not -1 < r < 1:
            raise forms.ValidationError("A correlation lies strictly between -1 and 1.")
        return r


class MappingForm(forms.Form):
    """An outcome and, for each summary the engine reads, the extraction field that holds it."""

    key = forms.SlugField(max_length=40, help_text="Short name, e.g. arr.")
    label = forms.CharField(max_length=200)
    group_field = forms.ChoiceField(label="Arms grouped by", help_text="Usually the arm's treatment.")

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        fields = list(review.extraction_fields.filter(retired=False).order_by("section__position", "position"))
        numbers = [("", "—")] + [(f.key, f.label) for f in fields if f.field_type in ("number", "integer")]
        self.fields["group_field"].choices = [(f.key, f.label) for f in fields if f.field_type in ("choice", "text")]
        for column in ENGINE_COLUMNS:
            self.fields[column] = forms.ChoiceField(
                label=COLUMN_LABELS[column], choices=numbers, required=column == "n"
            )

    def clean(self):
        cleaned = super().clean()
        for point in TIME_POINTS:
            has_mean = cleaned.get(f"mean_{point}") and cleaned.get(f"sd_{point}")
            has_median = cleaned.get(f"median_{point}")
            if not has_mean and not has_median:
                raise forms.ValidationError(f"Map a mean and SD, or a median, {POINT_NAMES[point]} treatment.")
        return cleaned

    def columns(self) -> dict[str, str]:
        return {column: self.cleaned_data[column] for column in ENGINE_COLUMNS if self.cleaned_data.get(column)}
