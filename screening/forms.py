from django import forms
from django.conf import settings

from .models import Prioritisation, Study

PDF_SIGNATURE = b"%PDF-"


class FullTextForm(forms.Form):
    pdf = forms.FileField(label="PDF", required=False, help_text=f"A PDF file of at most {settings.MAX_PDF_MB} MB.")
    link = forms.URLField(label="Or a link to the full text", required=False, max_length=1000, assume_scheme="https")

    def clean_pdf(self):
        pdf = self.cleaned_data["pdf"]
        if pdf is None:
            return None
        if pdf.size > settings.MAX_PDF_MB * 1024 * 1024:
            raise forms.ValidationError(
                f"{pdf.name} is {pdf.size / 1024 / 1024:.1f} MB; full texts may be at most {settings.MAX_PDF_MB} MB."
            )
        if not pdf.name.lower().endswith(".pdf"):
            raise forms.ValidationError(f"{pdf.name} is not a PDF: the file name should end in .pdf.")
        start = pdf.read(len(PDF_SIGNATURE))
        pdf.seek(0)
        if start != PDF_SIGNATURE:
            raise forms.ValidationError(f"{pdf.name} is not a PDF: it does not start with the PDF signature.")
        return pdf

    def clean(self):
        cleaned = super().clean()
        if not self.errors and cleaned.get("pdf") is None and not cleaned.get("link"):
            raise forms.ValidationError("Upload a PDF or give a link to the full text.")
        return cleaned


class NotRetrievedForm(forms.Form):
    reason = forms.CharField(
        label="Why the full text could not be retrieved",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="E.g. 'Conference abstract only; authors did not reply'. PRISMA reports these apart.",
    )


class StudyForm(forms.Form):
    study = forms.ModelChoiceField(
        queryset=Study.objects.none(), required=False, empty_label="A new study", label="Report of study"
    )
    new_label = forms.CharField(
        label="Name of the new study", required=False, max_length=200, help_text="Leave empty for 'Surname year'."
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["study"].queryset = review.studies.all()


class PrioritisationForm(forms.ModelForm):
    class Meta:
        model = Prioritisation
        fields = ["retrain_every", "target_recall", "confidence"]
        widgets = {
            "target_recall": forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "max": "1"}),
            "confidence": forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "max": "0.99"}),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("target_recall") is not None and not 0 < cleaned["target_recall"] <= 1:
            self.add_error("target_recall", "Target recall is a share above 0 and at most 1, e.g. 0.95.")
        if cleaned.get("confidence") is not None and not 0 < cleaned["confidence"] < 1:
            self.add_error("confidence", "Confidence is a share between 0 and 1, e.g. 0.95.")
        return cleaned
