from django.contrib import admin
from django.urls import include, path

from accounts.views import ThrottledAdminAuthenticationForm

admin.site.site_header = "Tandem administration"
admin.site.site_title = "Tandem admin"
admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("", include("reviews.urls")),
    path("", include("accounts.review_urls")),
    path("", include("identification.urls")),
    path("", include("screening.urls")),
    path("", include("extraction.urls")),
    path("", include("appraisal.urls")),
    path("", include("analysis.urls")),
    path("", include("certainty.urls")),
    path("api/", include("api.urls")),
    path("accounts/api-tokens/", include("api.token_urls")),
]

handler500 = "config.errors.server_error"
