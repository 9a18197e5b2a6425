"""The contractor API's payment endpoint: the page where a request's site-visit fee is paid.

Mounted beside the requests router (``enrollment.api``) under the same tag and authentication, so
the requests router never imports payments.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status as Reply

from accounts.api_auth import ApiTokenAuth, TokenRateThrottle, idempotent
from common.api import ErrorOut, error_body
from enrollment.api import ERRORS
from enrollment.permissions import get_request_for_user_or_404, requests_editable_by

from .errors import PaymentError, ProviderUnavailable
from .services import payment_start_checkout

router = Router(tags=["requests"], auth=ApiTokenAuth(), throttle=[TokenRateThrottle()])


class CheckoutOut(Schema):
    url: str


@router.post(
    "/requests/{request_id}/checkout",
    response={200: CheckoutOut, 404: ErrorOut, 409: ErrorOut, 503: ErrorOut, **ERRORS},
    # The operation id it had when it lived in the requests router: generated clients keep it.
    operation_id="enrollment_api_checkout_link",
)
def checkout_link(request: HttpRequest, request_id: int):
    """The page where the site-visit fee is paid ($279.22); the same open page on a retry."""
    msa_request = get_request_for_user_or_404(
        request.user, request_id, requests_editable_by(request.user)
    )

    def answer() -> tuple[int, dict]:
        try:
            url = payment_start_checkout(msa_request_id=msa_request.pk, actor=request.user)
        except ProviderUnavailable:
            return 503, error_body(
                "provider_unavailable", _("The payment provider did not answer.")
            )
        except PaymentError as exc:
            return 409, error_body("conflict", str(exc))
        return 200, {"url": request.build_absolute_uri(url)}

    return Reply(*idempotent(request, answer))
