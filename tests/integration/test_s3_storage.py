"""Private files on S3-compatible storage (moto in server mode): stored in the bucket, served only
through the permission-checking views, and shared by every web process.
"""

import os
import subprocess
import sys

import pytest
import requests
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.urls import reverse

from accounts import services as account_services
from enrollment import services
from enrollment.models import Document
from tests.conftest import require_service
from tests.enrollment.factories import png_bytes, upload
from tests.factories import ContractorFactory, MsaRequestFactory, UserFactory
from tests.integration.conftest import (
    ROOT,
    S3_KEYS,
    database_url_for_subprocess,
    free_port,
    wait_for,
)

pytestmark = pytest.mark.integration


@pytest.mark.django_db
def test_a_document_lives_in_the_bucket_and_is_served_only_to_who_may_see_it(
    s3_bucket, client, settings
):
    msa_request = MsaRequestFactory()
    document = services.document_upload(
        msa_request_id=msa_request.pk,
        actor=msa_request.applicant,
        kind=Document.Kind.METER_PANEL_PHOTO,
        upload=upload("panel.png", png_bytes()),
    )
    url = reverse(
        "enrollment:document_download",
        kwargs={"pk": msa_request.pk, "document_pk": document.pk},
    )

    stored = s3_bucket["client"].get_object(Bucket=s3_bucket["name"], Key=document.file.name)
    assert stored["Body"].read() == png_bytes()
    assert not (settings.PRIVATE_STORAGE_ROOT / document.file.name).exists()

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(msa_request.applicant)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    assert response["Cache-Control"] == "private, no-store"


def start_web(port: int, bucket: str, endpoint: str) -> subprocess.Popen:
    env = {
        **os.environ,
        **S3_KEYS,
        "DJANGO_SETTINGS_MODULE": "msa_portal.settings.test",
        "DATABASE_URL": database_url_for_subprocess(),
        "PRIVATE_STORAGE_BUCKET": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def test_a_file_uploaded_through_one_web_process_downloads_through_another(
    transactional_db, s3_bucket
):
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "set DATABASE_URL to a PostgreSQL database")
    contractor = ContractorFactory()
    _token, raw = account_services.api_token_create(user=contractor, name="CRM")
    msa_request = MsaRequestFactory(filed_by=contractor, contractor_company=contractor.company)
    session = SessionStore()
    session[SESSION_KEY] = str(contractor.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = contractor.get_session_auth_hash()
    session.create()

    ports = [free_port(), free_port()]
    webs = [start_web(port, s3_bucket["name"], s3_bucket["endpoint"]) for port in ports]
    try:
        for port in ports:
            wait_for(lambda port=port: _answers(f"http://127.0.0.1:{port}/healthz/"), timeout=60)
        first, second = (f"http://127.0.0.1:{port}" for port in ports)

        uploaded = requests.post(
            f"{first}/api/v1/requests/{msa_request.pk}/documents",
            data={"kind": "meter_panel_photo"},
            files={"file": ("panel.png", png_bytes(), "image/png")},
            headers={"Authorization": f"Bearer {raw}"},
            timeout=30,
        )
        assert uploaded.status_code == 201, uploaded.text
        document_id = uploaded.json()["id"]

        downloaded = requests.get(
            f"{second}/requests/{msa_request.pk}/documents/{document_id}/",
            cookies={"sessionid": session.session_key},
            timeout=30,
            allow_redirects=False,
        )
        anonymous = requests.get(
            f"{second}/requests/{msa_request.pk}/documents/{document_id}/",
            timeout=30,
            allow_redirects=False,
        )
    finally:
        for web in webs:
            web.terminate()
            web.communicate(timeout=20)

    assert downloaded.status_code == 200
    assert downloaded.content == png_bytes()
    assert anonymous.status_code == 302  # to the login page
