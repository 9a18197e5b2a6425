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
    # Only the public pre-check: a rule that reads the utility's records, checked when you file.
    PENDING = "pending"


INSTALL, REMOVAL, REPLACEMENT = "install", "removal", "replacement"
REQUEST_TYPES = (INSTALL, REMOVAL, REPLACEMENT)

# Which rules apply to which request type (DESIGN.md §4). The program's eligibility list says
# what a site needs for an MSA to be *installed*; a removal (of an MSA or a GMA) needs the meter
# pulled and set back, not a fit for a new device; a replacement (GMA → MSA) needs both what is
# there now and the install rules for the new MSA. docs/eligibility-rules.md states the same
# table with the program's words; a test keeps the two in step.
_EVERY = frozenset(REQUEST_TYPES)
_NEW_DEVICE = frozenset({INSTALL, REPLACEMENT})
_DEVICE_THERE_NOW = frozenset({REMOVAL, REPLACEMENT})
APPLIES_TO: dict[str, frozenset[str]] = {
    "METER_SELF_CONTAINED": _EVERY,
    "SERVICE_1PH_3W_240": _NEW_DEVICE,
    "PANEL_MAX_200A": _NEW_DEVICE,
    "BACKFEED_WITHIN_RATING": _NEW_DEVICE,
    "COMM_CABLE_NOT_IN_LIQUIDTIGHT": _NEW_DEVICE,
    "ENERGIZED_IN_LIQUIDTIGHT": _NEW_DEVICE,
    "DEVICE_APPROVED": _NEW_DEVICE,
    "DEVICE_REQUIREMENTS": _NEW_DEVICE,
    "EXISTING_DEVICE_DESCRIBED": _DEVICE_THERE_NOW,
    "NO_ESR_VIOLATION": _EVERY,
    "WATERPROOF_BAG": _NEW_DEVICE,
    "AUTHORIZATION_ON_FILE": _EVERY,
    "METER_RECORD_MATCH": _EVERY,
    "NO_OPEN_DUPLICATE": _EVERY,
}


def applies(code: str, request_type: str | None) -> bool:
    """Whether rule ``code`` judges a request of ``request_type``.

    A request whose type is not known yet (the public pre-check left it out) is judged as an
    install: the program's eligibility list describes an install. A rule missing from the table
    (one a test registers) applies to every type.
    """
    kind = request_type if request_type in REQUEST_TYPES else INSTALL
    return kind in APPLIES_TO.get(code, _EVERY)


def normalise_voltage(value: str) -> str:
    """Write a nominal voltage one way: "240/120", "120-240", " 120/240V " → "120/240".

    Split-phase voltages are written low/high, as the program does; text that is not a voltage
    comes back cleaned of spaces only, for the rule to refuse with what was typed.
    """
    text = value.strip().upper().replace(" ", "").removesuffix("VOLTS").removesuffix("V")
    parts = text.replace("-", "/").replace("\\", "/").split("/")
    if all(part.isdigit() for part in parts) and 1 <= len(parts) <= 2:
        return "/".join(str(n) for n in sorted(int(part) for part in parts))
    return text


def normalise_socket_form(value: str) -> str:
    """Write a meter socket form one way: " 2s ", "2 S", "form 2S" → "2S"."""
    text = value.strip().upper().replace(" ", "")
    return text.removeprefix("FORM").removeprefix("FM")


def normalise_account_number(value: str) -> str:
    """Drop the spaces and dashes people type in account numbers: "8123-456 789" → "8123456789"."""
    return "".join(ch for ch in value if ch not in " -\t")


def normalise_text(value: str) -> str:
    return " ".join(value.split())


NORMALISERS = {
    "service_voltage": normalise_voltage,
    "meter_socket_form": normalise_socket_form,
    "socket_ring_type": lambda value: value.strip().lower(),
    "esr_violation": lambda value: value.strip().lower(),
    "service_account_number": normalise_account_number,
    "meter_number": lambda value: value.strip().upper(),
    "existing_device_kind": lambda value: value.strip().lower(),
    "existing_device_manufacturer": normalise_text,
    "existing_device_model": normalise_text,
}


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
    # Whether a communication cable is at the meter at all: False is "there is none", None is
    # "I don't know" (staff check at review, the technician at the visit).
    comm_cable_present: bool | None = None
    comm_cable_in_liquidtight: bool | None = None
    # Whether energized wiring (a solar load-side tap, an EV charging cable) is at the meter.
    energized_present: bool | None = None
    energized_conductors: tuple[str, ...] = ()
    energized_in_liquidtight: bool | None = None
    esr_violation: str | None = None
    waterproof_bag_commitment: bool | None = None
    service_account_number: str | None = None
    meter_number: str | None = None
    # What is at the meter now (removal and replacement): "gma" or "msa", maker, model, isolating.
    existing_device_kind: str | None = None
    existing_device_manufacturer: str | None = None
    existing_device_model: str | None = None
    existing_device_isolating: bool | None = None

    @classmethod
    def from_dict(cls, data: dict) -> "SiteFacts":
        """Build facts from a mapping, ignoring names that are not site facts.

        Spellings people write are normalised on the way in (see ``normalise``); blank text is
        an unknown fact.
        """
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["energized_conductors"] = tuple(values.get("energized_conductors") or ())
        for name, normalise_value in NORMALISERS.items():
            value = values.get(name)
            if isinstance(value, str):
                value = normalise_value(value)
                values[name] = value or None
        return cls(**values)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["energized_conductors"] = list(self.energized_conductors)
        return data


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
    """The rules judged now and, for the public pre-check, the ones that wait (``pending``).

    ``pending`` holds the rules that read the utility's records (the meter record, other open
    requests): they are checked when the request is filed, so they never make a clean site's
    outcome ``review``.
    """

    outcome: Outcome
    rules: list[RuleResult] = field(default_factory=list)
    pending: list[RuleResult] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "outcome": str(self.outcome),
            "rules": [r.as_dict() for r in self.rules],
            "pending": [r.as_dict() for r in self.pending],
        }

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
    """Run the rules that apply to the request type (``APPLIES_TO``).

    The outcome is fail if any rule fails, else review if any needs review, else pass; rules
    answering ``pending`` are reported apart and do not count.
    """
    context = context or CheckContext()
    results, pending = [], []
    for code, function in _RULES.items():
        if not applies(code, facts.request_type):
            continue
        result = _run(code, function, facts, context)
        (pending if result.result == Outcome.PENDING else results).append(result)
    if any(r.result == Outcome.FAIL for r in results):
        outcome = Outcome.FAIL
    elif any(r.result == Outcome.REVIEW for r in results):
        outcome = Outcome.REVIEW
    else:
        outcome = Outcome.PASS
    return Report(outcome=outcome, rules=results, pending=pending)
