from csp import constants as csp
from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .views import analysis, extraction, reviews, screening
from .views.common import login_not_required

app_name = "api"

# Swagger UI's stylesheet draws its icons as data: images; images run nothing, scripts and styles stay our own.
docs_page = csp_update({"img-src": [csp.SELF, "data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html")
)

review = "reviews/<int:review_id>/"
stage = review + "screening/<slug:stage_slug>/"

urlpatterns = [
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", login_not_required(docs_page), name="docs"),
    path("reviews/", reviews.review_list, name="reviews"),
    path(review, reviews.review_detail, name="review"),
    path(review + "members/", reviews.member_list, name="members"),
    path(review + "searches/", reviews.search_list, name="searches"),
    path(review + "imports/", reviews.import_list, name="imports"),
    path(review + "imports/<int:import_id>/", reviews.import_detail, name="import"),
    path(review + "records/", reviews.record_list, name="records"),
    path(review + "records.<slug:file_format>", reviews.records_export, name="records_export"),
    path(review + "records/<int:record_id>/", reviews.record_detail, name="record"),
    path(review + "prisma/", reviews.prisma, name="prisma"),
    path(stage + "next/", screening.next_record, name="screening_next"),
    path(stage + "votes/", screening.votes, name="votes"),
    path(stage + "votes/<int:record_id>/", screening.my_vote, name="vote"),
    path(stage + "conflicts/", screening.conflicts, name="conflicts"),
    path(stage + "resolutions/", screening.resolutions, name="resolutions"),
    path(review + "extraction/form/", extraction.extraction_form, name="extraction_form"),
    path(review + "extraction/mine/", extraction.my_extractions, name="my_extractions"),
    path(review + "extraction/mine/<int:extraction_id>/", extraction.extraction, name="extraction"),
    path(review + "extraction/consensus/", extraction.consensus, name="consensus"),
    path(review + "analysis/outcomes/", analysis.outcome_list, name="outcomes"),
    path(review + "analysis/runs/", analysis.runs, name="runs"),
    path(review + "analysis/runs/<int:run_id>/", analysis.run_detail, name="run"),
]
