"""Signing a text shown to a person: the Customer Agreement, and the customer's authorization of a
contractor (which is the same agreement, signed through an emailed link).

Both go through ``signature_record``: hash the exact text shown, refuse it if it is not the text
the signer saw, and record who signed it, when and from where. The rule comes from DESIGN.md §7
(the agreement is rendered to PDF with its version, signer name, time, IP and a SHA-256 of the
signed text) and STYLE.md ("a signature covers the exact text and facts shown, and stops counting
when they change").

The PDF is printed off the web request: WeasyPrint takes about a second, too slow for the page
that signs. The row keeps everything the PDF shows (the exact text signed, in its language), so
the PDF can be printed later from the row alone: ``signed_pdf_store`` (the ``store_signed_pdf``
task, sent after the signing commits, and the once-a-minute sweep for any whose task was lost)
prints and stores it once, and only then emails an online signer their copy. Until it is
stored, a download prints it on demand (``signed_pdf_file``) without storing it.
"""

import logging
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.emails import send_templated_email
from common.pdf import render_pdf
from common.queue import task_send

from .models import (
    AgreementSignature,
    AgreementVersion,
    AuthorizationLink,
    CustomerAuthorization,
    Request,
)
from .selectors import text_sha256

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

Signature = TypeVar("Signature", AgreementSignature, CustomerAuthorization)

# What each kind of signature is called in a task's arguments, and the template printing it.
SIGNED_KINDS: dict[str, type[AgreementSignature] | type[CustomerAuthorization]] = {
    "agreement": AgreementSignature,
    "authorization": CustomerAuthorization,
}
# How long a fresh signature's own task has before the sweep prints its PDF instead.
SWEEP_GRACE = timedelta(seconds=30)
PDF_TEMPLATES = {
    AgreementSignature: "enrollment/agreement/agreement_pdf.html",
    CustomerAuthorization: "enrollment/agreement/authorization_signed_pdf.html",
}


def signer_name_clean(*, signer_name: str, consent: bool) -> str:
    """Return the typed name with its white space folded, or refuse a signature without consent.

    Raises ``ValidationError`` keyed ``consent`` when the box is not ticked, and keyed
    ``signer_name`` when fewer than two characters of name are left.
    """
    signer_name = " ".join((signer_name or "").split())
    if not consent:
        raise ValidationError({"consent": _("Tick the box to confirm you agree.")})
    if len(signer_name) < 2:
        raise ValidationError({"signer_name": _("Type your full name to sign.")})
    return signer_name


def signature_record(
    *,
    model: type[Signature],
    msa_request: Request,
    version: AgreementVersion,
    text: str,
    shown_sha256: str,
    signer_name: str,
    signer: "User | None",
    ip_address: str | None,
    language: str,
    fields: Mapping[str, Any] | None = None,
) -> Signature:
    """Record a signature of ``text`` as a ``model`` row, its PDF to follow; return the saved row.

    Inputs: ``text`` is the exact text the signer agrees to (``selectors.agreement_text``, as
    shown on the page, in ``language``); ``shown_sha256`` is the SHA-256 (64 lowercase hex
    digits) of the text the page showed, posted back by the form; ``signer_name`` is the typed
    name as cleaned by ``signer_name_clean``; ``signer`` the portal account, or None when the
    model allows it; ``ip_address`` the client's address or None; ``fields`` any further values
    of the row (for an authorization: company, method, consent).

    Output: the row, with ``signed_at`` now, ``signed_text`` = ``text``, ``text_sha256`` its
    SHA-256 over UTF-8, and no ``pdf`` yet: the ``store_signed_pdf`` task is sent once the
    caller's transaction commits (see the module's docstring). Call it inside the caller's
    transaction, with the request locked.

    Raises ``ValidationError`` (nothing written) when ``shown_sha256`` is not the hash of
    ``text``: the text changed after it was shown (a new version, an edited draft), and a
    signature covers only the words the signer saw.
    """
    digest = text_sha256(text)
    if shown_sha256 != digest:
        raise ValidationError(
            _("The agreement changed since you opened it. Read it again, then sign.")
        )
    signature = model.objects.create(
        msa_request=msa_request,
        version=version,
        signer_name=signer_name,
        signer=signer,
        signed_at=timezone.now(),
        ip_address=ip_address or None,
        signed_text=text,
        language=language,
        text_sha256=digest,
        **(fields or {}),
    )
    kind = next(key for key, value in SIGNED_KINDS.items() if value is model)
    transaction.on_commit(lambda: _send_store_task(kind=kind, signature_id=signature.pk))
    return signature


def _send_store_task(*, kind: str, signature_id: int) -> None:
    from .tasks import store_signed_pdf  # local: tasks.py imports this module

    task_send(
        store_signed_pdf.s(kind, signature_id),
        what=f"signed {kind} PDF left for the periodic sweep",
    )


def signed_pdf_render(signature: AgreementSignature | CustomerAuthorization) -> bytes:
    """Print ``signature`` to PDF bytes, in the language it was signed in, from the row alone."""
    with translation.override(signature.language or None):
        return render_pdf(
            PDF_TEMPLATES[type(signature)],
            {
                "signature": signature,
                "msa_request": signature.msa_request,
                "version": signature.version,
                "title": signature.version.text_for(signature.language)[0],
            },
        )


def signed_pdf_file(signature: AgreementSignature | CustomerAuthorization) -> File:
    """The signed PDF to download: the stored file, or (not stored yet) printed now, unsaved."""
    if signature.pdf:
        return signature.pdf
    return ContentFile(signed_pdf_render(signature))


def signed_pdf_store(*, kind: str, signature_id: int) -> bool:
    """Print and store one signature's PDF, then email an online signer their copy; once.

    ``kind`` is a key of ``SIGNED_KINDS``. Returns False (nothing printed, nothing sent) when the
    PDF is stored already: the row is locked first, so two workers running it at once store one
    file and send one email. The copy's email is written in the same transaction as the file's
    name (``common.mail``'s outbox), so it goes out exactly when the PDF is there.
    """
    model = SIGNED_KINDS[kind]
    with transaction.atomic():
        signature = (
            model.objects.select_for_update(of=("self",))
            .select_related("msa_request__contractor_company", "version")
            .get(pk=signature_id)
        )
        if signature.pdf:
            return False
        pdf = signed_pdf_render(signature)
        # Written before the commit: a rolled-back run leaves an unreferenced file, never a row
        # pointing at no file.
        signature.pdf.save(f"{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=False)
        signature.save(update_fields=["pdf"])
        if model is CustomerAuthorization:
            _send_signed_copy(authorization=signature, pdf=pdf)
    logger.info("signed %s %s: PDF stored", kind, signature_id)
    return True


def signed_pdf_sweep(*, limit: int = 50) -> int:
    """Store the PDFs of signatures whose task was lost (broker down); return how many.

    Only rows signed more than ``SWEEP_GRACE`` ago, so a task on its way is seldom raced (and a
    race stores once: ``signed_pdf_store`` locks the row). Only online signatures: an uploaded
    authorization form is its own document and has no ``text_sha256``. One PDF that cannot be
    printed is logged and does not hold up the others.
    """
    before = timezone.now() - SWEEP_GRACE
    stored = 0
    for kind, model in SIGNED_KINDS.items():
        waiting = model.objects.filter(pdf="", signed_at__lt=before).exclude(text_sha256="")
        for signature_id in waiting.values_list("pk", flat=True)[:limit]:
            try:
                stored += signed_pdf_store(kind=kind, signature_id=signature_id)
            except Exception:
                logger.exception("signed %s %s: PDF not stored", kind, signature_id)
    if stored:
        logger.info("sweep stored %d signed PDF(s) left waiting", stored)
    return stored


def _send_signed_copy(*, authorization: CustomerAuthorization, pdf: bytes) -> None:
    """Email the signer (the address the signing link went to) their signed PDF, in its language."""
    link = AuthorizationLink.objects.filter(
        msa_request_id=authorization.msa_request_id, used_at=authorization.signed_at
    ).first()
    if link is None:
        return
    msa_request = authorization.msa_request
    send_templated_email(
        to=[link.email],
        template="enrollment/emails/authorization_signed_copy",
        language=authorization.language,
        context={
            "msa_request": msa_request,
            "company": msa_request.contractor_company,
            "path": msa_request.get_absolute_url(),
        },
        attachments=[
            (
                f"{msa_request.reference}-authorization-signed.pdf",
                pdf,
                "application/pdf",
            )
        ],
    )
