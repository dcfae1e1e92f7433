from django import forms

from .models import Design, ToolCode


class ToolChoiceForm(forms.Form):
    design = forms.ChoiceField(choices=Design.choices)
    tool = forms.ChoiceField(choices=ToolCode.choices)


class AddAppraisalForm(forms.Form):
    study = forms.TypedChoiceField(coerce=int, label="Study")
    design = forms.ChoiceField(choices=Design.choices)
    outcome = forms.CharField(max_length=200, required=False, help_text="For RoB 2, which assesses one outcome.")

    def __init__(self, *args, studies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["study"].choices = [(study.pk, study.label) for study in studies]


class UnlockForm(forms.Form):
    reason = forms.CharField(
        max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), help_text="Kept in the audit trail."
    )
