"""PostgreSQL restarted while the portal is serving: clean failures, then recovery by itself."""

import subprocess
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

from tests.conftest import require_service
from tests.factories import UserFactory

pytestmark = pytest.mark.integration


def _cluster() -> list[str]:
    versions = (
        sorted(p.name for p in Path("/etc/postgresql").glob("*"))
        if Path("/etc/postgresql").exists()
        else []
    )
    if connection.vendor != "postgresql" or not versions:
        require_service("PostgreSQL", "needs the machine's own PostgreSQL cluster")
    return ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main"]


def _wait_until(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    pytest.fail("condition not met in time")


def test_portal_answers_503_while_postgres_is_down_and_recovers(live_server, transactional_db):
    cluster = _cluster()
    user = UserFactory()
    session = requests.Session()
    login_page = session.get(f"{live_server.url}/accounts/login/", timeout=10)
    session.post(
        f"{live_server.url}/accounts/login/",
        data={
            "login": user.email,
            "password": "pw-for-tests-123",
            "csrfmiddlewaretoken": login_page.cookies.get("csrftoken"),
        },
        headers={"Referer": f"{live_server.url}/accounts/login/"},
        timeout=10,
    )
    assert session.get(f"{live_server.url}/requests/", timeout=10).status_code == 200

    subprocess.run([*cluster, "stop", "-m", "fast"], check=True, capture_output=True)
    try:
        health = session.get(f"{live_server.url}/healthz/", timeout=10)
        page = session.get(f"{live_server.url}/requests/", timeout=10)
    finally:
        subprocess.run([*cluster, "start"], check=True, capture_output=True)
        _wait_until(lambda: subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0)

    assert health.status_code == 503
    assert "database" in health.json()["down"]
    assert page.status_code == 503
    assert "briefly unavailable" in page.text

    _wait_until(lambda: session.get(f"{live_server.url}/healthz/", timeout=10).status_code == 200)
    assert session.get(f"{live_server.url}/requests/", timeout=10).status_code == 200
    connection.close()
