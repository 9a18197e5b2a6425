"""allauth's hooks: the client's address, and failed-login limits that no stranger can turn
into a lock-out of a chosen customer (issue 17)."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit  # the usage object allauth's own adapter uses
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from common.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """The portal's allauth adapter.

    Failed logins are counted three ways (``ACCOUNT_RATE_LIMITS``):

    - ``login_failed`` ``…/ip``: per client address, whatever account it tries;
    - ``login_failed`` ``…/key``: per client address *and* account, so guessing one customer's
      password from one address is slowed quickly, while the customer, from their own address,
      still signs in;
    - ``login_failed_account`` ``…/key``: per account from every address, a ceiling set higher
      than one address can reach under the pair limit, so only guessing spread over many
      addresses meets it.
    """

    def get_client_ip(self, request: HttpRequest) -> str:
        """The address allauth's rate limits key on: ``common.client_ip.client_ip``."""
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{self.get_client_ip(request)}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        super().pre_authenticate(request, **credentials)
        account = super()._get_login_attempts_cache_key(request, **credentials)
        usage = ratelimit.consume(
            request, app="allauth.account", action="login_failed_account", key=account
        )
        if not usage:
            self._rollback_login_failed_rl_usage()
            raise self.validation_error("too_many_login_attempts")
        # A successful login gives back what it used, of the ceiling too.
        self._login_failed_rl_usage.usage.extend(usage.usage)
