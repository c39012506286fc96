from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from luoshi.dispatch import views as dispatch
from luoshi.ingest import views as ingest
from luoshi.orgs import views as orgs
from luoshi.plans import views as plans
from luoshi.web import views as web

urlpatterns = [
    path("", web.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("units/", orgs.unit_tree, name="unit_tree"),
    path("units/<int:pk>/", orgs.unit_detail, name="unit_detail"),
    path("plans/", plans.plan_list, name="plan_list"),
    path("tasks/", plans.task_list, name="task_list"),
    path("tasks/<int:pk>/", plans.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", plans.task_edit, name="task_edit"),
    path("tasks/<int:task_pk>/milestones/new/", plans.milestone_add, name="milestone_add"),
    path("lists/<int:list_pk>/tasks/new/", plans.task_create, name="task_create"),
    path("lists/<int:list_pk>/tasks/<int:parent_pk>/decompose/", plans.task_create, name="task_decompose"),
    path("milestones/<int:pk>/edit/", plans.milestone_edit, name="milestone_edit"),
    path("milestones/<int:pk>/delete/", plans.milestone_delete, name="milestone_delete"),
    path("reports/", dispatch.inbox, name="inbox"),
    path("reports/<int:pk>/", dispatch.report_detail, name="report_detail"),
    path("reports/<int:pk>/return/", dispatch.report_return, name="report_return"),
    path("reports/<int:pk>/accept/", dispatch.report_accept, name="report_accept"),
    path("reports/<int:pk>/approve/", dispatch.report_approve, name="report_approve"),
    path("cycles/", dispatch.cycle_list, name="cycle_list"),
    path("cadences/", dispatch.cadence_list, name="cadence_list"),
    path("cycles/<int:pk>/", dispatch.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/accept/", dispatch.cycle_accept, name="cycle_accept"),
    path("notices/", include("luoshi.notify.urls")),
    path("ingest/", ingest.intake_new, name="intake_new"),
    path("ingest/<int:pk>/", ingest.draft_review, name="draft_review"),
    path("admin/", admin.site.urls),
]
