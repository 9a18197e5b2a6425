"""Check an upload by what is inside it: size, magic number, then a real parser.

Shared by requests' documents (``enrollment.services.document_check``) and vendors' evaluation
files. A PDF must open with pypdf and have a page; an image is verified and fully decoded by
Pillow under a pixel cap (``MSA_UPLOAD_MAX_PIXELS``), since a few kilobytes of PNG can decode to
gigabytes. Limits come from settings: ``MSA_UPLOAD_MAX_BYTES`` (bytes) and
``MSA_UPLOAD_MAX_PIXELS`` (pixels).
"""

import re
import warnings
from collections.abc import Mapping
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image


def safe_name(name: str, extension: str) -> str:
    """Reduce an uploaded file's name to safe display text (never used as a path)."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = re.sub(r"[^\w .()-]+", "_", base).strip(" ._") or f"upload.{extension}"
    return base[-120:]


def display_name(name: str, extension: str) -> str:
    """The name a stored file is shown and downloaded under: ``name``, ending in ``extension``.

    ``extension`` is the one of the type read from the content, so a PNG uploaded as ``x.html``
    is offered as ``x.png``, never as a page a browser would run.
    """
    stem = PurePath(safe_name(name, extension)).stem.strip(" .") or "upload"
    return f"{stem[: 119 - len(extension)]}.{extension}"


class _TooManyPixels(Exception):
    """The image's header announces more pixels than ``MSA_UPLOAD_MAX_PIXELS``."""


def _is_real(content_type: str, upload) -> bool:
    """Open the file with a real parser: a matching magic number alone is not enough."""
    upload.seek(0)
    try:
        if content_type == "application/pdf":
            from pypdf import PdfReader

            return len(PdfReader(upload).pages) > 0
        with warnings.catch_warnings():
            # Pillow's own bomb guard (Image.MAX_IMAGE_PIXELS) warns, then raises: both refuse.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.width * image.height > settings.MSA_UPLOAD_MAX_PIXELS:
                    raise _TooManyPixels
                image.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
        return True
    except (_TooManyPixels, Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _TooManyPixels from None
    except Exception:  # any parser error means "not a real file of that type"
        return False
    finally:
        upload.seek(0)


def upload_check(*, upload, allowed: Mapping[str, str], types_label: str = "") -> tuple[str, str]:
    """Return ``(content_type, extension)`` read from the file's content, else raise.

    ``allowed`` maps content types to extensions; ``types_label`` names them in refusals (by
    default their extensions in capitals). ``ValidationError`` codes: ``too_large``, ``empty``,
    ``bad_type`` (not an allowed type, or it does not parse), ``too_many_pixels``. Openers for
    extra image formats (HEIC) must be registered with Pillow before the call.
    """
    name = safe_name(upload.name, "file")
    limit = settings.MSA_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is too large: files may be at most %(limit)s MB.")
            % {"name": name, "limit": limit // (1024 * 1024)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    guessed = filetype.guess(upload.read(8192))
    upload.seek(0)
    content_type = guessed.mime if guessed else ""
    wanted = types_label or " / ".join(sorted({ext.upper() for ext in allowed.values()}))
    try:
        real = content_type in allowed and _is_real(content_type, upload)
    except _TooManyPixels:
        raise ValidationError(
            _("%(name)s has too many pixels: images may be at most %(limit)s megapixels.")
            % {"name": name, "limit": settings.MSA_UPLOAD_MAX_PIXELS // 1_000_000},
            code="too_many_pixels",
        ) from None
    if not real:
        raise ValidationError(
            _("%(name)s is not a %(types)s file (we check what is inside, not the name).")
            % {"name": name, "types": wanted},
            code="bad_type",
        )
    return content_type, allowed[content_type]
