from django import forms

from .models import FieldType, FormField


class SectionForm(forms.Form):
    title = forms.CharField(max_length=200, label="New section")


class FieldForm(forms.ModelForm):
    choices = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="For a choice field: one option per line."
    )
    sum_of = forms.CharField(
        required=False, label="Sum of", help_text="Keys of fields that must add up to this one, e.g. women, men."
    )

    class Meta:
        model = FormField
        fields = [
            "section",
            "key",
            "label",
            "field_type",
            "unit",
            "help_text",
            "required",
            "per_arm",
            "baseline",
            "min_value",
            "max_value",
            "positive",
            "choices",
            "tolerance",
            "sum_of",
        ]

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = review.extraction_sections.all()
        # The model keeps lists; shown as they would be typed, so that a new field's empty lists are not "[]".
        self.initial["choices"] = "\n".join(self.instance.choices)
        self.initial["sum_of"] = ", ".join(self.instance.sum_of)

    def clean_choices(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]

    def clean_sum_of(self) -> list[str]:
        return [key.strip() for key in self.cleaned_data["sum_of"].split(",") if key.strip()]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("field_type") == FieldType.CHOICE and not cleaned.get("choices"):
            self.add_error("choices", "A choice field needs at least one option.")
        low, high = cleaned.get("min_value"), cleaned.get("max_value")
        if low is not None and high is not None and low > high:
            self.add_error("max_value", "The largest allowed value is below the smallest.")
        return cleaned


class QuickFieldForm(forms.Form):
    """One row of the builder's several-fields form: what a field needs to exist; the rest is set on its page."""

    key = forms.SlugField(max_length=60)
    label = forms.CharField(max_length=200)
    field_type = forms.ChoiceField(choices=FieldType.choices, initial=FieldType.NUMBER, label="Type")
    per_arm = forms.BooleanField(required=False, label="Per arm")

    def has_changed(self) -> bool:
        # A row counts once a key or label is typed: the order number alone (the page's script sets it) is no row.
        return bool(self["key"].value() or self["label"].value())


# Rows left empty are skipped; the rows' order (ORDER, set by hand or by the page's move buttons) is the fields'.
QuickFieldFormSet = forms.formset_factory(QuickFieldForm, extra=3, can_order=True, max_num=50, validate_max=True)


class UnlockForm(forms.Form):
    reason = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the audit trail; analyses of the locked data are marked stale.",
    )


class ReassignForm(forms.Form):
    extractor = forms.ModelChoiceField(queryset=None, label="Give to")

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["extractor"].queryset = people
