from django.urls import path

from extraction import views

app_name = "extraction"

base = "reviews/<int:review_id>/extraction/"
urlpatterns = [
    path(base, views.overview, name="overview"),
    path(base + "form/", views.form_builder, name="form"),
    path(base + "form/template/", views.form_template, name="form_template"),
    path(base + "form.json", views.form_export, name="form_export"),
    path(base + "form/sections/", views.section_add, name="section_add"),
    path(base + "form/fields/new/", views.field_add, name="field_add"),
    path(base + "form/fields/several/", views.fields_add, name="fields_add"),
    path(base + "form/fields/<int:field_id>/", views.field_edit, name="field_edit"),
    path(base + "form/fields/<int:field_id>/retire/", views.field_retire, name="field_retire"),
    path(base + "assign/", views.assign, name="assign"),
    path(base + "extractions/<int:extraction_id>/", views.extract, name="extract"),
    path(base + "extractions/<int:extraction_id>/autosave/", views.autosave, name="autosave"),
    path(base + "extractions/<int:extraction_id>/reassign/", views.reassign, name="reassign"),
    path(base + "conflicts/", views.conflicts, name="conflicts"),
    path(base + "conflicts/<int:consensus_id>/resolve/", views.resolve, name="resolve"),
    path(base + "studies/<int:study_id>/", views.study, name="study"),
    path(base + "lock/", views.lock, name="lock"),
    path(base + "unlock/", views.unlock, name="unlock"),
    path(base + "consensus.<slug:file_format>", views.export, name="export"),
    path(base + "characteristics.csv", views.characteristics_export, name="characteristics_export"),
    path(base + "audit.csv", views.audit_export, name="audit_export"),
]
