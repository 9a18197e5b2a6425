"""Settings shared by every environment.

Every value that differs between machines is read from the environment here, with a default
that needs no services (SQLite, Celery eager, console email, demo payments). Production
(``production.py``) removes those defaults and refuses to start without the real values.
"""

from pathlib import Path

import environ
from kombu import Queue

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
    "vendors",
    "payments",
    "scheduling",
    "notifications",
    "backoffice",
    "field",
    "phonenumber_field",
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
    "common.page_cache.ReaderWritesMiddleware",
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
    # Fails open: while Redis is down, pages and logins keep working without rate limits
    # (common/cache.py), and a dead Redis costs a page at most the short timeouts below.
    CACHES = {
        "default": {
            "BACKEND": "common.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# How long a signed-in reader's status page and contractors' dashboard are answered again from
# the cache (common.page_cache.cache_for_reader; issue 27). The reader's own changes and any
# change to the request row show at once; others' (a staff message, a document checked) within
# these seconds. 0 renders every page.
READER_PAGE_SECONDS = env.int("READER_PAGE_SECONDS", default=5)

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
# Confirming the address signs the person in (same browser session as the sign-up): no second
# typing of the password just made.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[MSA Portal] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Failed logins: per client address; per address and account (one address guessing one
# customer's password is slowed, the customer from elsewhere still signs in); and a per-account
# ceiling above what one address can reach (60 an hour), for guessing spread over many addresses.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/5m/ip,5/5m/key",
    "login_failed_account": env("ACCOUNT_LOGIN_FAILED_ACCOUNT_RATE", default="100/h/key"),
}
# How many reverse proxies in front of the application append to X-Forwarded-For. The client's
# address (login limits, API throttles, signatures) is read by common.client_ip from it: 0 (no
# proxy) reads REMOTE_ADDR alone; behind one TLS proxy, 1. Production defaults to 1.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

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
        "OPTIONS": {
            "location": PRIVATE_STORAGE_ROOT,
            "base_url": None,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# With a bucket, private files go to S3-compatible object storage (AWS S3, MinIO, Ceph...), so
# every web server and worker sees the same files; without one, the folder above. Either way
# they are private: downloads go through the permission-checking views, never a public URL.
PRIVATE_STORAGE_BUCKET = env("PRIVATE_STORAGE_BUCKET", default="")
if PRIVATE_STORAGE_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": PRIVATE_STORAGE_BUCKET,
            "location": env("PRIVATE_STORAGE_PREFIX", default=""),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            # Unset: boto3 finds credentials itself (instance role, ~/.aws, AWS_* variables).
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 60,
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Private files (uploads, signed PDFs) are readable by the application's own user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 12_582_912
MSA_UPLOAD_MAX_BYTES = env.int("MSA_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# An image is decoded at upload only up to this many pixels (a 48-megapixel phone photo fits);
# a small file that decodes to a huge bitmap (a decompression bomb) is refused.
MSA_UPLOAD_MAX_PIXELS = env.int("MSA_UPLOAD_MAX_PIXELS", default=50_000_000)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Email is written to an outbox table in the transaction that caused it and delivered by a Celery
# task (common/mail.py) with the backend EMAIL_URL names, giving up on a silent mail server after
# EMAIL_TIMEOUT seconds; the beat task "common-deliver-outbox" retries what is left.
EMAIL_DELIVERY_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_BACKEND = "common.mail.TaskEmailBackend"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
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
# Two queues, one worker command: "celery" for the work a customer is waiting on (the eligibility
# check after payment, status texts, emails, the scheduler), "documents" for printing PDFs (the
# signed agreement's copy, the receipt), which take ~10x a check's CPU and may wait. A worker
# started without -Q consumes both and, with kombu's "priority" order on Redis, always takes from
# "celery" first, so a burst of signatures no longer holds the checks behind it (issue 27:
# paid-to-checked p50 2.7-17 s at 150 users with one queue). At scale, workers of their own for
# documents: `celery worker -Q documents` (docs/operations.md §2).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue("celery"), Queue("documents"))
CELERY_TASK_ROUTES = {
    "enrollment.tasks.store_signed_pdf": {"queue": "documents"},
    "enrollment.tasks.sweep_unrendered_signatures": {"queue": "documents"},
    "payments.tasks.send_receipt": {"queue": "documents"},
}
CELERY_BROKER_TRANSPORT_OPTIONS["queue_order_strategy"] = "priority"
CELERY_BEAT_SCHEDULE: dict = {}

# Program constants (DESIGN.md §9).
MSA_VISIT_FEE_CENTS = env.int("MSA_VISIT_FEE_CENTS", default=27922)
MSA_CURRENCY = "usd"
MSA_TARGET_BUSINESS_DAYS = env.int("MSA_TARGET_BUSINESS_DAYS", default=30)
# Loads the business-day calendar with staff's closures; enrollment stores target dates with it
# without importing scheduling (common.business_days).
MSA_BUSINESS_CALENDAR = "scheduling.calendar.get_calendar"
# The utility's own goal for a staff review (not a program rule): the status page's tracker shows
# a submitted request's review as expected by this many business days after it was sent.
MSA_REVIEW_BUSINESS_DAYS = env.int("MSA_REVIEW_BUSINESS_DAYS", default=5)
# The booked visit's day for the tracker, from the scheduling app (named, not imported).
MSA_BOOKED_VISIT_DAY = "scheduling.selectors.request_booked_visit_day"

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
# Sessions are read from the cache (Redis in production) and written through to the database:
# a signed-in page makes no session query, and a Redis outage (the cache fails open) falls back
# to the database row (https://docs.djangoproject.com/en/5.2/topics/http/sessions/).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A refused form gets a plain, translated page with a way back (and keeps a wizard step's answers).
CSRF_FAILURE_VIEW = "msa_portal.views.csrf_failure"
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

# --- scheduling ---
# Appointment windows a new technician gets: (start, end, visits).
SCHEDULING_DEFAULT_WINDOWS = [("08:00", "12:00", 4), ("12:00", "16:00", 4)]
# Customers and the scheduler book from this many business days after today, up to the horizon.
SCHEDULING_LEAD_BUSINESS_DAYS = env.int("SCHEDULING_LEAD_BUSINESS_DAYS", default=2)
SCHEDULING_HORIZON_BUSINESS_DAYS = env.int("SCHEDULING_HORIZON_BUSINESS_DAYS", default=60)
SCHEDULING_REMINDER_BUSINESS_DAYS = 2
# Hard limit (seconds) on improving the plan (moves, swaps, routes) in one scheduler run.
SCHEDULING_ROUTE_TIME_LIMIT = env.float("SCHEDULING_ROUTE_TIME_LIMIT", default=20.0)
# How the scheduler times a technician's day, which must fit between the first window's start and
# the last window's end (home to home), every visit starting inside its window: driving takes the
# straight-line distance between ZIP centroids x MSA_ROAD_FACTOR at MSA_DRIVE_KMH, and each visit
# MSA_SERVICE_MINUTES on site. Requests that fit no day are reported, not booked.
MSA_ROAD_FACTOR = env.float("MSA_ROAD_FACTOR", default=1.3)
MSA_DRIVE_KMH = env.float("MSA_DRIVE_KMH", default=50.0)
MSA_SERVICE_MINUTES = env.float("MSA_SERVICE_MINUTES", default=30.0)
CELERY_BEAT_SCHEDULE.update(
    {
        "scheduling-place-approved-requests": {
            "task": "scheduling.tasks.schedule_approved_requests",
            "schedule": 15 * 60,
        },
        # Picks up approvals whose scheduler run was lost while the broker was down: one
        # cheap query a minute, the scheduler itself only when something waits.
        "scheduling-sweep-never-scheduled": {
            "task": "scheduling.tasks.sweep_never_scheduled",
            "schedule": 60,
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
# Recovery within about a minute of the broker returning: one indexed query a minute.
CELERY_BEAT_SCHEDULE["enrollment-sweep-unchecked"] = {
    "task": "enrollment.tasks.sweep_unchecked_requests",
    "schedule": 60.0,
}
# Emails whose delivery task was lost (broker down) or whose mail server failed.
CELERY_BEAT_SCHEDULE["common-deliver-outbox"] = {
    "task": "common.tasks.deliver_outbox",
    "schedule": 60.0,
}
# The dashboard's 12-month medians, computed ahead so no page load waits for them.
CELERY_BEAT_SCHEDULE["backoffice-refresh-dashboard-medians"] = {
    "task": "backoffice.tasks.refresh_dashboard_medians",
    "schedule": 30 * 60.0,
}
# Signed agreements and authorizations whose PDF task was lost.
CELERY_BEAT_SCHEDULE["enrollment-sweep-unrendered-signatures"] = {
    "task": "enrollment.tasks.sweep_unrendered_signatures",
    "schedule": 60.0,
}

# --- payments ---
# A checkout still pending after this long is settled from Stripe's answer by reconciliation.
PAYMENTS_RECONCILE_AFTER_MINUTES = env.int("PAYMENTS_RECONCILE_AFTER_MINUTES", default=30)
# A Stripe call never keeps a customer waiting longer than this (the Pay button).
PAYMENTS_STRIPE_TIMEOUT_SECONDS = env.float("PAYMENTS_STRIPE_TIMEOUT_SECONDS", default=4.0)
# How far back reconciliation compares Stripe's objects with the ledger.
PAYMENTS_RECONCILE_WINDOW_HOURS = env.int("PAYMENTS_RECONCILE_WINDOW_HOURS", default=72)
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

# The load test and the benchmark (make load, make bench) only: a trivial view at /loadtest/ping/
# as the in-run baseline. The rate limits stay on: the load test's users each come from their own
# address through X-Forwarded-For, as behind the production proxy. Off by default; the
# production settings refuse it.
LOADTEST_ENABLED = env.bool("LOADTEST_ENABLED", default=False)

# --- text messages (issue 22) ---
# "console" logs texts and sends nothing (local only; production refuses it); "twilio" sends.
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN", default="")
# Either a sending number (E.164) or a Messaging Service; the service wins when both are set.
TWILIO_FROM_NUMBER = env("TWILIO_FROM_NUMBER", default="")
TWILIO_MESSAGING_SERVICE_SID = env("TWILIO_MESSAGING_SERVICE_SID", default="")
# Tests point the real SDK at a local fake; empty means https://api.twilio.com.
TWILIO_API_BASE = env("TWILIO_API_BASE", default="")
TWILIO_TIMEOUT_SECONDS = env.float("TWILIO_TIMEOUT_SECONDS", default=5.0)
SMS_PROVIDER = env("SMS_PROVIDER", default="console")
# Local hours from which the day-before and the morning-of reminders go out.
SMS_DAY_BEFORE_HOUR = env.int("SMS_DAY_BEFORE_HOUR", default=10)
SMS_MORNING_HOUR = env.int("SMS_MORNING_HOUR", default=7)
PHONENUMBER_DEFAULT_REGION = "US"
# Lower apps ask this function whether a person still wants an email (named, not imported).
MSA_EMAIL_CHOICES = "notifications.selectors.email_wanted"
CELERY_BEAT_SCHEDULE["notifications-text-reminders"] = {
    "task": "notifications.tasks.send_text_reminders",
    "schedule": 15 * 60.0,
}
