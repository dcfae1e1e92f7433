from django.urls import path

from screening.views import fulltext, prioritisation, queue, summary, tags

app_name = "screening"

urlpatterns = [
    path("reviews/<int:review_id>/screening/<slug:stage_slug>/", queue.queue, name="queue"),
    path("reviews/<int:review_id>/screening/<slug:stage_slug>/vote/<int:record_id>/", queue.vote, name="vote"),
    path(
        "reviews/<int:review_id>/screening/<slug:stage_slug>/vote/<int:record_id>/withdraw/",
        queue.withdraw,
        name="withdraw",
    ),
    path("reviews/<int:review_id>/screening/<slug:stage_slug>/conflicts/", queue.conflict_list, name="conflicts"),
    path(
        "reviews/<int:review_id>/screening/<slug:stage_slug>/conflicts/<int:record_id>/resolve/",
        queue.resolve,
        name="resolve",
    ),
]

reports = "reviews/<int:review_id>/full-texts/"
urlpatterns += [
    path(reports, fulltext.report_list, name="reports"),
    path(reports + "<int:record_id>/", fulltext.report_detail, name="report"),
    path(reports + "<int:record_id>/attach/", fulltext.report_attach, name="report_attach"),
    path(reports + "<int:record_id>/not-retrieved/", fulltext.report_not_retrieved, name="report_not_retrieved"),
    path(reports + "<int:record_id>/study/", fulltext.report_study, name="report_study"),
    path(reports + "<int:record_id>/pdf/", fulltext.report_pdf, name="report_pdf"),
]

urlpatterns += [
    path("reviews/<int:review_id>/prisma/", summary.prisma, name="prisma"),
    path("reviews/<int:review_id>/prisma.<slug:file_format>", summary.prisma_export, name="prisma_export"),
]

urlpatterns += [
    path("reviews/<int:review_id>/agreement/", summary.agreement_page, name="agreement"),
    path("reviews/<int:review_id>/agreement.csv", summary.agreement_export, name="agreement_export"),
    path("reviews/<int:review_id>/screening-decisions.csv", summary.decisions_export, name="decisions_export"),
]

urlpatterns += [
    path("reviews/<int:review_id>/tags/", tags.tag_list, name="tags"),
    path("reviews/<int:review_id>/records/<int:record_id>/tags/", tags.record_tags, name="record_tags"),
]

prioritisation_path = "reviews/<int:review_id>/prioritisation/"
urlpatterns += [
    path(prioritisation_path, prioritisation.overview, name="prioritisation"),
    path(prioritisation_path + "retrain/", prioritisation.retrain, name="prioritisation_retrain"),
    path(prioritisation_path + "settings/", prioritisation.change_settings, name="prioritisation_settings"),
    path(prioritisation_path + "exclude/", prioritisation.exclude_unscreened, name="prioritisation_exclude"),
    path(
        prioritisation_path + "exclusions/<int:exclusion_id>/revert/",
        prioritisation.revert_exclusion,
        name="prioritisation_revert",
    ),
]
