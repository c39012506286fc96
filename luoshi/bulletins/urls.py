from django.urls import path

from luoshi.bulletins import views

app_name = "bulletins"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/sections/<int:section_pk>/", views.section_edit, name="section_edit"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/regenerate/", views.regenerate, name="regenerate"),
    path("<int:pk>/bulletin.docx", views.docx, name="docx"),
    path("<int:pk>/bulletin.xlsx", views.xlsx, name="xlsx"),
]
