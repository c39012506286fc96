"""The site's addresses: each app keeps its own, under its namespace (plans:task_detail, dispatch:inbox…)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("", include("luoshi.web.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("units/", include("luoshi.orgs.urls")),
    path("", include("luoshi.plans.urls")),
    path("", include("luoshi.dispatch.urls")),
    path("notices/", include("luoshi.notify.urls")),
    path("ingest/", include("luoshi.ingest.urls")),
    path("admin/", admin.site.urls),
]
