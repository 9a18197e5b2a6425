"""Templated emails, plain text and HTML, sent after the transaction that caused them."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def send_templated_email(
    *,
    to: Iterable[str],
    template: str,
    context: dict,
    cc: Iterable[str] = (),
    attachments: Iterable[tuple[str, bytes, str]] = (),
    language: str | None = None,
) -> None:
    """Send ``<template>_subject.txt``, ``<template>.txt`` and ``<template>.html`` as one email.

    ``template`` is a path prefix such as ``"enrollment/emails/submitted"``. ``attachments`` are
    ``(filename, content, mimetype)`` tuples (a receipt PDF, an .ics file).
    """
    recipients = [address for address in to if address]
    if not recipients:
        return
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    with translation.override(language or translation.get_language()):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        cc=[address for address in cc if address and address not in recipients],
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
    logger.info("email %s sent to %d recipient(s)", template, len(recipients) + len(message.cc))
