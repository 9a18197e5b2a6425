"""Signing a text shown to a person: the Customer Agreement, and the customer's authorization of a
contractor (which is the same agreement, signed through an emailed link).

Both go through ``signature_record``: hash the exact text shown, refuse it if it is not the text
the signer saw, record who signed it, when and from where, print it to PDF and store the PDF.
The rule comes from DESIGN.md §7 (the agreement is rendered to PDF at signing with its version,
signer name, time, IP and a SHA-256 of the signed text) and STYLE.md ("a signature covers the
exact text and facts shown, and stops counting when they change").
"""

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.pdf import render_pdf

from .models import AgreementSignature, AgreementVersion, CustomerAuthorization, Request
from .selectors import text_sha256

if TYPE_CHECKING:
    from accounts.models import User

Signature = TypeVar("Signature", AgreementSignature, CustomerAuthorization)


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
    pdf_template: str,
    fields: Mapping[str, Any] | None = None,
) -> Signature:
    """Record a signature of ``text`` as a ``model`` row and store its PDF; return the saved row.

    Inputs: ``text`` is the exact text the signer agrees to (``selectors.agreement_text``, as
    shown on the page, in ``language``); ``shown_sha256`` is the SHA-256 (64 lowercase hex
    digits) of the text the page showed, posted back by the form; ``signer_name`` is the typed
    name as cleaned by ``signer_name_clean``; ``signer`` the portal account, or None when the
    model allows it; ``ip_address`` the client's address or None; ``fields`` any further values
    of the row (for an authorization: company, method, consent). The PDF is ``pdf_template``
    rendered in ``language`` with ``signature``, ``msa_request``, ``version`` and ``title``.

    Output: the row, with ``signed_at`` now, ``signed_text`` = ``text``, ``text_sha256`` its
    SHA-256 over UTF-8, and ``pdf`` saved under a random name. Call it inside the caller's
    transaction, with the request locked: the row and the file are written here.

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
    with translation.override(language):
        pdf = render_pdf(
            pdf_template,
            {
                "signature": signature,
                "msa_request": msa_request,
                "version": version,
                "title": version.text_for(language)[0],
            },
        )
    signature.pdf.save(f"{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=True)
    return signature
