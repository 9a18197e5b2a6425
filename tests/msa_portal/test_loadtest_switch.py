"""The load test's switch: a trivial ping view, never by default, never in production."""

import os
import subprocess
import sys

from django.urls import reverse

from tests.msa_portal.test_settings import PRODUCTION_ENV, ROOT, run_manage


def test_the_ping_view_is_absent_unless_the_load_test_is_enabled(client, settings):
    settings.LOADTEST_ENABLED = False
    assert client.get(reverse("loadtest_ping")).status_code == 404

    settings.LOADTEST_ENABLED = True
    response = client.get(reverse("loadtest_ping"))
    assert response.status_code == 200
    assert response.content == b"pong"


def base_rate_limits(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k != "LOADTEST_ENABLED"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from msa_portal.settings import base; print(base.ACCOUNT_RATE_LIMITS)",
        ],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_login_rate_limits_stay_on_when_the_load_test_is_enabled():
    # make load measures the limits a customer meets: its users log in from their own addresses.
    assert "login_failed" in base_rate_limits()
    assert base_rate_limits(LOADTEST_ENABLED="true") == base_rate_limits()


def test_production_refuses_the_load_test_switch():
    result = run_manage("check", env={**PRODUCTION_ENV, "LOADTEST_ENABLED": "true"})

    assert result.returncode != 0
    assert "LOADTEST_ENABLED" in result.stderr
