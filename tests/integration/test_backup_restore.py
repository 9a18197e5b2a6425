"""The documented backup and restore procedure, tried on the real PostgreSQL."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from enrollment.models import Request, RequestEvent, Status
from tests.conftest import require_service
from tests.factories import MsaRequestFactory, StaffFactory
from tests.integration.conftest import S3_KEYS, database_url_for_subprocess

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def test_backup_then_restore_into_an_empty_database_keeps_every_row(transactional_db, tmp_path):
    if connection.vendor != "postgresql" or not shutil.which("pg_dump"):
        require_service("PostgreSQL", "backup needs PostgreSQL and pg_dump")
    from enrollment import services

    msa_request = MsaRequestFactory(status=Status.UNDER_REVIEW)
    services.request_approve(msa_request_id=msa_request.pk, actor=StaffFactory())
    uploads = tmp_path / "private"
    (uploads / "documents").mkdir(parents=True)
    (uploads / "documents" / "panel.jpg").write_bytes(b"\xff\xd8\xff photo")
    source_url = database_url_for_subprocess()
    restored_name = f"{connection.settings_dict['NAME']}_restored"
    restored_url = source_url.rsplit("/", 1)[0] + "/" + restored_name
    env = {**os.environ, "DATABASE_URL": source_url, "PRIVATE_STORAGE_ROOT": str(uploads)}

    backup = subprocess.run(
        ["bash", "scripts/backup.sh", str(tmp_path / "backups")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    dump = backup.stdout.strip().splitlines()[-1]
    archive = next((tmp_path / "backups").glob("msa-private-*.tar.gz"))
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored_name}"')
        cursor.execute(f'CREATE DATABASE "{restored_name}"')
    try:
        subprocess.run(
            ["bash", "scripts/restore.sh", dump, str(archive)],
            cwd=ROOT,
            env={
                **env,
                "DATABASE_URL": restored_url,
                "PRIVATE_STORAGE_ROOT": str(tmp_path / "restored"),
            },
            capture_output=True,
            text=True,
            check=True,
        )
        counts = subprocess.run(
            [
                "psql",
                restored_url,
                "-tAc",
                "SELECT (SELECT count(*) FROM enrollment_application) || ',' || "
                "(SELECT count(*) FROM enrollment_requestevent) || ',' || "
                "(SELECT status FROM enrollment_application LIMIT 1)",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')

    expected = f"{Request.objects.count()},{RequestEvent.objects.count()},approved"
    assert counts == expected
    assert (tmp_path / "restored" / "documents" / "panel.jpg").read_bytes() == b"\xff\xd8\xff photo"


def test_backup_then_restore_carries_the_private_bucket_over(transactional_db, tmp_path, s3_bucket):
    if connection.vendor != "postgresql" or not shutil.which("pg_dump"):
        require_service("PostgreSQL", "backup needs PostgreSQL and pg_dump")
    client, source_bucket = s3_bucket["client"], s3_bucket["name"]
    client.put_object(Bucket=source_bucket, Key="documents/panel.jpg", Body=b"\xff\xd8\xff photo")
    client.put_object(Bucket=source_bucket, Key="agreements/a.pdf", Body=b"%PDF-1.4 signed")
    target_bucket = f"{source_bucket}-restored"
    client.create_bucket(Bucket=target_bucket)
    source_url = database_url_for_subprocess()
    restored_name = f"{connection.settings_dict['NAME']}_restored"
    env = {
        **os.environ,
        **S3_KEYS,
        "PYTHON": sys.executable,
        "DATABASE_URL": source_url,
        "PRIVATE_STORAGE_BUCKET": source_bucket,
        "AWS_S3_ENDPOINT_URL": s3_bucket["endpoint"],
        "AWS_S3_REGION_NAME": "us-east-1",
    }
    backup = subprocess.run(
        ["bash", "scripts/backup.sh", str(tmp_path / "backups")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    dump = backup.stdout.strip().splitlines()[-1]
    archive = next((tmp_path / "backups").glob("msa-private-*.tar.gz"))
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored_name}"')
        cursor.execute(f'CREATE DATABASE "{restored_name}"')
    try:
        subprocess.run(
            ["bash", "scripts/restore.sh", dump, str(archive)],
            cwd=ROOT,
            env={
                **env,
                "DATABASE_URL": source_url.rsplit("/", 1)[0] + "/" + restored_name,
                "PRIVATE_STORAGE_BUCKET": target_bucket,
            },
            capture_output=True,
            text=True,
            check=True,
        )
        restored = {
            item["Key"]: client.get_object(Bucket=target_bucket, Key=item["Key"])["Body"].read()
            for item in client.list_objects_v2(Bucket=target_bucket).get("Contents", [])
        }
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
        for key in client.list_objects_v2(Bucket=target_bucket).get("Contents", []):
            client.delete_object(Bucket=target_bucket, Key=key["Key"])
        client.delete_bucket(Bucket=target_bucket)

    assert restored == {
        "documents/panel.jpg": b"\xff\xd8\xff photo",
        "agreements/a.pdf": b"%PDF-1.4 signed",
    }
