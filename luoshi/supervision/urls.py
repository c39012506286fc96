from django.urls import path

from luoshi.supervision import exports, inspection_views, views

app_name = "supervision"

urlpatterns = [
    path("", views.item_list, name="item_list"),
    path("export/", exports.item_list_export, name="item_list_export"),
    path("new/", views.item_create, name="item_create"),
    path("numbering/", views.series_edit, name="series_edit"),
    path("<int:pk>/", views.item_detail, name="item_detail"),
    path("<int:pk>/docx/", views.item_docx, name="item_docx"),
    path("<int:pk>/print/", views.item_print, name="item_print"),
    path("<int:pk>/sign/", views.item_sign, name="item_sign"),
    path("<int:pk>/start/", views.item_start, name="item_start"),
    path("<int:pk>/feedback/", views.item_feedback, name="item_feedback"),
    path("<int:pk>/return/", views.item_return, name="item_return"),
    path("<int:pk>/close/", views.item_close, name="item_close"),
    path("<int:pk>/extension/", views.extension_request, name="extension_request"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("<int:pk>/note/", views.item_note, name="item_note"),
    path("<int:pk>/instruction/", views.item_instruction, name="item_instruction"),
    path("<int:pk>/files/<int:file_pk>/", views.feedback_file, name="feedback_file"),
    path("tasks/<int:pk>/instruction/", views.task_instruction, name="task_instruction"),
    # 督查 and 整改
    path("inspections/", inspection_views.inspection_list, name="inspection_list"),
    path("inspections/new/", inspection_views.inspection_create, name="inspection_create"),
    path("inspections/calendar/", inspection_views.inspection_calendar, name="inspection_calendar"),
    path("inspections/<int:pk>/", inspection_views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/finding/", inspection_views.finding_create, name="finding_create"),
    path("findings/<int:pk>/item/", inspection_views.finding_raise_item, name="finding_raise_item"),
    path("rectifications/", inspection_views.rectification_list, name="rectification_list"),
    path("rectifications/<int:pk>/", inspection_views.rectification_detail, name="rectification_detail"),
    path(
        "rectifications/<int:pk>/close-out/",
        inspection_views.rectification_close_out,
        name="rectification_close_out",
    ),
    path(
        "rectifications/<int:pk>/verify/", inspection_views.rectification_verify, name="rectification_verify"
    ),
    path(
        "rectifications/<int:pk>/return/", inspection_views.rectification_return, name="rectification_return"
    ),
    path(
        "rectifications/<int:pk>/files/<int:file_pk>/", inspection_views.close_out_file, name="close_out_file"
    ),
]
