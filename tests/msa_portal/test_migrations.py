"""Migrations are complete and reversible, so a bad release can be rolled back."""

import os
import subprocess
import sys
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
OUR_APPS = ["scheduling", "payments", "enrollment", "eligibility", "accounts"]


def manage(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "msa_portal.settings.test",
        "DATABASE_URL": database_url,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_models_and_migrations_agree(tmp_path):
    result = manage(
        "makemigrations", "--check", "--dry-run", database_url=f"sqlite:///{tmp_path}/db.sqlite3"
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_every_migration_can_be_unapplied_and_reapplied(tmp_path):
    url = f"sqlite:///{tmp_path}/db.sqlite3"
    forward = manage("migrate", "--noinput", database_url=url)
    assert forward.returncode == 0, forward.stderr

    for app in OUR_APPS:
        if not (Path(apps.get_app_config(app).path) / "migrations" / "0001_initial.py").exists():
            continue
        back = manage("migrate", app, "zero", "--noinput", database_url=url)
        assert back.returncode == 0, f"{app}: {back.stdout}{back.stderr}"

    again = manage("migrate", "--noinput", database_url=url)
    assert again.returncode == 0, again.stderr
