from django.urls import path

from screening import fulltext_views, prioritisation_views, summary_views, tag_views, views

app_name = "screening"

urlpatterns = [
    path("reviews/<int:review_id>/screening/<slug:stage_slug>/", views.queue, name="queue"),
    path("reviews/<int:review_id>/screening/<slug:stage_slug>/vote/<int:record_id>/", views.vote, name="vote"),
    path(
        "reviews/<int:review_id>/screening/<slug:stage_slug>/vote/<int:record_id>/withdraw/",
        views.withdraw,
        name="withdraw",
    ),
    path("reviews/<int:review_id>/screening/<slug:stage_slug>/conflicts/", views.conflict_list, name="conflicts"),
    path(
        "reviews/<int:review_id>/screening/<slug:stage_slug>/conflicts/<int:record_id>/resolve/",
        views.resolve,
        name="resolve",
    ),
]

reports = "reviews/<int:review_id>/full-texts/"
urlpatterns += [
    path(reports, fulltext_views.report_list, name="reports"),
    path(reports + "<int:record_id>/", fulltext_views.report_detail, name="report"),
    path(reports + "<int:record_id>/attach/", fulltext_views.report_attach, name="report_attach"),
    path(reports + "<int:record_id>/not-retrieved/", fulltext_views.report_not_retrieved, name="report_not_retrieved"),
    path(reports + "<int:record_id>/study/", fulltext_views.report_study, name="report_study"),
    path(reports + "<int:record_id>/pdf/", fulltext_views.report_pdf, name="report_pdf"),
]

urlpatterns += [
    path("reviews/<int:review_id>/prisma/", summary_views.prisma, name="prisma"),
    path("reviews/<int:review_id>/prisma.<slug:file_format>", summary_views.prisma_export, name="prisma_export"),
]

urlpatterns += [
    path("reviews/<int:review_id>/agreement/", summary_views.agreement_page, name="agreement"),
    path("reviews/<int:review_id>/agreement.csv", summary_views.agreement_export, name="agreement_export"),
    path("reviews/<int:review_id>/screening-decisions.csv", summary_views.decisions_export, name="decisions_export"),
]

urlpatterns += [
    path("reviews/<int:review_id>/tags/", tag_views.tag_list, name="tags"),
    path("reviews/<int:review_id>/records/<int:record_id>/tags/", tag_views.record_tags, name="record_tags"),
]

prioritisation = "reviews/<int:review_id>/prioritisation/"
urlpatterns += [
    path(prioritisation, prioritisation_views.overview, name="prioritisation"),
    path(prioritisation + "retrain/", prioritisation_views.retrain, name="prioritisation_retrain"),
    path(prioritisation + "settings/", prioritisation_views.change_settings, name="prioritisation_settings"),
    path(prioritisation + "exclude/", prioritisation_views.exclude_unscreened, name="prioritisation_exclude"),
    path(
        prioritisation + "exclusions/<int:exclusion_id>/revert/",
        prioritisation_views.revert_exclusion,
        name="prioritisation_revert",
    ),
]
