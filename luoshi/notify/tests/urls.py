"""The project's pages plus the notices, for tests run before the project includes them itself."""

from django.urls import include, path

from luoshi.urls import urlpatterns as project

urlpatterns = list(project)
if not any(getattr(p, "namespace", None) == "notify" for p in project):
    urlpatterns.append(path("notices/", include("luoshi.notify.urls")))
