from django.urls import path

from luoshi.ingest import sheet_views, views

app_name = "ingest"

urlpatterns = [
    path("", views.intake_new, name="intake_new"),
    path("<int:pk>/", views.draft_review, name="draft_review"),
    path("<int:pk>/progress/", views.draft_progress, name="draft_progress"),
    path("sheet/template.xlsx", views.sheet_template, name="sheet_template"),
    path("sheet/lists/<int:list_pk>/", sheet_views.sheet_upload, name="sheet_upload"),
    path("sheet/<int:pk>/", sheet_views.sheet_review, name="sheet_review"),
    path("sheet/<int:pk>/progress/", sheet_views.sheet_progress, name="sheet_progress"),
]
