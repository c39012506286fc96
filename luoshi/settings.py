"""Luoshi settings: every value comes from an environment variable with a safe local default.

A bad value stops the process with a message naming the variable, instead of running half-configured.
"""

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from luoshi.core.addresses import parse_networks

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None


VAR_DIR = Path(env_str("LUOSHI_VAR_DIR", str(PROJECT_DIR / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Use LUOSHI_SECRET_KEY, or a random key kept under var/ so sessions survive restarts."""
    configured = os.environ.get("LUOSHI_SECRET_KEY")
    if configured:
        return configured
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()


def _audit_key() -> str:
    """Use LUOSHI_AUDIT_KEY, or a random key in a file (var/audit_key by default, made once, mode 0600).

    It keys the audit chain, so it must live outside the database: whoever can write there must not be
    able to read it. Losing it means the chain sealed with it can no longer be verified.
    """
    configured = os.environ.get("LUOSHI_AUDIT_KEY")
    if not configured:
        key_file = Path(env_str("LUOSHI_AUDIT_KEY_FILE", str(VAR_DIR / "audit_key")))
        if not key_file.exists():
            # Written whole under another name, then linked: two processes starting at once agree on one key.
            draft = key_file.with_name(f".{key_file.name}.{secrets.token_hex(4)}")
            fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
            try:
                os.link(draft, key_file)
            except FileExistsError:
                pass
            finally:
                draft.unlink()
        configured = key_file.read_text().strip()
    if len(configured) < 32:
        raise ImproperlyConfigured("the audit key (LUOSHI_AUDIT_KEY or its file) needs 32 characters or more")
    return configured


AUDIT_KEY = _audit_key()
AUDIT_HASH = env_str("LUOSHI_AUDIT_HASH", "sha256")
if AUDIT_HASH not in ("sha256", "sm3"):
    raise ImproperlyConfigured(f"LUOSHI_AUDIT_HASH must be sha256 or sm3, not {AUDIT_HASH!r}")
AUDIT_ANCHOR = Path(env_str("LUOSHI_AUDIT_ANCHOR", str(VAR_DIR / "audit_anchor.log")))
# A process seals the events its commits wrote at most once in this many milliseconds (0: after every
# commit); the worker seals what is left every minute. See audit.services._seal_committed.
AUDIT_SEAL_EVERY = env_int("LUOSHI_AUDIT_SEAL_EVERY_MS", 1000) / 1000
DEBUG = env_bool("LUOSHI_DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in env_str("LUOSHI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env_str("LUOSHI_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "huey.contrib.djhuey",
    "axes",
    "luoshi.audit",
    "luoshi.orgs",
    "luoshi.notify",
    "luoshi.plans",
    "luoshi.dispatch",
    "luoshi.challenges",
    "luoshi.supervision",
    "luoshi.ingest",
    "luoshi.assessment",
    "luoshi.bulletins",
    "luoshi.meetings",
    "luoshi.cockpit",
    "luoshi.api",
    "ninja",  # its Swagger UI served from our own static files, never a CDN
    "luoshi.web",
    "luoshi.demo",
]

MIDDLEWARE = [
    "luoshi.web.limits.RequestLimitsMiddleware",  # first: refuses an over-large body before it is read
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "luoshi.web.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "luoshi.web.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "luoshi.audit.middleware.RequestContextMiddleware",
    "luoshi.orgs.middleware.AccountSessionMiddleware",
    "luoshi.web.middleware.ContentSecurityPolicyMiddleware",
    "luoshi.web.errors.ErrorPageMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "luoshi.urls"
WSGI_APPLICATION = "luoshi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "luoshi.web.context.navigation",
            ],
        },
    },
]

# Database: SQLite under var/ by default, anything dj-database-url understands by LUOSHI_DATABASE_URL.
# A connection kept between requests (CONN_MAX_AGE) is checked before a request uses it again, so one that
# the server dropped meanwhile (a restart, a failover, an idle timeout) is replaced instead of failing.
DATABASE_URL = env_str("LUOSHI_DATABASE_URL", f"sqlite:///{VAR_DIR / 'luoshi.sqlite3'}")
try:
    _db = dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("LUOSHI_DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
except ValueError as exc:
    raise ImproperlyConfigured(f"LUOSHI_DATABASE_URL is not a database URL: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer commits; IMMEDIATE takes the write lock at BEGIN so that two
    # writers queue on busy_timeout instead of failing with "database is locked" halfway through.
    # synchronous=NORMAL in WAL mode survives a crashed process but may lose the last commits on a power
    # loss or an OS crash; FULL syncs the log at every commit and loses none, at some cost in speed.
    SQLITE_SYNCHRONOUS = env_str("LUOSHI_SQLITE_SYNCHRONOUS", "NORMAL").strip().upper()
    if SQLITE_SYNCHRONOUS not in {"NORMAL", "FULL"}:
        raise ImproperlyConfigured(
            f"LUOSHI_SQLITE_SYNCHRONOUS must be NORMAL or FULL, not {SQLITE_SYNCHRONOUS!r}"
        )
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        "init_command": (
            f"PRAGMA journal_mode=WAL; PRAGMA synchronous={SQLITE_SYNCHRONOUS}; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a file too, as production does: an in-memory database locks whole tables between threads.
    _db["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "luoshi.orgs.passwords.NotDemoPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures lock the username from that address for a quarter of an hour, and
# twenty from any addresses lock the account itself (ASVS 2.2.1), so that spreading guesses over many
# addresses does not help and one caller alone cannot lock someone out for everyone.
AXES_FAILURE_LIMIT = env_int("LUOSHI_LOGIN_FAILURE_LIMIT", 5)
LUOSHI_LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LUOSHI_LOGIN_ACCOUNT_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "luoshi.orgs.throttle.AccountThrottle"
AXES_CLIENT_IP_CALLABLE = "luoshi.core.addresses.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client address comes from X-Forwarded-For (or X-Real-IP) only when REMOTE_ADDR is one of these
# proxies (addresses or networks, comma-separated); otherwise the header is the client's to forge.
try:
    LUOSHI_TRUSTED_PROXIES = parse_networks(env_str("LUOSHI_TRUSTED_PROXIES", ""))
except ValueError as exc:
    raise ImproperlyConfigured(f"LUOSHI_TRUSTED_PROXIES: {exc}") from None

# Sessions end after LUOSHI_SESSION_IDLE_MINUTES without a request, and LUOSHI_SESSION_MAX_HOURS after
# signing in whatever happens (ASVS L2 3.3: 30 minutes, 12 hours), timed by luoshi.core.clock.
LUOSHI_SESSION_IDLE_MINUTES = env_int("LUOSHI_SESSION_IDLE_MINUTES", 30)
LUOSHI_SESSION_MAX_HOURS = env_int("LUOSHI_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = LUOSHI_SESSION_MAX_HOURS * 3600

# LUOSHI_HTTPS=true (served over HTTPS, behind a proxy that sets X-Forwarded-Proto) turns on secure cookies,
# the redirect to HTTPS and HSTS together; each has its own variable to turn it off again.
HTTPS = env_bool("LUOSHI_HTTPS", False)
SECURE_SSL_REDIRECT = env_bool("LUOSHI_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = env_int("LUOSHI_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("LUOSHI_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("LUOSHI_HSTS_PRELOAD", HTTPS)
# X-Forwarded-Proto is trusted only behind a proxy that sets it; a client reaching gunicorn could forge it.
if env_bool("LUOSHI_PROXY_SSL_HEADER", HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("LUOSHI_SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "luoshi.web.errors.csrf_failure"  # "the form expired", in the interface language
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every start without it
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded files (report evidence) live under var/media, or in an S3-compatible store (MinIO, Ceph, a
# cloud's object storage) when LUOSHI_S3_BUCKET is set; that needs `pip install luoshi[s3]`.
S3_BUCKET = env_str("LUOSHI_S3_BUCKET", "")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("LUOSHI_S3_ENDPOINT", "") or None,
            "access_key": env_str("LUOSHI_S3_ACCESS_KEY", "") or None,
            "secret_key": env_str("LUOSHI_S3_SECRET_KEY", "") or None,
            "region_name": env_str("LUOSHI_S3_REGION", "") or None,
            "location": env_str("LUOSHI_S3_PREFIX", "luoshi"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Background jobs: Huey on SQLite under var/ by default, on Redis when LUOSHI_REDIS_URL is set, shared by
# every machine; LUOSHI_REDIS_NAMESPACE names the queue and prefixes every key, so that two sites (or a test)
# can share one Redis. Periodic jobs are claimed once per minute in Redis (luoshi.jobqueue). No job's return
# value is read, so none is kept: Huey would otherwise store one per job (a notice's delivery per submit)
# until read, that is forever. Crontabs read the city's clock (TIME_ZONE, through luoshi.core.clock), not
# UTC: the nightly sweep at 01:10 runs at 01:10 in Shanghai, not at 09:10.
REDIS_URL = env_str("LUOSHI_REDIS_URL", "")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"LUOSHI_REDIS_URL must start with redis://, rediss:// or unix://, not {REDIS_URL!r}"
    )
REDIS_NAMESPACE = env_str("LUOSHI_REDIS_NAMESPACE", "luoshi")
HUEY_IMMEDIATE = env_bool("LUOSHI_HUEY_IMMEDIATE", False)
if REDIS_URL:
    HUEY = {
        "huey_class": "luoshi.jobqueue.LuoshiRedisHuey",
        "name": REDIS_NAMESPACE,
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "results": False,
        "utc": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "luoshi.jobqueue.LuoshiSqliteHuey",
        "name": "luoshi",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "results": False,
        "utc": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# The cache: Redis, shared by every process and machine, when LUOSHI_REDIS_URL is set; otherwise each
# process's own memory. Nothing may depend on it for correctness: sessions and sign-in throttling
# (django-axes, luoshi.orgs.throttle) are kept in the database, which every process already shares.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_NAMESPACE,
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.db"

TASKS_PER_PAGE = env_int("LUOSHI_TASKS_PER_PAGE", 25)
LUOSHI_CYCLE_CLOSE_DAYS = env_int("LUOSHI_CYCLE_CLOSE_DAYS", 7)  # late reports are taken this long after due
# The largest file of any kind (evidence, a document to read); LUOSHI_EVIDENCE_MAX_MB is its former name.
LUOSHI_UPLOAD_MAX_BYTES = env_int("LUOSHI_UPLOAD_MAX_MB", env_int("LUOSHI_EVIDENCE_MAX_MB", 20)) * 1024 * 1024
# A zip-based file (.docx, .xlsx) is checked before anything unpacks it (luoshi.text.archives): what it
# inflates to in all, how far an entry is compressed, how many entries, archives nested how deep, and the
# largest XML part of a document Luoshi reads (its parse takes about 2 s and 25 MB per MB of XML).
LUOSHI_ZIP_MAX_BYTES = env_int("LUOSHI_ZIP_MAX_MB", 100) * 1024 * 1024
LUOSHI_ZIP_MAX_RATIO = env_int("LUOSHI_ZIP_MAX_RATIO", 100)
LUOSHI_ZIP_MAX_ENTRIES = env_int("LUOSHI_ZIP_MAX_ENTRIES", 10_000)
LUOSHI_ZIP_MAX_DEPTH = env_int("LUOSHI_ZIP_MAX_DEPTH", 1)
LUOSHI_ZIP_MAX_XML_BYTES = env_int("LUOSHI_ZIP_MAX_XML_MB", 10) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Request limits (luoshi.web.limits, luoshi.web.gunicorn_conf): the largest body, by default room for one
# largest file and a full form; the longest address; the seconds after which a request's worker is killed.
LUOSHI_REQUEST_MAX_BYTES = env_int("LUOSHI_REQUEST_MAX_MB", LUOSHI_UPLOAD_MAX_BYTES // 2**20 + 5) * 2**20
LUOSHI_URL_MAX_CHARS = env_int("LUOSHI_URL_MAX_CHARS", 4096)
LUOSHI_REQUEST_TIMEOUT = env_int("LUOSHI_REQUEST_TIMEOUT", 60)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000  # a long document's review form carries a few thousand fields
# Status lights (DESIGN §4): percentage points behind expected progress, and cycles unreported in a row.
LUOSHI_LIGHT_THRESHOLDS = {
    "yellow_gap": float(env_int("LUOSHI_LIGHT_YELLOW_GAP", 10)),
    "red_gap": float(env_int("LUOSHI_LIGHT_RED_GAP", 25)),
    "unreported_red": env_int("LUOSHI_LIGHT_UNREPORTED_RED", 2),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LUOSHI_LOG_LEVEL", "WARNING")},
    # The Huey consumer prints its own lines; without this each would be printed twice.
    "loggers": {"huey": {"handlers": [], "propagate": False}},
}

# Notifications: e-mail by SMTP when LUOSHI_SMTP_HOST is set, otherwise printed to the console; group
# robots answer within LUOSHI_WEBHOOK_TIMEOUT seconds. LUOSHI_SITE_URL makes links in e-mail absolute.
SMTP_HOST = env_str("LUOSHI_SMTP_HOST", "")
EMAIL_BACKEND = env_str(
    "LUOSHI_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if SMTP_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = SMTP_HOST or "localhost"
EMAIL_PORT = env_int("LUOSHI_SMTP_PORT", 25)
EMAIL_HOST_USER = env_str("LUOSHI_SMTP_USER", "")
EMAIL_HOST_PASSWORD = env_str("LUOSHI_SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("LUOSHI_SMTP_STARTTLS", False)
EMAIL_USE_SSL = env_bool("LUOSHI_SMTP_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("set one of LUOSHI_SMTP_STARTTLS and LUOSHI_SMTP_SSL, not both")
EMAIL_TIMEOUT = env_int("LUOSHI_SMTP_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("LUOSHI_MAIL_FROM", "luoshi@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
WEBHOOK_TIMEOUT = env_int("LUOSHI_WEBHOOK_TIMEOUT", 5)
# Group robots may only be on the platforms' own hosts (DingTalk, WeCom, Feishu, Lark), over https, at public
# addresses. LUOSHI_ROBOT_HOSTS adds host names (comma-separated), e.g. an office's own relay.
ROBOT_HOSTS = [
    h.strip().lower().rstrip(".") for h in env_str("LUOSHI_ROBOT_HOSTS", "").split(",") if h.strip()
]
for _host in ROBOT_HOSTS:
    if not _host.replace("-", "").replace(".", "").isalnum() or _host.replace(".", "").isdigit():
        raise ImproperlyConfigured(f"LUOSHI_ROBOT_HOSTS lists host names, not {_host!r}")
SITE_URL = env_str("LUOSHI_SITE_URL", "").rstrip("/")
if SITE_URL and not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"LUOSHI_SITE_URL must start with http:// or https://, not {SITE_URL!r}")

# Single sign-on over OpenID Connect (README "Single sign-on"): on when LUOSHI_OIDC_ISSUER, _CLIENT_ID and
# _CLIENT_SECRET are all set; the provider's endpoints and keys are read from its discovery document. A
# provider's account signs in as the Luoshi person an administrator linked it to; LUOSHI_OIDC_MATCH may let
# a first sign-in link itself by a verified e-mail address ("email") or by a username equal to the
# provider's preferred_username ("username"). Nobody is ever created by signing in.
OIDC_ISSUER = env_str("LUOSHI_OIDC_ISSUER", "").strip().rstrip("/")
OIDC_CLIENT_ID = env_str("LUOSHI_OIDC_CLIENT_ID", "").strip()
OIDC_CLIENT_SECRET = env_str("LUOSHI_OIDC_CLIENT_SECRET", "")
OIDC_NAME = env_str("LUOSHI_OIDC_NAME", "").strip()  # the button's "Sign in with …", e.g. 省政务服务网
OIDC_SCOPES = env_str("LUOSHI_OIDC_SCOPES", "openid email profile").strip()
OIDC_MATCH = [m.strip() for m in env_str("LUOSHI_OIDC_MATCH", "").split(",") if m.strip()]
OIDC_TIMEOUT = env_int("LUOSHI_OIDC_TIMEOUT", 10)
if any((OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET)) and not all(
    (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET)
):
    raise ImproperlyConfigured(
        "single sign-on needs all three of LUOSHI_OIDC_ISSUER, LUOSHI_OIDC_CLIENT_ID and "
        "LUOSHI_OIDC_CLIENT_SECRET"
    )
if OIDC_ISSUER and not OIDC_ISSUER.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"LUOSHI_OIDC_ISSUER must start with https:// (or http://), not {OIDC_ISSUER!r}"
    )
if "openid" not in OIDC_SCOPES.split():
    raise ImproperlyConfigured(f"LUOSHI_OIDC_SCOPES must include openid, not {OIDC_SCOPES!r}")
for _match in OIDC_MATCH:
    if _match not in ("email", "username"):
        raise ImproperlyConfigured(f"LUOSHI_OIDC_MATCH lists email and/or username, not {_match!r}")
