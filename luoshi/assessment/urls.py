from django.urls import path

from luoshi.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.index, name="index"),
    path("systems/<int:pk>/run/", views.run_create, name="run_create"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/units/<int:unit_pk>/", views.unit_trace, name="unit_trace"),
]
