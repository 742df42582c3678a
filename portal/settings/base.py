"""Settings shared by every environment, read from the environment.

With nothing configured the portal runs embedded: SQLite under ``var/``, Celery in
eager mode, local-memory cache and email written to files under ``var/mail/``.
Production values come from environment variables; see README "Configuration".
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")

# Hosts are validated by tenants.middleware (unknown host -> 404 page), which knows
# custom domains that a static list cannot; set DJANGO_ALLOWED_HOSTS to narrow it.
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["*"])

# Tenant portals live at <slug>.<PORTAL_BASE_DOMAIN>; the base domain itself shows
# the platform landing page and the operator's admin.
PORTAL_BASE_DOMAIN = env.str("PORTAL_BASE_DOMAIN", default="localhost").lower()
# Extra host names that also serve the base host (e.g. 127.0.0.1 locally).
PORTAL_PLATFORM_HOSTS = env.list("PORTAL_PLATFORM_HOSTS", default=[])
# Local demo only: list the tenants' portals on the landing page. Off in production,
# where which companies use the platform is their business.
PORTAL_LIST_TENANTS_ON_LANDING = env.bool("PORTAL_LIST_TENANTS_ON_LANDING", default=False)
PORTAL_SCHEME = env.str("PORTAL_SCHEME", default="http")
# Port appended to generated absolute links (emails), e.g. ":8000" locally.
PORTAL_PUBLIC_PORT = env.str("PORTAL_PUBLIC_PORT", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "csp",
    "tenants",
    "feedback",
    "knowledgebase",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the tenant middleware, so its early answers (unknown host, paused) get
    # the same security headers as every other page.
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tenants.middleware.RejectNulBytesMiddleware",
    "tenants.middleware.TenantMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tenants.middleware.TenantUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "portal.urls"
# The base host (no tenant) is served by this URLconf instead; see TenantMiddleware.
PLATFORM_URLCONF = "portal.urls_platform"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "tenants.context_processors.tenant",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and a shell write side by side.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "tenants.User"
AUTHENTICATION_BACKENDS = ["tenants.auth.TenantEmailBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The username field (email) is unique per tenant, not globally, and our backend
# always authenticates inside request.tenant.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve static files straight from the app folders, so the embedded default
# works without collectstatic; production turns this off.
WHITENOISE_USE_FINDERS = True

# Cache: local memory unless Redis is configured. Keys are always built with the
# tenant id (see tenants.cache), so one Redis serves every tenant safely.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "hc",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "hypercare",
        }
    }

# Celery: eager (in-process) unless a broker is configured.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    # Sends whatever the on-commit hand-over missed (broker down, worker lost).
    "outbox-sweep": {"task": "feedback.notifications.tasks.outbox_sweep", "schedule": 60.0},
    # Surveys are rows with a send time, not ETA tasks (Redis redelivers those, BC-15).
    "surveys-send-due": {"task": "feedback.tasks.surveys_send_due", "schedule": 300.0},
}

# Email: files under var/mail unless EMAIL_URL (smtp://user:pass@host:587/?tls=True)
# or EMAIL_BACKEND is given.
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
    )
# Without a timeout a dead mail server would hang a worker for good.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Hypercare Portal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Host-only cookies: a session made on acme.<base> is never sent to globex.<base>.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # The nonce lets the one inline <style> that carries the tenant's colour run.
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Rate limits per tenant, as "count/seconds", by who is counted: the client IP, the
# signed-in user, or the account being logged into. Redis backs them in production.
PORTAL_TRUSTED_PROXY_COUNT = env.int("PORTAL_TRUSTED_PROXY_COUNT", default=0)
RATE_LIMITS = {
    "submit": {"user": "10/3600", "ip": "30/3600"},
    "vote": {"user": "30/60", "ip": "120/60"},
    "comment": {"user": "10/60", "ip": "60/60"},
    "follow": {"user": "30/60"},
    "signup": {"ip": "10/3600"},
    "login": {"ip": "5/60", "account": "10/3600"},
    "upload": {"user": "20/3600"},
    "anonymous_submit": {"account": "3/3600"},
    "password_reset": {"ip": "10/3600", "account": "3/3600"},
}

# Portal behaviour
FEEDBACK_PAGE_SIZE = 20
# Authors may change their own comment for this long after posting it.
FEEDBACK_COMMENT_EDIT_WINDOW_MINUTES = env.int("FEEDBACK_COMMENT_EDIT_WINDOW_MINUTES", default=15)
# Attachments: per request and per item (the per-file size is Tenant.attachment_max_bytes).
ATTACHMENTS_MAX_PER_SUBMISSION = 3
ATTACHMENTS_MAX_PER_ITEM = 10
