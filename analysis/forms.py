from django import forms

from .models import AnalysisRun


class RunForm(forms.ModelForm):
    class Meta:
        model = AnalysisRun
        fields = ["measure", "method", "knha", "correlation", "subgroup", "median_policy"]
        help_texts = {
            "correlation": "Used for studies that do not report the correlation of before and after values; "
                           "the results also show 0.3, 0.5, 0.7 and 0.9.",
            "knha": "t-based tests and intervals (Hartung-Knapp-Sidik-Jonkman); advisable with few studies.",
        }  # fmt: skip
        widgets = {"correlation": forms.NumberInput(attrs={"step": "0.05", "min": "-0.95", "max": "0.95"})}

    def clean_correlation(self):
        r = self.cleaned_data["correlation"]
        if not -1 < r < 1:
            raise forms.ValidationError("A correlation lies strictly between -1 and 1.")
        return r
