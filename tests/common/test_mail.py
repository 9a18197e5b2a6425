"""Email through a Celery task: a mail server that never answers holds no page."""

import logging
import socket
import threading

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
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
