from django.urls import path

from luoshi.orgs import account_views as views
from luoshi.orgs import sso_views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("password/", views.password_change, name="password_change"),
    path("history/", views.sign_in_history, name="sign_in_history"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("people/<int:pk>/reset-password/", views.reset_password, name="reset_password"),
    path("sso/login/", sso_views.sso_begin, name="sso_login"),
    path("sso/callback/", sso_views.sso_callback, name="sso_callback"),
    path("people/<int:pk>/sso/link/", sso_views.identity_link, name="identity_link"),
    path("sso/links/<int:pk>/unlink/", sso_views.identity_unlink, name="identity_unlink"),
]
