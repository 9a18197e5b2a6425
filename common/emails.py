"""Templated emails, plain text and HTML, sent after the transaction that caused them."""

import logging
from collections.abc import Callable, Iterable, Mapping
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, engines
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import pgettext

logger = logging.getLogger(__name__)

Attachments = Iterable[tuple[str, bytes, str]] | Callable[[], Iterable[tuple[str, bytes, str]]]


def render_plain_text(template_name: str, context: dict) -> str:
    """Render a subject or text body without HTML escaping.

    A mail client shows plain text as it is: "Sol & Sun" escaped reads "Sol &amp; Sun", which
    looks like phishing. Only the HTML part is escaped.
    """
    template = engines["django"].engine.get_template(template_name)
    return template.render(Context(context, autoescape=False))


def send_templated_email(
    *,
    to: Iterable[str],
    template: str,
    context: dict,
    cc: Iterable[str] = (),
    attachments: Attachments = (),
    language: str | None = None,
) -> None:
    """Send ``<template>_subject.txt``, ``<template>.txt`` and ``<template>.html`` as one email.

    ``template`` is a path prefix such as ``"enrollment/emails/submitted"``. ``attachments`` are
    ``(filename, content, mimetype)`` tuples (a receipt PDF, an .ics file), or a function
    returning them, called in the email's ``language`` (default: the active one).
    """
    recipients = [address for address in to if address]
    if not recipients:
        return
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    with translation.override(language or translation.get_language()):
        prefix = pgettext("email subject prefix", "[MSA Portal] ")
        subject = render_plain_text(f"{template}_subject.txt", context).strip()
        text = render_plain_text(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
        if callable(attachments):
            attachments = attachments()
    message = EmailMultiAlternatives(
        subject=prefix + " ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        cc=[address for address in cc if address and address not in recipients],
    )
    # On the site's own domain, not the host's name (often "localhost" in a container).
    message.extra_headers["Message-ID"] = make_msgid(
        domain=urlsplit(settings.SITE_URL).hostname or None
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
    logger.info("email %s sent to %d recipient(s)", template, len(recipients) + len(message.cc))


def send_request_email(
    *,
    msa_request,
    to: Iterable[str],
    template: str,
    context: dict,
    attachments: Attachments = (),
    preferred_languages: Mapping[str, str],
) -> None:
    """Send a request's email to each recipient in their own language.

    The account holder reads the request's ``customer_language``; anyone else (a contractor,
    a customer who filed for a relative) the language in ``preferred_languages`` (lower-cased
    address → language code, given by the caller, which knows the accounts), or the site's
    default. One email goes out per language, with its attachments rendered in it.
    """
    recipients = [address for address in to if address]
    known = preferred_languages
    groups: dict[str, list[str]] = {}
    for address in recipients:
        if address.lower() == (msa_request.customer_email or "").lower():
            language = msa_request.customer_language
        else:
            language = known.get(address.lower()) or settings.LANGUAGE_CODE
        groups.setdefault(translation.get_supported_language_variant(language), []).append(address)
    for language, addresses in groups.items():
        send_templated_email(
            to=addresses,
            template=template,
            context=context,
            attachments=attachments,
            language=language,
        )
