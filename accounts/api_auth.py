"""Authentication and throttling for the contractor API: personal tokens, sent as Bearer."""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from . import services
from .models import ApiIdempotencyKey, ApiToken


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer msa_...``: the token's user becomes ``request.user``."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = services.api_token_lookup(token)
        if api_token is not None:
            request.user = api_token.user
        return api_token


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token at ``MSA_API_TOKEN_RATE`` (read per request)."""

    scope = "api_token"

    def __init__(self):
        super().__init__(rate="120/m")

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.MSA_API_TOKEN_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


def _fingerprint(request: HttpRequest) -> str:
    """SHA-256 of what makes two POSTs the same request: method, path and body."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    try:
        digest.update(request.body)
    except RawPostDataException:
        # A multipart upload was read as a stream: hash its fields and files instead.
        for name, value in sorted(request.POST.items()):
            digest.update(f"{name}={value}\n".encode())
        for name, upload in sorted(request.FILES.items()):
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            digest.update(f"{name}:{upload.size}\n".encode())
    return digest.hexdigest()


def idempotent(request: HttpRequest, answer: Callable[[], tuple[int, dict]]) -> tuple[int, dict]:
    """Run ``answer`` once per ``Idempotency-Key``: a retry gets the first answer back.

    The key's record is written in the same transaction as the work, so the work and its record
    commit together; a concurrent retry waits on the key's row and then replays the answer. The
    same key with a different request is refused.
    """
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return answer()
    fingerprint = _fingerprint(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = ApiIdempotencyKey.objects.create(
                    token=request.auth,
                    key=key[:255],
                    fingerprint=fingerprint,
                    status_code=0,
                    response={},
                )
        except IntegrityError:
            record = ApiIdempotencyKey.objects.select_for_update().get(
                token=request.auth, key=key[:255]
            )
            if record.fingerprint != fingerprint:
                return 422, {
                    "code": "idempotency_key_reused",
                    "message": _("This Idempotency-Key was used for a different request."),
                    "errors": {},
                }
            return record.status_code, record.response
        status, body = answer()
        if status >= 400:
            # Only successes are remembered: a corrected retry may then go through.
            record.delete()
        else:
            record.status_code, record.response = status, body
            record.save(update_fields=["status_code", "response"])
    return status, body
