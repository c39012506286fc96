from django.urls import path

from luoshi.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("new/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/agenda/<int:entry_pk>/", views.entry_brief, name="entry_brief"),
    path("<int:pk>/agenda/<int:entry_pk>/remove/", views.entry_remove, name="entry_remove"),
    path("<int:pk>/agenda/rebuild/", views.agenda_rebuild, name="agenda_rebuild"),
    path("<int:pk>/hold/", views.meeting_hold, name="meeting_hold"),
    path("<int:pk>/decisions/", views.decision_record, name="decision_record"),
    path("decisions/<int:pk>/withdraw/", views.decision_withdraw, name="decision_withdraw"),
    path("<int:pk>/close/", views.minutes_close, name="minutes_close"),
    path("letters/<int:pk>/", views.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/docx/", views.letter_docx, name="letter_docx"),
]
