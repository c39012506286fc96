from django.urls import path

from luoshi.orgs import account_views as views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("password/", views.password_change, name="password_change"),
    path("history/", views.sign_in_history, name="sign_in_history"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("people/<int:pk>/reset-password/", views.reset_password, name="reset_password"),
]
