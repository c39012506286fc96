from django.urls import path

from luoshi.orgs import alias_views, import_views, manage_views, views

app_name = "orgs"

urlpatterns = [
    path("", views.unit_tree, name="unit_tree"),
    path("<int:pk>/", views.unit_detail, name="unit_detail"),
    path("import/", import_views.import_people, name="import"),
    path("aliases/", alias_views.alias_list, name="alias_list"),
    path("aliases/generate/", alias_views.alias_generate, name="alias_generate"),
    path("aliases/<int:pk>/delete/", alias_views.alias_delete, name="alias_delete"),
    path("import/confirm/", import_views.import_confirm, name="import_confirm"),
    path("import/template.xlsx", import_views.import_template, name="import_template"),
    path("<int:pk>/new/", manage_views.unit_create, name="unit_create"),
    path("<int:pk>/edit/", manage_views.unit_edit, name="unit_edit"),
    path("<int:pk>/move/", manage_views.unit_move, name="unit_move"),
    path("<int:pk>/deactivate/", manage_views.unit_deactivate, name="unit_deactivate"),
    path("<int:pk>/people/new/", manage_views.person_create, name="person_create"),
    path("people/<int:pk>/", manage_views.person_edit, name="person_edit"),
    path("people/<int:pk>/deactivate/", manage_views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/unlock/", manage_views.person_unlock, name="person_unlock"),
]
