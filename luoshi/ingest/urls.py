from django.urls import path

from luoshi.ingest import views

app_name = "ingest"

urlpatterns = [
    path("", views.intake_new, name="intake_new"),
    path("<int:pk>/", views.draft_review, name="draft_review"),
    path("sheet/template.xlsx", views.sheet_template, name="sheet_template"),
]
