from django.urls import path

from luoshi.challenges import views

app_name = "challenges"

urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("new/", views.call_create, name="call_create"),
    path("<int:pk>/", views.call_detail, name="call_detail"),
    path("<int:pk>/edit/", views.call_edit, name="call_edit"),
    path("<int:pk>/publish/", views.call_publish, name="call_publish"),
    path("<int:pk>/close/", views.call_close, name="call_close"),
    path("<int:pk>/cancel/", views.call_cancel, name="call_cancel"),
    path("<int:pk>/apply/", views.application_submit, name="application_submit"),
    path("<int:pk>/decide/", views.call_decide, name="call_decide"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("applications/<int:pk>/pledge/", views.pledge_sign, name="pledge_sign"),
    path("applications/<int:pk>/files/<int:file_pk>/", views.application_file, name="application_file"),
]
