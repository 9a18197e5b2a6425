"""Settings shared by every environment.

Every value that differs between machines is read from the environment here, with a default
that needs no services (SQLite, Celery eager, console email, demo payments). Production
(``production.py``) removes those defaults and refuses to start without the real values.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# Local state (the SQLite file, private uploads, collected static files) lives in var/.
(BASE_DIR / "var").mkdir(exist_ok=True)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="django-insecure-local-only-not-for-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "django_fsm",
    "csp",
    "msa_portal",
    "common",
    "accounts",
    "eligibility",
    "enrollment",
    "payments",
    "scheduling",
    "backoffice",
    "field",
]

MIDDLEWARE = [
    "common.request_id.RequestIdMiddleware",
    "common.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.PreferredLanguageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "msa_portal.urls"
WSGI_APPLICATION = "msa_portal.wsgi.application"

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
                "django.template.context_processors.i18n",
                "common.context_processors.program",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

SITE_ID = 1
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[MSA Portal] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/ip,5/5m/key"}

LANGUAGE_CODE = "en-us"
# Each language is named in itself, so a reader finds theirs whatever the page's language.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["msa_portal.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60  # the switcher's choice outlives the browser session
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "America/Los_Angeles"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads and signed agreements live outside any public path; they are only ever served
# through views that check the user may see the request.
PRIVATE_STORAGE_ROOT = Path(env("PRIVATE_STORAGE_ROOT", default=str(BASE_DIR / "var" / "private")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_STORAGE_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12_582_912
MSA_UPLOAD_MAX_BYTES = env.int("MSA_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="MSA Portal <msa-program@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: without a broker URL, tasks run in-process (eager), so the local default needs no
# Redis. With one, they go through the broker; see README for the worker and beat commands.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A dead broker must not hang a web request for long (see MACHINE.md).
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
CELERY_BEAT_SCHEDULE: dict = {}

# Program constants (DESIGN.md §9).
MSA_VISIT_FEE_CENTS = env.int("MSA_VISIT_FEE_CENTS", default=27922)
MSA_CURRENCY = "usd"
MSA_TARGET_BUSINESS_DAYS = env.int("MSA_TARGET_BUSINESS_DAYS", default=30)

# Payments: with no Stripe keys the clearly labelled demo provider stands in.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
PAYMENT_PROVIDER = env("PAYMENT_PROVIDER", default="stripe" if STRIPE_SECRET_KEY else "demo")

# Structured logs (JSON when LOG_FORMAT=json) carrying the request id; never personal data.
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "common.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(request_id)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Content-Security-Policy: no inline or third-party scripts. Inline style attributes stay
# allowed (Django admin uses them); Stripe Checkout is reached by a redirect after a form post,
# which form-action governs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", "https://checkout.stripe.com"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- enrollment ---
# Files one request may hold (photos, authorization form, answers), against abuse.
MSA_MAX_DOCUMENTS_PER_REQUEST = env.int("MSA_MAX_DOCUMENTS_PER_REQUEST", default=20)

# --- backoffice ---
# History is for reading: no "revert" button (the request admin also refuses the POST).
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- eligibility ---
# django-import-export: CSV export of the APL and meter records from admin.
INSTALLED_APPS += ["import_export", "ninja"]  # ninja: API docs served from local static files
# Public pre-check API (POST /api/v1/eligibility/check): requests per client address.
MSA_ELIGIBILITY_API_RATE = env("MSA_ELIGIBILITY_API_RATE", default="30/m")
# The client address the API throttles by: 0 trusts REMOTE_ADDR only; behind one proxy, 1.
NINJA_NUM_PROXIES = env.int("NINJA_NUM_PROXIES", default=0)

# --- scheduling ---
# Appointment windows a new technician gets: (start, end, visits).
SCHEDULING_DEFAULT_WINDOWS = [("08:00", "12:00", 4), ("12:00", "16:00", 4)]
# Customers and the scheduler book from this many business days after today, up to the horizon.
SCHEDULING_LEAD_BUSINESS_DAYS = env.int("SCHEDULING_LEAD_BUSINESS_DAYS", default=2)
SCHEDULING_HORIZON_BUSINESS_DAYS = env.int("SCHEDULING_HORIZON_BUSINESS_DAYS", default=60)
SCHEDULING_REMINDER_BUSINESS_DAYS = 2
# Hard limit (seconds) on route improvement in one scheduler run.
SCHEDULING_ROUTE_TIME_LIMIT = env.float("SCHEDULING_ROUTE_TIME_LIMIT", default=20.0)
CELERY_BEAT_SCHEDULE.update(
    {
        "scheduling-place-approved-requests": {
            "task": "scheduling.tasks.schedule_approved_requests",
            "schedule": 15 * 60,
        },
        "scheduling-send-visit-reminders": {
            "task": "scheduling.tasks.send_visit_reminders",
            "schedule": 60 * 60,
        },
    }
)

# --- reliability ---
# A down broker must fail a send quickly; the periodic sweeps redo what was not sent.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULE["enrollment-sweep-unchecked"] = {
    "task": "enrollment.tasks.sweep_unchecked_requests",
    "schedule": 300.0,
}

# --- payments ---
# A checkout still pending after this long is settled from Stripe's answer by reconciliation.
PAYMENTS_RECONCILE_AFTER_MINUTES = env.int("PAYMENTS_RECONCILE_AFTER_MINUTES", default=30)
PAYMENTS_STRIPE_TIMEOUT_SECONDS = env.float("PAYMENTS_STRIPE_TIMEOUT_SECONDS", default=20.0)
CELERY_BEAT_SCHEDULE["payments-reconcile"] = {
    "task": "payments.tasks.reconcile_payments",
    "schedule": 600.0,
}

# --- contractor API ---
# Requests per API token (POST /api/v1/... and GET alike).
MSA_API_TOKEN_RATE = env("MSA_API_TOKEN_RATE", default="120/m")

# --- contractors ---
# Days an emailed one-time link for the customer's authorization signature stays valid.
MSA_AUTHORIZATION_LINK_DAYS = env.int("MSA_AUTHORIZATION_LINK_DAYS", default=7)
# Rows per page on a contractor company's requests dashboard.
MSA_COMPANY_REQUESTS_PER_PAGE = env.int("MSA_COMPANY_REQUESTS_PER_PAGE", default=25)

# --- reliability (issue 9) ---
# A worker killed mid-task (kill -9, lost machine) leaves its message unacknowledged in Redis;
# Redis hands it to another worker once it has been out this long. It must outlast the longest
# task and the longest countdown a task is retried with (retry_backoff_max is 120 s), or a slow
# task would run twice at once: an hour, kombu's default, said here so nobody lowers it blindly.
# Tests shorten it by the environment so a redelivery takes seconds.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS.update(
    {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        # How often a worker looks for messages out longer than that (kombu: every
        # interval x throttle seconds); a short timeout wants a scan every second.
        "unacked_restore_interval": min(10, max(1, CELERY_VISIBILITY_TIMEOUT // 4)),
        "unacked_restore_throttle": 1 if CELERY_VISIBILITY_TIMEOUT < 60 else 10,
    }
)

# The load test (make load, scripts/loadtest.sh) only: a trivial view at /loadtest/ping/ as the
# in-run baseline, and allauth's per-address rate limits off, since fifty users log in from one
# address. Off by default; the production settings refuse it.
LOADTEST_ENABLED = env.bool("LOADTEST_ENABLED", default=False)
if LOADTEST_ENABLED:
    ACCOUNT_RATE_LIMITS = False
