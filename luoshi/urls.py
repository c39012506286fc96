"""The site's addresses: each app keeps its own, under its namespace (plans:task_detail, dispatch:inbox…)."""

from django.contrib import admin
from django.urls import include, path, re_path

from luoshi.api.endpoints import api
from luoshi.api.problems import unknown_path
from luoshi.orgs.sso_views import SignInView, SignOutView
from luoshi.web import benchfloor
from luoshi.web.forms import SignInForm

urlpatterns = [
    path("", include("luoshi.web.urls")),
    path(
        "accounts/login/",
        SignInView.as_view(authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/logout/", SignOutView.as_view(), name="logout"),
    path("accounts/", include("luoshi.orgs.account_urls")),
    path("accounts/tokens/", include("luoshi.api.token_urls")),
    path("api/", api.urls),
    re_path(r"^api/", unknown_path, name="api_unknown"),  # after every endpoint: a JSON 404, not a page
    path("i18n/", include("django.conf.urls.i18n")),
    path("units/", include("luoshi.orgs.urls")),
    path("", include("luoshi.plans.urls")),
    path("", include("luoshi.dispatch.urls")),
    path("supervision/", include("luoshi.supervision.urls")),
    path("calls/", include("luoshi.challenges.urls")),
    path("assessment/", include("luoshi.assessment.urls")),
    path("bulletins/", include("luoshi.bulletins.urls")),
    path("meetings/", include("luoshi.meetings.urls")),
    path("cockpit/", include("luoshi.cockpit.urls")),
    path("notices/", include("luoshi.notify.urls")),
    path("ingest/", include("luoshi.ingest.urls")),
    path("admin/", admin.site.urls),
]
if benchfloor.ENABLED:  # only in the server `python -m bench http` starts
    urlpatterns.append(path("__bench__/floor/", benchfloor.floor))

# Every error page is styled and in the interface language (web/errors.py), never Django's bare English.
handler400 = "luoshi.web.errors.bad_request"
handler403 = "luoshi.web.errors.permission_denied"
handler404 = "luoshi.web.errors.page_not_found"
handler500 = "luoshi.web.errors.server_error"
