from django.urls import path

from luoshi.dispatch import chasing, evidence, exports, ladder_views, views

app_name = "dispatch"

urlpatterns = [
    path("reports/", views.inbox, name="inbox"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("reports/<int:pk>/approve/", views.report_approve, name="report_approve"),
    path("reports/<int:pk>/evidence/<int:evidence_pk>/", evidence.evidence_file, name="evidence_file"),
    path(
        "reports/<int:pk>/evidence/<int:evidence_pk>/remove/",
        evidence.evidence_remove,
        name="evidence_remove",
    ),
    path("cycles/", views.cycle_list, name="cycle_list"),
    path("cadences/", views.cadence_list, name="cadence_list"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/export/", exports.cycle_export, name="cycle_export"),
    path("cycles/<int:pk>/accept/", views.cycle_accept, name="cycle_accept"),
    path("cycles/<int:pk>/chase/", chasing.cycle_chase, name="cycle_chase"),
    path("escalations/", chasing.escalation_list, name="escalation_list"),
    path("escalations/ladder/", ladder_views.ladder, name="ladder"),
    path("escalations/ladder/add/", ladder_views.ladder_add, name="ladder_add"),
    path("escalations/ladder/<int:pk>/", ladder_views.ladder_edit, name="ladder_edit"),
    path("escalations/ladder/<int:pk>/delete/", ladder_views.ladder_delete, name="ladder_delete"),
]
