"""Check an evaluation's upload by what is inside it, as enrollment checks requests' documents.

The same rules (size cap, magic number read by ``filetype``, then a real parser: pypdf for PDFs,
Pillow's verify-and-decode with the pixel cap for images) and the same messages. enrollment is a
sibling layer, so its ``document_check`` cannot be imported here.
"""

import re
import warnings
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

PDF = {"application/pdf": "pdf"}
IMAGES = {"image/jpeg": "jpg", "image/png": "png"}


def display_name(name: str, extension: str) -> str:
    """Reduce an uploaded file's name to safe display text, ending in the checked extension."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = re.sub(r"[^\w .()-]+", "_", base).strip(" ._") or "upload"
    stem = PurePath(base).stem.strip(" .") or "upload"
    return f"{stem[: 119 - len(extension)]}.{extension}"


class _TooManyPixels(Exception):
    pass


def _is_real(content_type: str, upload) -> bool:
    upload.seek(0)
    try:
        if content_type == "application/pdf":
            from pypdf import PdfReader

            return len(PdfReader(upload).pages) > 0
        with warnings.catch_warnings():
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


def upload_check(*, upload, allowed: dict[str, str]) -> tuple[str, str]:
    """Return ``(content_type, extension)`` read from the file's content, else raise."""
    name = display_name(upload.name, "file")
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
    wanted = " / ".join(sorted({ext.upper() for ext in allowed.values()}))
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
