"""Production settings refuse to start without their secrets and pass check --deploy."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "x7!kq9-production-like-secret-key-for-tests-only-0123456789abcdef",
    "DATABASE_URL": "sqlite:////tmp/msa-deploy-check.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "msa.example.com",
    "STRIPE_SECRET_KEY": "sk_test_dummy",
    "STRIPE_WEBHOOK_SECRET": "whsec_dummy",
    "EMAIL_URL": "smtp+tls://user:password@smtp.example.com:587",
    "TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000",
    "TWILIO_AUTH_TOKEN": "twilio-token-dummy",
    "TWILIO_FROM_NUMBER": "+16265550100",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    clean["DJANGO_SETTINGS_MODULE"] = "msa_portal.settings.production"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("clock", ["08:00:03", "12:00:05"])
def test_the_system_checks_pass_at_the_windows_default_times_of_day(clock):
    # CI ran the deploy check above at 12:00:05 UTC and it failed: Django's check fields.W161
    # takes a fixed time default (a window's 8:00 start, 12:00 end) within ten seconds of the
    # time of day for a mistaken "now". The defaults are callables now.
    from scheduling.models import AppointmentWindow

    moment = dt.datetime.fromisoformat(f"2026-12-02T{clock}+00:00")
    with time_machine.travel(moment, tick=False):
        issues = AppointmentWindow.check()

    assert [issue.id for issue in issues] == []


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_production_refuses_to_start_naming_the_missing_variable(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}

    result = run_manage("check", env=env)

    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_the_demo_payment_provider():
    result = run_manage("check", env={**PRODUCTION_ENV, "PAYMENT_PROVIDER": "demo"})

    assert result.returncode != 0
    assert "demo payment provider is refused" in result.stderr


def test_production_refuses_the_console_text_provider():
    result = run_manage("check", env={**PRODUCTION_ENV, "SMS_PROVIDER": "console"})

    assert result.returncode != 0
    assert "console text-message provider is refused" in result.stderr
