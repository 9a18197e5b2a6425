"""A real Celery worker on the real Redis, against the real test database (PostgreSQL)."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def database_url_for_subprocess() -> str:
    """The URL of the database this test is using, for a worker process to share it."""
    s = connection.settings_dict
    return (
        f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:"
        f"{s['PORT'] or 5432}/{s['NAME']}"
    )


@pytest.fixture
def broker(settings):
    """Send tasks through the real Redis broker instead of running them in-process."""
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "set DATABASE_URL to a PostgreSQL database")
    if not _redis_answers(REDIS_URL):
        require_service("Redis", f"nothing answers at {REDIS_URL}")
    from msa_portal.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.broker_url = REDIS_URL
    app.conf.task_always_eager = False
    # The producer pools were built for the old URL (an eager test may have built them).
    app._pool = None
    app.amqp._producer_pool = None
    app.control.purge()
    yield app
    app.conf.broker_url, app.conf.task_always_eager = saved
    app._pool = None
    app.amqp._producer_pool = None


def start_worker(app, *, extra_env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start ``celery worker`` as its own process and wait until it answers a ping."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "msa_portal.settings.test",
        "DATABASE_URL": database_url_for_subprocess(),
        "REDIS_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **(extra_env or {}),
    }
    hostname = f"test-{os.getpid()}-{time.monotonic_ns()}@localhost"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "msa_portal",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            "-n",
            hostname,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("celery worker exited:\n" + process.stdout.read())
        if app.control.ping(destination=[hostname], timeout=0.5):
            return process
    process.kill()
    raise RuntimeError("celery worker did not answer a ping within 60 s")


def stop_worker(process: subprocess.Popen) -> str:
    process.terminate()
    try:
        out, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    return out or ""


@pytest.fixture
def celery_worker_process(transactional_db, broker):
    """A running worker sharing this test's database; stopped before the database is flushed."""
    process = start_worker(broker)
    yield process
    stop_worker(process)


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.1):
    """Poll until ``predicate()`` is truthy; return its value or fail the test."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout} s")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A ``redis-server`` of the test's own on a free port, so stopping it harms nobody else."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: _redis_answers(self.url), timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path):
    """Start a private Redis; the test may stop and restart it (same port)."""
    if shutil.which("redis-server") is None:
        require_service("redis-server", "the redis-server program is not installed")
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


# The S3-compatible server (moto in server mode) that .ci/run starts for the storage tests.
S3_ENDPOINT = os.environ.get("TEST_S3_ENDPOINT_URL", "http://127.0.0.1:5055")
S3_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def _s3_answers(url: str) -> bool:
    import urllib.error
    import urllib.request

    try:
        urllib.request.urlopen(url, timeout=2)  # noqa: S310  (a local test endpoint)
    except urllib.error.HTTPError:
        return True  # it answered, if only to refuse an unsigned request
    except OSError:
        return False
    return True


@pytest.fixture
def s3_bucket(settings):
    """A fresh bucket on the local S3 server, made the private storage of this test."""
    import uuid

    import boto3

    if not _s3_answers(S3_ENDPOINT):
        require_service("S3 (moto_server)", f"nothing answers at {S3_ENDPOINT}")
    name = f"msa-test-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=S3_ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id=S3_KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_KEYS["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=name)
    storages = dict(settings.STORAGES)
    storages["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": name,
            "endpoint_url": S3_ENDPOINT,
            "region_name": "us-east-1",
            "access_key": S3_KEYS["AWS_ACCESS_KEY_ID"],
            "secret_key": S3_KEYS["AWS_SECRET_ACCESS_KEY"],
            "default_acl": None,
            "file_overwrite": False,
        },
    }
    settings.STORAGES = storages
    yield {"name": name, "client": client, "endpoint": S3_ENDPOINT}
    for item in client.list_objects_v2(Bucket=name).get("Contents", []):
        client.delete_object(Bucket=name, Key=item["Key"])
    client.delete_bucket(Bucket=name)
