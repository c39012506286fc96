from django.urls import path

from luoshi.plans import adjust_views, delivery_views, exports, views

app_name = "plans"

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/export/", exports.task_list_export, name="task_list_export"),
    path("units/<int:pk>/tasks/export/", exports.unit_tasks_export, name="unit_tasks_export"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/deadline/", adjust_views.task_deadline, name="task_deadline"),
    path("tasks/<int:pk>/cancel/", adjust_views.task_cancel, name="task_cancel"),
    path("tasks/<int:pk>/deliver/", delivery_views.delivery_submit, name="delivery_submit"),
    path("tasks/<int:pk>/contribute/", delivery_views.contribution_submit, name="contribution_submit"),
    path("tasks/<int:pk>/delivery-files/<int:file_pk>/", delivery_views.delivery_file, name="delivery_file"),
    path(
        "tasks/<int:pk>/delivery-files/<int:file_pk>/remove/",
        delivery_views.delivery_file_remove,
        name="delivery_file_remove",
    ),
    path("deliveries/<int:pk>/accept/", delivery_views.delivery_accept, name="delivery_accept"),
    path("deliveries/<int:pk>/reject/", delivery_views.delivery_reject, name="delivery_reject"),
    path("tasks/<int:task_pk>/milestones/new/", views.milestone_add, name="milestone_add"),
    path("lists/<int:list_pk>/tasks/new/", views.task_create, name="task_create"),
    path("lists/<int:list_pk>/tasks/<int:parent_pk>/decompose/", views.task_create, name="task_decompose"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone_edit"),
    path("milestones/<int:pk>/delete/", views.milestone_delete, name="milestone_delete"),
    path("milestones/<int:pk>/confirm/", views.milestone_confirm, name="milestone_confirm"),
]
