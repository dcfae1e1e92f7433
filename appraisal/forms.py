from django import forms

from .models import Design, ToolCode


class ToolChoiceForm(forms.Form):
    design = forms.ChoiceField(choices=Design.choices)
    tool = forms.ChoiceField(choices=ToolCode.choices)


class AddAppraisalForm(forms.Form):
    study = forms.TypedChoiceField(coerce=int, label="Study")
    design = forms.ChoiceField(choices=Design.choices)
    outcome = forms.CharField(
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"list": "review-outcomes"}),
        help_text="For RoB 2, which assesses one outcome: name it as the analysis does (offered as you type), or "
        "its risk of bias reaches no forest plot or GRADE table.",
    )

    def __init__(self, *args, studies=(), outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["study"].choices = [(study.pk, study.label) for study in studies]
        self.outcomes = outcomes  # (key, label) of the review's outcomes, offered in the template's datalist


class UnlockForm(forms.Form):
    reason = forms.CharField(
        max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), help_text="Kept in the audit trail."
    )


class CustomToolForm(forms.Form):
    definition = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
        required=False,
        label="Definition (JSON)",
        help_text='The tool files\' format with <code>"kind": "custom"</code>: answers, judgements, domains and their '
        "questions (appraisal/README.md).",
    )
    file = forms.FileField(required=False, label="Or upload a JSON file", help_text="Replaces the text above.")

    def text(self) -> str:
        """The definition uploaded or pasted (a file's undecodable bytes become replacement characters, which the
        JSON check then reports)."""
        upload = self.cleaned_data.get("file")
        if upload is not None:
            return upload.read().decode("utf-8", errors="replace")
        return self.cleaned_data.get("definition") or ""
