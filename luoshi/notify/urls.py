from django.urls import path

from luoshi.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.notice_list, name="notice_list"),
    path("<int:pk>/read/", views.notice_read, name="notice_read"),
    path("read-all/", views.notice_read_all, name="notice_read_all"),
]
