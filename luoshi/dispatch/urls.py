from django.urls import path

from luoshi.dispatch import views

app_name = "dispatch"

urlpatterns = [
    path("reports/", views.inbox, name="inbox"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("reports/<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("cycles/", views.cycle_list, name="cycle_list"),
    path("cadences/", views.cadence_list, name="cadence_list"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/accept/", views.cycle_accept, name="cycle_accept"),
]
