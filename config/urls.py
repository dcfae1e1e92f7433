from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from reviews.account_views import signup
from reviews.login_views import LoginView, ThrottledAdminAuthenticationForm

admin.site.site_header = "Tandem administration"
admin.site.site_title = "Tandem admin"
admin.site.login_form = ThrottledAdminAuthenticationForm

accounts = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("signup/", signup, name="signup"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include(accounts)),
    path("", include("reviews.urls")),
    path("", include("screening.urls")),
    path("", include("extraction.urls")),
    path("", include("analysis.urls")),
]

handler500 = "config.errors.server_error"
