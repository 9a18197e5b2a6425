"""Email through a Celery task: a mail server that never answers holds no page."""

import logging
import smtplib
import socket
import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from common import tasks
from common.mail import OUTBOX_MAX_ATTEMPTS, outbox_drain
from common.models import OutgoingEmail
from enrollment.models import Request
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-Passphrase-42"


class SilentSmtpServer:
    """Accepts connections and never says a word (not even the SMTP greeting)."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen()
        self.port = self.listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return  # closed
            self.connections.append(connection)

    def close(self):
        self.listener.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def silent_mail_server(settings):
    """Pages email through the task backend to SMTP at a server that never answers."""
    server = SilentSmtpServer()
    settings.EMAIL_BACKEND = "common.mail.TaskEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 1
    yield server
    server.close()


def test_pages_answer_and_create_once_while_the_mail_server_never_answers(
    client, silent_mail_server, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        signup = client.post(
            "/accounts/signup/",
            {
                "email": "new.customer@example.com",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "full_name": "New Customer",
                "role": "customer",
            },
        )
    customer = UserFactory(email="dana@example.com")
    client.force_login(customer)
    with django_capture_on_commit_callbacks(execute=True):
        new_request = client.post(reverse("enrollment:wizard_start"), {"request_type": "install"})
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        reset = client.post(reverse("account_reset_password"), {"email": "dana@example.com"})

    assert signup.status_code == 302
    assert new_request.status_code == 302
    assert reset.status_code == 302
    assert User.objects.filter(email="new.customer@example.com").count() == 1
    assert Request.objects.filter(filed_by=customer).count() == 1
    # Each page did try the mail server, and gave up on it.
    assert len(silent_mail_server.connections) >= 3
    assert "email not sent" in caplog.text


def test_the_task_backend_delivers_the_rendered_message(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "common.mail.TaskEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    message = mail.EmailMultiAlternatives(
        "Your receipt", "Plain text", "msa@example.com", ["dana@example.com"], bcc=["audit@x.com"]
    )
    message.attach_alternative("<p>HTML</p>", "text/html")
    message.attach("receipt.pdf", b"%PDF-1.4 fake", "application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        message.send()

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sorted(sent.recipients()) == ["audit@x.com", "dana@example.com"]
    rendered = sent.message()
    assert rendered["Subject"] == "Your receipt"
    assert "Bcc" not in rendered
    assert {part.get_content_type() for part in rendered.walk()} >= {
        "text/plain",
        "text/html",
        "application/pdf",
    }


def test_a_page_queues_email_for_the_worker_instead_of_sending_it(
    settings, django_capture_on_commit_callbacks
):
    """With a broker, the page only queues the message: the mail server is not its business."""
    from msa_portal.celery import app

    settings.EMAIL_BACKEND = "common.mail.TaskEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Read app.conf before changing settings: its first read takes them as they are.
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.broker_url, app.conf.task_always_eager = "memory://", False
    app._pool = None
    app.amqp._producer_pool = None
    try:
        with django_capture_on_commit_callbacks(execute=True):
            mail.send_mail("Hello", "Body", "msa@example.com", ["dana@example.com"])
        with app.connection_for_read() as connection:
            queued = connection.SimpleQueue("celery").qsize()
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        app._pool = None
        app.amqp._producer_pool = None

    assert mail.outbox == []
    assert queued == 1


# --- the outbox: an email survives a broker outage and a failing mail server -----------------


@pytest.fixture
def task_backend(settings):
    settings.EMAIL_BACKEND = "common.mail.TaskEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def later(seconds: int):
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False)


def test_an_email_queued_while_the_broker_is_down_is_kept_and_sent_by_the_sweep(
    task_backend, dead_broker, settings, django_capture_on_commit_callbacks, caplog
):
    with (
        caplog.at_level(logging.WARNING, logger="common.queue"),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        mail.send_mail("Your visit", "Body", "msa@example.com", ["dana@example.com"])

    assert mail.outbox == []
    assert OutgoingEmail.objects.count() == 1
    assert "broker unavailable: email left in the outbox" in caplog.text

    # The broker is back (eager here); the sweep leaves a fresh row to its own task, then sends.
    dead_broker.conf.task_always_eager = True
    assert tasks.deliver_outbox.delay().get() == 0
    with later(31):
        assert tasks.deliver_outbox.delay().get() == 1
        assert tasks.deliver_outbox.delay().get() == 0

    assert [sent.message()["Subject"] for sent in mail.outbox] == ["Your visit"]
    assert not OutgoingEmail.objects.exists()


def test_an_email_of_a_rolled_back_change_is_never_sent(
    task_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                mail.send_mail("Booked", "Body", "msa@example.com", ["dana@example.com"])
                raise RuntimeError("the booking failed")
        except RuntimeError:
            pass

    assert not OutgoingEmail.objects.exists()
    assert mail.outbox == []


def test_a_failing_mail_server_is_tried_again_with_backoff_then_left_for_staff(
    task_backend, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_DELIVERY_BACKEND = "tests.common.test_mail.RefusingBackend"
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        mail.send_mail("Receipt", "Body", "msa@example.com", ["dana@example.com"])

    row = OutgoingEmail.objects.get()
    assert (row.attempts, row.last_error) == (1, "SMTPServerDisconnected")
    assert "email not sent (SMTPServerDisconnected)" in caplog.text
    assert "dana@example.com" not in caplog.text
    with later(59):
        assert outbox_drain() == 0  # the first retry waits a minute
    for minutes in range(1, OUTBOX_MAX_ATTEMPTS):
        with later(60 * 2**minutes):
            outbox_drain()
    row.refresh_from_db()
    assert row.attempts == OUTBOX_MAX_ATTEMPTS
    with later(10 * 24 * 3600):
        assert outbox_drain() == 0  # given up: kept, no longer tried
    assert OutgoingEmail.objects.get().attempts == OUTBOX_MAX_ATTEMPTS

    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert tasks.deliver_email.delay(row.pk).get() is True  # sent by hand (e.g. from a shell)
    assert tasks.deliver_email.delay(row.pk).get() is False  # and only once
    assert len(mail.outbox) == 1


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("gone")


def test_staff_see_a_failing_email_in_the_admin_and_have_it_tried_again(
    task_backend, settings, admin_client, django_capture_on_commit_callbacks
):
    settings.EMAIL_DELIVERY_BACKEND = "tests.common.test_mail.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        mail.send_mail("Receipt", "Body", "msa@example.com", ["dana@example.com"])
    OutgoingEmail.objects.update(attempts=OUTBOX_MAX_ATTEMPTS)  # given up
    row = OutgoingEmail.objects.get()
    url = reverse("admin:common_outgoingemail_changelist")

    page = admin_client.get(url)
    assert "SMTPServerDisconnected" in page.content.decode()
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = admin_client.post(
        url, {"action": "try_again", "_selected_action": [row.pk]}, follow=True
    )

    assert "1 email will be tried again within a minute." in response.content.decode()
    assert outbox_drain() == 1
    assert len(mail.outbox) == 1
    assert not OutgoingEmail.objects.exists()
