"""The worker and beat log in the web's format: JSON lines when LOG_FORMAT=json."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_celery_logs_json_lines_when_log_format_is_json():
    # A fresh process: Celery's logging set-up runs once per process, as in a real worker.
    script = (
        "from msa_portal.celery import app\n"
        "import django, logging\n"
        "django.setup()\n"
        "app.log.setup(loglevel='INFO')\n"
        "logging.getLogger('celery.worker').info('worker ready')\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "msa_portal.settings.test",
        "LOG_FORMAT": "json",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    lines = [line for line in result.stderr.splitlines() if "worker ready" in line]
    assert lines, result.stderr
    record = json.loads(lines[0])
    assert record["message"] == "worker ready"
    assert record["logger"] == "celery.worker"
