from django.urls import path

from luoshi.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.index, name="index"),
    path("systems/new/", views.system_create, name="system_create"),
    path("systems/<int:pk>/", views.system_detail, name="system_detail"),
    path("systems/<int:pk>/indicators/", views.indicator_add, name="indicator_add"),
    path("systems/<int:pk>/awards/", views.award_create, name="award_create"),
    path("systems/<int:pk>/rate/", views.rate, name="rate"),
    path("systems/<int:pk>/run/", views.run_create, name="run_create"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/compare/", views.run_compare, name="run_compare"),
    path("runs/<int:pk>/units/<int:unit_pk>/", views.unit_trace, name="unit_trace"),
]
