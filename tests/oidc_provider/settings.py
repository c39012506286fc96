"""Settings of the stand-in identity provider: a plain Django project around django-oidc-provider."""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECRET_KEY = "a-provider-that-only-ever-runs-in-tests-" + "x" * 20
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# The browser sees Luoshi and the provider on one host name with two ports, and cookies ignore ports: the
# provider's own names keep its session apart from Luoshi's.
SESSION_COOKIE_NAME = "provider_session"
CSRF_COOKIE_NAME = "provider_csrftoken"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.oidc_provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["PROVIDER_DB"]},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # test users only; fast
USE_TZ = True
LOGIN_URL = "/login/"
SITE_URL = os.environ["PROVIDER_URL"]
OIDC_USERINFO = "tests.oidc_provider.claims.userinfo"
OIDC_IDTOKEN_SUB_GENERATOR = "tests.oidc_provider.claims.subject"
OIDC_IDTOKEN_INCLUDE_CLAIMS = False  # Luoshi must ask the userinfo endpoint, as with many real providers
