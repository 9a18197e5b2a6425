"""``POST /api/v1/eligibility/check``: site facts in, the outcome and each rule's result out.

No login and no CSRF (no cookie authentication); rate-limited per client address. The public
pre-check never looks up meter records, so it cannot be used to probe accounts.
"""

from typing import Annotated, Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Router, Schema
from ninja.throttling import AnonRateThrottle
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, field_validator
from pydantic import Field as Bounds
from pydantic_core import PydanticCustomError

from common.api import ErrorOut
from common.client_ip import client_ip

from .models import ApprovedProduct
from .rules import SiteFacts
from .rules.engine import normalise_account_number, normalise_socket_form, normalise_voltage
from .selectors import check_site_facts

Result = Literal["pass", "fail", "review"]


def _integral(value):
    # JSON has one number type: 200.0 is the integer 200 to a JSON client. Strings stay refused.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _refuse(message: str):
    # A plain sentence in the 400's field errors, not pydantic's "Value error, …" prefix.
    raise PydanticCustomError("invalid", message)


def _voltage(value: str) -> str:
    value = normalise_voltage(value)
    if not all(part.isdigit() for part in value.split("/")):
        _refuse(gettext('Write the service voltage as on the panel label, such as "120/240".'))
    return value


def _socket_form(value: str) -> str:
    value = normalise_socket_form(value)
    if not value:
        _refuse(gettext('Write the meter socket form as on the meter, such as "2S".'))
    return value


# Bounds first, then the number's normalisation, so the schema states them as minimum/maximum.
Amps = Annotated[Annotated[int, Bounds(ge=0, le=10_000)], BeforeValidator(_integral)]
# A panel rated 0 A does not exist: refused, with the schema saying so (minimum 1).
PanelAmps = Annotated[Annotated[int, Bounds(ge=1, le=10_000)], BeforeValidator(_integral)]
# People type "240/120", "120-240 V" or " 2s ": accepted and written the program's way.
Voltage = Annotated[str, Bounds(max_length=16), AfterValidator(_voltage)]
SocketForm = Annotated[str, Bounds(max_length=10), AfterValidator(_socket_form)]
# Account numbers as printed on bills, with spaces or dashes between the digit groups.
ServiceAccount = Annotated[
    Annotated[str, Bounds(pattern=r"^8[0-9 -]*$", max_length=20)],
    AfterValidator(normalise_account_number),
]
DeviceId = Annotated[Annotated[int, Bounds(ge=1, le=2**31 - 1)], BeforeValidator(_integral)]


class PreCheckThrottle(AnonRateThrottle):
    """Per client address, at ``MSA_ELIGIBILITY_API_RATE`` (read per request, not at import)."""

    scope = "eligibility_check"

    def get_ident(self, request: HttpRequest) -> str | None:
        """The client's address behind ``TRUSTED_PROXY_COUNT`` proxies (``common.client_ip``)."""
        return client_ip(request)

    def __init__(self):
        super().__init__(rate="30/m")

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.MSA_ELIGIBILITY_API_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


def refuse_null_characters(value):
    """PostgreSQL cannot store U+0000 in text; say so instead of failing on save."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError(gettext("Null characters are not allowed."))
    return value


class SiteFactsIn(Schema):
    """Site facts under the names of DESIGN.md §4; leave out what you do not know."""

    model_config = ConfigDict(extra="forbid", strict=True)
    _no_null_characters = field_validator("*")(refuse_null_characters)

    request_type: Literal["install", "removal", "replacement"] | None = None
    residential: bool | None = None
    meter_self_contained: bool | None = None
    service_phase: Annotated[Literal[1, 3], BeforeValidator(_integral)] | None = None
    service_wires: Annotated[Literal[2, 3, 4], BeforeValidator(_integral)] | None = None
    service_voltage: Voltage | None = Field(
        None,
        examples=["120/240"],
        description='Written one way on the way in: "240/120" and "120-240V" are "120/240".',
    )
    panel_rating_amps: PanelAmps | None = None
    backfeed_amps: Amps | None = None
    device: DeviceId | None = Field(
        None, description="Approved Product List id; null for a removal"
    )
    meter_socket_form: SocketForm | None = Field(
        None, examples=["2S"], description='Case and spaces do not matter: " 2s " is "2S".'
    )
    socket_ring_type: Literal["ring", "ringless", "unknown"] | None = None
    comm_cable_present: bool | None = Field(
        None,
        description=(
            "false: there is no communication cable at the meter; null: not known (staff check "
            "at review). Left out, it follows comm_cable_in_liquidtight: a cable when that is "
            "given, none when it is null or left out."
        ),
    )
    comm_cable_in_liquidtight: bool | None = Field(
        None, description="null when there is no communication cable or it is not known"
    )
    energized_present: bool | None = Field(
        None,
        description=(
            "false: no energized wiring at the meter; null: not known (staff check at review). "
            "Left out, it follows energized_conductors: some wiring when any is listed."
        ),
    )
    energized_conductors: list[Literal["solar_load_side_tap", "ev_charging_cable"]] = Field(
        default_factory=list, max_length=2
    )
    energized_in_liquidtight: bool | None = None
    esr_violation: Literal["none", "yes", "unknown"] | None = None
    waterproof_bag_commitment: bool | None = None
    service_account_number: ServiceAccount | None = Field(
        None,
        description="10 digits starting with 8; spaces and dashes between them are dropped.",
        examples=["8000000001"],
    )
    meter_number: str | None = Field(None, max_length=20)
    existing_device_kind: Literal["gma", "msa"] | None = Field(
        None, description="Removal and replacement: what is at the meter now, a GMA or an MSA."
    )
    existing_device_manufacturer: str | None = Field(
        None, max_length=120, description="Removal and replacement: the maker of that device."
    )
    existing_device_model: str | None = Field(
        None, max_length=160, description="Removal and replacement: its model."
    )
    existing_device_isolating: bool | None = Field(
        None, description="Removal and replacement: whether it is an isolating adapter."
    )

    def facts(self, *, exclude_unset: bool = False) -> dict:
        """The facts as a dict; a left-out ``*_present`` keeps what the API always meant."""
        data = self.model_dump(exclude_unset=exclude_unset)
        given = self.model_fields_set
        if "comm_cable_present" not in given:
            data["comm_cable_present"] = self.comm_cable_in_liquidtight is not None
        if "energized_present" not in given:
            data["energized_present"] = bool(self.energized_conductors)
        return data

    @field_validator("service_account_number")
    @classmethod
    def _ten_digits(cls, value: str | None) -> str | None:
        if value is not None and not (len(value) == 10 and value.isdigit()):
            _refuse(gettext("The service account number has 10 digits and starts with 8."))
        return value


# The answers are plain pydantic models, not ninja ``Schema``s: a ``Schema`` reads its input
# through ``DjangoGetter`` (for model instances), a fifth of the check's CPU (issue 27, the
# pre-check API against the trivial view). The JSON and the OpenAPI schema are the same.
class RuleOut(BaseModel):
    code: str
    result: Result
    message: str


class PendingRuleOut(BaseModel):
    code: str
    result: Literal["pending"]
    message: str


class ReportOut(BaseModel):
    outcome: Result = Bounds(
        description=(
            "Over the rules in `rules`. The public pre-check's `pass` means the site meets every "
            "program rule for the request type; the checks in `pending` follow when you file."
        )
    )
    rules: list[RuleOut] = Bounds(description="The rules that apply to the request type.")
    pending: list[PendingRuleOut] = Bounds(
        default_factory=list,
        description=(
            "Rules that read the utility's records (meter record, other open requests): checked "
            "when the request is filed, never by the public pre-check."
        ),
    )


router = Router(tags=["eligibility"])


@router.post(
    "/check",
    response={200: ReportOut, 400: ErrorOut, 429: ErrorOut},
    throttle=[PreCheckThrottle()],
    summary="Check site facts against the program rules",
)
def check(request: HttpRequest, facts: SiteFactsIn):
    """Run the program rules for the request type on the facts given.

    Which rules apply: install, removal (of an MSA or a GMA) and replacement (GMA → MSA) each
    have their own set (docs/eligibility-rules.md); without `request_type` the install rules run.
    Unknown facts answer `review`, saying what is needed.
    """
    return check_site_facts(SiteFacts.from_dict(facts.facts()), device_from_copy=True).as_dict()


class ProductOut(Schema):
    id: int
    manufacturer: str
    model_name: str
    model_number: str
    adapter_type: Literal["isolating", "non_isolating"]
    request_types: list[str]
    rated_current_amps: int
    compatible_socket_forms: list[str]
    ring_requirement: Literal["any", "ring", "ringless"]
    customer_requirements: str
    spec_sheet_url: str


@router.get(
    "/products",
    response={200: list[ProductOut], 429: ErrorOut},
    throttle=[PreCheckThrottle()],
    summary="The active Approved Product List",
)
def products(request: HttpRequest):
    """Devices customers may choose: the `id` is the `device` of the site facts."""
    return ApprovedProduct.objects.filter(status=ApprovedProduct.Status.ACTIVE).order_by(
        "manufacturer", "model_name"
    )
