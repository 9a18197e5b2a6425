import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum

from common.i18n import Message as RuleMessage

logger = logging.getLogger(__name__)


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    REVIEW = "review"


@dataclass(frozen=True)
class SiteFacts:
    """What the applicant says about the site, under the names of DESIGN.md §4.

    ``None`` means "not known yet": rules answer ``review`` (or say what they need) for it.
    """

    request_type: str | None = None
    residential: bool | None = None
    meter_self_contained: bool | None = None
    service_phase: int | None = None
    service_wires: int | None = None
    service_voltage: str | None = None
    panel_rating_amps: int | None = None
    backfeed_amps: int | None = None
    device: int | None = None
    meter_socket_form: str | None = None
    socket_ring_type: str | None = None
    comm_cable_in_liquidtight: bool | None = None
    energized_conductors: tuple[str, ...] = ()
    energized_in_liquidtight: bool | None = None
    esr_violation: str | None = None
    waterproof_bag_commitment: bool | None = None
    service_account_number: str | None = None
    meter_number: str | None = None

    @classmethod
    def from_dict(cls, data: dict) -> "SiteFacts":
        """Build facts from a mapping, ignoring names that are not site facts."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["energized_conductors"] = tuple(values.get("energized_conductors") or ())
        for name in (
            "service_voltage",
            "meter_socket_form",
            "socket_ring_type",
            "esr_violation",
            "service_account_number",
            "meter_number",
        ):
            if values.get(name) == "":
                values[name] = None
        return cls(**values)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["energized_conductors"] = list(self.energized_conductors)
        return data

    @property
    def needs_device(self) -> bool:
        return self.request_type in ("install", "replacement")


@dataclass(frozen=True)
class CheckContext:
    """What the rules need besides the applicant's facts, looked up beforehand.

    ``device`` is the chosen APL entry as ``ApprovedProduct.snapshot()`` (``None`` when no device
    is chosen or the id is not on the list). ``meter_record`` is the utility's record for the
    entered account and meter, and ``meter_lookup_done`` says whether it was looked up at all
    (the public pre-check does not). ``open_duplicate`` is ``None`` when not checked.
    """

    device: dict | None = None
    meter_lookup_done: bool = False
    meter_record: dict | None = None
    filed_by_contractor: bool = False
    authorization_on_file: bool = False
    # Only an uploaded form staff have not accepted yet is on file: the rule reads "review".
    authorization_in_review: bool = False
    open_duplicate: bool | None = None


@dataclass(frozen=True)
class RuleResult:
    code: str
    result: Outcome
    message: RuleMessage

    @property
    def text(self) -> str:
        """The message in the active language."""
        return str(self.message)

    def as_dict(self) -> dict:
        return {"code": self.code, "result": str(self.result), "message": self.text}


@dataclass(frozen=True)
class Report:
    outcome: Outcome
    rules: list[RuleResult] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"outcome": str(self.outcome), "rules": [r.as_dict() for r in self.rules]}

    @property
    def failed(self) -> list[RuleResult]:
        return [r for r in self.rules if r.result == Outcome.FAIL]


RuleFunction = Callable[[SiteFacts, CheckContext], tuple[Outcome, RuleMessage]]
_RULES: dict[str, RuleFunction] = {}
_TITLES: dict[str, RuleMessage | str] = {}
_ = RuleMessage  # marks the text below for makemessages
RULE_ERROR_MESSAGE = _(
    "We could not check this automatically; staff will review it with your request."
)


def rule(code: str, *, title: RuleMessage | str = "") -> Callable[[RuleFunction], RuleFunction]:
    """Register a rule under its stable code; rules run in registration order."""

    def register(function: RuleFunction) -> RuleFunction:
        if code in _RULES:
            raise ValueError(f"rule {code} is registered twice")
        _RULES[code] = function
        _TITLES[code] = title
        function.code = code
        return function

    return register


def unregister(code: str) -> None:
    """Remove a rule (for tests that register a rule of their own)."""
    _RULES.pop(code, None)
    _TITLES.pop(code, None)


def registered_codes() -> list[str]:
    return list(_RULES)


def rule_title(code: str) -> str:
    """Return the short plain-language name of a rule, or its code when it has none."""
    title = _TITLES.get(code)
    return str(title) if title else code


def _run(code: str, function: RuleFunction, facts: SiteFacts, context: CheckContext):
    # A rule that trips over facts it did not expect (a wrong type from a caller) must not
    # take the whole check down: it asks for a person instead.
    try:
        result, message = function(facts, context)
        if not isinstance(message, RuleMessage):
            message = RuleMessage(str(message))
        return RuleResult(code=code, result=Outcome(result), message=message)
    except Exception:
        logger.exception("eligibility rule %s raised; answering review", code)
        return RuleResult(code=code, result=Outcome.REVIEW, message=RULE_ERROR_MESSAGE)


def evaluate(facts: SiteFacts, context: CheckContext | None = None) -> Report:
    """Run every rule; the outcome is fail if any rule fails, else review if any needs review."""
    context = context or CheckContext()
    results = []
    for code, function in _RULES.items():
        results.append(_run(code, function, facts, context))
    if any(r.result == Outcome.FAIL for r in results):
        outcome = Outcome.FAIL
    elif any(r.result == Outcome.REVIEW for r in results):
        outcome = Outcome.REVIEW
    else:
        outcome = Outcome.PASS
    return Report(outcome=outcome, rules=results)
