from django import forms

from .models import Start

CHANGES = [(-2, "-2: very serious"), (-1, "-1: serious"), (0, "0: not serious"), (1, "+1: rate up"), (2, "+2")]


class JudgeForm(forms.Form):
    change = forms.TypedChoiceField(coerce=int, choices=CHANGES)
    reason = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), help_text="The table's footnote."
    )


class SettingsForm(forms.Form):
    start = forms.ChoiceField(choices=Start.choices)
    mid_lower = forms.FloatField(required=False, label="Minimally important difference below the null")
    mid_upper = forms.FloatField(required=False, label="… and above it", help_text="Ratios as ratios: 0.8 and 1.25.")
    control_risk = forms.FloatField(
        required=False,
        min_value=0.001,
        max_value=0.999,
        label="Assumed control risk",
        help_text="A proportion; blank: the studies' control arms'.",
    )
