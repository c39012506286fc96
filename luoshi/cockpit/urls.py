from django.urls import path

from luoshi.cockpit import views

app_name = "cockpit"

urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("units/", views.units, name="units"),
    path("units/<int:pk>/", views.units, name="units_within"),
]
