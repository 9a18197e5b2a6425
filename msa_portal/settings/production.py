"""Production: every secret and service must come from the environment.

Start-up fails with ImproperlyConfigured naming the first missing variable.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

REQUIRED = [
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    # Without it mail would go to the console: receipts and password resets lost in the logs.
    "EMAIL_URL",
]
for name in REQUIRED:
    if not env.str(name, default=""):
        raise ImproperlyConfigured(
            f"Production settings need the {name} environment variable; see .env.example."
        )

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
CELERY_TASK_ALWAYS_EAGER = False

PAYMENT_PROVIDER = env("PAYMENT_PROVIDER", default="stripe")
if PAYMENT_PROVIDER != "stripe":
    raise ImproperlyConfigured("The demo payment provider is refused in production.")

SMS_PROVIDER = env("SMS_PROVIDER", default="twilio")
if SMS_PROVIDER != "twilio":
    raise ImproperlyConfigured("The console text-message provider is refused in production.")
for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"):
    if not env.str(name, default=""):
        raise ImproperlyConfigured(
            f"Production settings need the {name} environment variable; see .env.example."
        )
if not (
    env.str("TWILIO_FROM_NUMBER", default="") or env.str("TWILIO_MESSAGING_SERVICE_SID", default="")
):
    raise ImproperlyConfigured(
        "Production settings need TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID; "
        "see .env.example."
    )

if env.bool("LOADTEST_ENABLED", default=False):
    raise ImproperlyConfigured(
        "LOADTEST_ENABLED (the load test's ping view) is refused in production."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Production runs behind the TLS proxy above: the client's address is the one it appends.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

LOGGING["loggers"]["django.security.DisallowedHost"] = {"level": "ERROR"}  # noqa: F405
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", default="json")  # noqa: F405
