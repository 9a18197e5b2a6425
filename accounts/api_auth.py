"""Authentication and throttling for the contractor API: personal tokens, sent as Bearer."""

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from . import services
from .models import ApiToken


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
