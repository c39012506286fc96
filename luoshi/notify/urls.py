from django.urls import path

from luoshi.notify import hooks, robots, views

app_name = "notify"

urlpatterns = [
    path("", views.notice_list, name="notice_list"),
    path("<int:pk>/read/", views.notice_read, name="notice_read"),
    path("read-all/", views.notice_read_all, name="notice_read_all"),
    path("robots/unit/<int:unit_pk>/add/", robots.robot_add, name="robot_add"),
    path("robots/<int:pk>/toggle/", robots.robot_toggle, name="robot_toggle"),
    path("robots/<int:pk>/test/", robots.robot_test, name="robot_test"),
    path("robots/<int:pk>/delete/", robots.robot_delete, name="robot_delete"),
    path("webhooks/", hooks.hook_list, name="hook_list"),
    path("webhooks/add/", hooks.hook_add, name="hook_add"),
    path("webhooks/<int:pk>/", hooks.hook_detail, name="hook_detail"),
    path("webhooks/<int:pk>/toggle/", hooks.hook_toggle, name="hook_toggle"),
    path("webhooks/<int:pk>/delete/", hooks.hook_delete, name="hook_delete"),
    path("webhooks/deliveries/<int:pk>/replay/", hooks.hook_replay, name="hook_replay"),
]
