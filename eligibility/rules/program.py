"""The MSA program's rules, one function each, in the order the customer reads them.

Each returns ``(result, message)``: the message says what was found and, when something is
wrong or missing, what to do about it. ``_`` is ``common.i18n.Message``: the words stay
English, with their parameters apart, until someone reads them in their own language.
"""

from common.i18n import Message as _  # makemessages collects _("…")
from common.i18n import MessageList

from .engine import CheckContext, Outcome, SiteFacts, rule

PASS, FAIL, REVIEW = Outcome.PASS, Outcome.FAIL, Outcome.REVIEW
MAX_PANEL_AMPS = 200
PROGRAM_VOLTAGE = "120/240"
NOT_FOR_REMOVAL = _("Does not apply to a removal.")


def _voltage(value: str) -> str:
    """Normalise a nominal voltage as people type it: " 120/240V " and "120/240 v" → "120/240"."""
    return str(value).strip().upper().removesuffix("V").replace(" ", "")


@rule("METER_SELF_CONTAINED", title=_("Residential self-contained meter"))
def meter_self_contained(facts: SiteFacts, context: CheckContext):
    if facts.residential is False:
        return FAIL, _("The program is for residential service only.")
    if facts.meter_self_contained is False:
        return FAIL, _(
            "Your meter is not self-contained (it uses current transformers). The program only "
            "serves residential self-contained meters."
        )
    if facts.residential is None or facts.meter_self_contained is None:
        return REVIEW, _(
            "We need to know whether this is a residential, self-contained meter. Most homes have "
            "one; the meter plugs straight into the socket with no separate transformer cabinet."
        )
    return PASS, _("Residential self-contained meter.")


@rule("SERVICE_1PH_3W_240", title=_("Single-phase, 3-wire, 120/240 V service"))
def service_single_phase_240(facts: SiteFacts, context: CheckContext):
    known = (facts.service_phase, facts.service_wires, facts.service_voltage)
    wrong = []
    if facts.service_phase is not None and facts.service_phase != 1:
        wrong.append(_("%(phase)s-phase") % {"phase": facts.service_phase})
    if facts.service_wires is not None and facts.service_wires != 3:
        wrong.append(_("%(wires)s-wire") % {"wires": facts.service_wires})
    if facts.service_voltage is not None and _voltage(facts.service_voltage) != PROGRAM_VOLTAGE:
        wrong.append(_("%(voltage)s V") % {"voltage": facts.service_voltage})
    if wrong:
        return FAIL, _(
            "The program needs single-phase, 3-wire, 120/240 V service; yours is %(found)s."
        ) % {"found": MessageList(tuple(wrong), _(", "))}
    if None in known:
        return REVIEW, _(
            "We need your service's phases, wires and voltage (single-phase, 3-wire, 120/240 V "
            "qualifies). They are on your panel's label or your electrician can tell you."
        )
    return PASS, _("Single-phase, 3-wire, 120/240 V service.")


@rule("PANEL_MAX_200A", title=_("Service panel rated 200 A or less"))
def panel_max_200a(facts: SiteFacts, context: CheckContext):
    if facts.panel_rating_amps is None:
        return REVIEW, _("We need your service panel's rating in amps (printed on its label).")
    if facts.panel_rating_amps > MAX_PANEL_AMPS:
        return FAIL, _(
            "Your service panel is rated %(amps)s A; the program serves panels rated 200 A or less."
        ) % {"amps": facts.panel_rating_amps}
    return PASS, _("Service panel rated %(amps)s A (200 A or less).") % {
        "amps": facts.panel_rating_amps
    }


@rule("BACKFEED_WITHIN_RATING", title=_("Back-feed within the panel's rating"))
def backfeed_within_rating(facts: SiteFacts, context: CheckContext):
    if facts.backfeed_amps is None or facts.panel_rating_amps is None:
        return REVIEW, _(
            "We need the total back-feed of your generating systems (solar, battery) in amps, "
            "and your panel's rating. Enter 0 if you have none."
        )
    if facts.backfeed_amps > facts.panel_rating_amps:
        return FAIL, _(
            "Your generating systems feed back %(backfeed)s A, more than your panel's %(panel)s A "
            "rating. Reduce the back-feed or upgrade the panel before applying."
        ) % {"backfeed": facts.backfeed_amps, "panel": facts.panel_rating_amps}
    return PASS, _("Back-feed of %(backfeed)s A is within the panel's %(panel)s A rating.") % {
        "backfeed": facts.backfeed_amps,
        "panel": facts.panel_rating_amps,
    }


@rule("COMM_CABLE_NOT_IN_LIQUIDTIGHT", title=_("Communication cables not in liquid-tight conduit"))
def comm_cable_not_in_liquidtight(facts: SiteFacts, context: CheckContext):
    if facts.request_type == "removal":
        return PASS, NOT_FOR_REMOVAL
    device = context.device
    if device is None:
        return REVIEW, _(
            "Once you choose an approved device we can tell whether this applies (isolating "
            "adapters only)."
        )
    if device.get("adapter_type") != "isolating":
        return PASS, _("Applies to isolating adapters only.")
    if facts.comm_cable_in_liquidtight:
        return FAIL, _(
            "Communication cables for an isolating adapter carry low or no voltage and must not be "
            "run in liquid-tight conduit. Have your contractor re-run them before the visit."
        )
    return PASS, _("No communication cable in liquid-tight conduit.")


@rule("ENERGIZED_IN_LIQUIDTIGHT", title=_("Energized conductors in liquid-tight conduit"))
def energized_in_liquidtight(facts: SiteFacts, context: CheckContext):
    if not facts.energized_conductors:
        return PASS, _(
            "No energized conductors (solar load-side tap, EV charging cable) at the meter."
        )
    if facts.energized_in_liquidtight is None:
        return REVIEW, _(
            "We need to know whether your solar load-side tap or EV charging cable runs in "
            "liquid-tight conduit."
        )
    if not facts.energized_in_liquidtight:
        return FAIL, _(
            "Energized conductors — a solar load-side tap to the A/C disconnect or a 120/240 V EV "
            "charging cable — must run in liquid-tight conduit. Have them enclosed before the "
            "visit."
        )
    return PASS, _("Energized conductors run in liquid-tight conduit.")


@rule("DEVICE_APPROVED", title=_("Device on the Approved Product List"))
def device_approved(facts: SiteFacts, context: CheckContext):
    if facts.request_type == "removal":
        return PASS, NOT_FOR_REMOVAL
    if facts.device is None:
        return FAIL, _("Choose your MSA from the Approved Product List.")
    device = context.device
    if device is None:
        return FAIL, _("The chosen device is not on the Approved Product List.")
    if device.get("status") != "active":
        return FAIL, _(
            "%(device)s is no longer accepted on the Approved Product List. Choose an active "
            "device."
        ) % {"device": device.get("model_name")}
    if facts.request_type and facts.request_type not in device.get("request_types", []):
        return FAIL, _("%(device)s is not approved for this kind of request.") % {
            "device": device.get("model_name")
        }
    return PASS, _("%(maker)s %(device)s is on the Approved Product List.") % {
        "maker": device.get("manufacturer"),
        "device": device.get("model_name"),
    }


@rule("DEVICE_REQUIREMENTS", title=_("Device requirements met at this site"))
def device_requirements(facts: SiteFacts, context: CheckContext):
    if facts.request_type == "removal":
        return PASS, NOT_FOR_REMOVAL
    device = context.device
    if device is None:
        return REVIEW, _(
            "We check the device's own requirements once an approved device is chosen."
        )
    problems, unknown = [], []
    forms = device.get("compatible_socket_forms") or []
    if forms:
        if facts.meter_socket_form is None:
            unknown.append(_("your meter socket's form"))
        elif facts.meter_socket_form.upper() not in [f.upper() for f in forms]:
            problems.append(
                _("it fits socket forms %(forms)s, not %(form)s")
                % {"forms": ", ".join(forms), "form": facts.meter_socket_form}
            )
    ring = device.get("ring_requirement", "any")
    if ring != "any":
        if facts.socket_ring_type in (None, "unknown"):
            unknown.append(_("whether your meter socket is ring-type or ringless"))
        elif facts.socket_ring_type != ring:
            problems.append(
                _("it needs a ring-type meter socket")
                if ring == "ring"
                else _("it needs a ringless meter socket")
            )
    rated = device.get("rated_current_amps")
    if rated and facts.panel_rating_amps and facts.panel_rating_amps > rated:
        problems.append(
            _("it is rated %(rated)s A, below your %(panel)s A panel")
            % {"rated": rated, "panel": facts.panel_rating_amps}
        )
    max_panel = device.get("max_panel_rating_amps")
    if max_panel and facts.panel_rating_amps and facts.panel_rating_amps > max_panel:
        problems.append(_("it allows panels up to %(amps)s A") % {"amps": max_panel})
    max_backfeed = device.get("max_backfeed_amps")
    if max_backfeed is not None and facts.backfeed_amps and facts.backfeed_amps > max_backfeed:
        problems.append(_("it allows back-feed up to %(amps)s A") % {"amps": max_backfeed})
    if problems:
        return FAIL, _("%(device)s does not suit this site: %(problems)s.") % {
            "device": device.get("model_name"),
            "problems": MessageList(tuple(problems), _("; ")),
        }
    if unknown:
        return REVIEW, _("To check %(device)s's requirements we need %(unknown)s.") % {
            "device": device.get("model_name"),
            "unknown": MessageList(tuple(unknown), _(" and ")),
        }
    return PASS, _("This site meets %(device)s's own requirements.") % {
        "device": device.get("model_name")
    }


@rule("NO_ESR_VIOLATION", title=_("No Electric Service Requirement violation"))
def no_esr_violation(facts: SiteFacts, context: CheckContext):
    if facts.esr_violation == "yes":
        return FAIL, _(
            "The meter panel has an Electric Service Requirement violation. It must be corrected "
            "before an MSA can be installed."
        )
    if facts.esr_violation != "none":
        return REVIEW, _(
            "We need to know whether the meter panel has any Electric Service Requirement "
            "violation; staff will check your panel photos."
        )
    return PASS, _("No Electric Service Requirement violation at the meter panel.")


@rule("WATERPROOF_BAG", title=_("MSA left in a waterproof bag by the meter"))
def waterproof_bag(facts: SiteFacts, context: CheckContext):
    if facts.request_type == "removal":
        return PASS, NOT_FOR_REMOVAL
    if facts.waterproof_bag_commitment is None:
        return REVIEW, _(
            "Tell us you will leave the MSA next to the meter panel in a clearly visible "
            "waterproof bag on the day of the visit."
        )
    if not facts.waterproof_bag_commitment:
        return FAIL, _(
            "Confirm that the MSA will be left next to the meter panel in a clearly visible "
            "waterproof bag: without it the technician cannot install it."
        )
    return PASS, _("The MSA will be waiting in a clearly visible waterproof bag by the meter.")


@rule("AUTHORIZATION_ON_FILE", title=_("Customer authorization on file"))
def authorization_on_file(facts: SiteFacts, context: CheckContext):
    if not context.filed_by_contractor:
        return PASS, _("Filed by the customer.")
    if context.authorization_on_file:
        return PASS, _("The customer's signed authorization is on file.")
    if context.authorization_in_review:
        # DESIGN.md §4: an uploaded form is a document staff verify; until then, "review".
        return REVIEW, _("The uploaded Authorization Form waits for staff to check it.")
    return FAIL, _(
        "A contractor filed this request: the customer's signed authorization must be on file."
    )


@rule("METER_RECORD_MATCH", title=_("Account and meter match our records"))
def meter_record_match(facts: SiteFacts, context: CheckContext):
    if not facts.service_account_number or not facts.meter_number:
        return REVIEW, _("We need the service account number and the meter number.")
    if not context.meter_lookup_done:
        return REVIEW, _("Checked against the utility's meter records after you apply.")
    record = context.meter_record
    if record is None:
        return FAIL, _(
            "We could not find meter %(meter)s on service account %(account)s. Check both numbers "
            "on your bill and on the meter."
        ) % {"meter": facts.meter_number, "account": facts.service_account_number}
    mismatches = []
    for name, label in (
        ("meter_self_contained", _("meter type")),
        ("service_phase", _("phases")),
        ("service_wires", _("wires")),
        ("service_voltage", _("voltage")),
        ("panel_rating_amps", _("panel rating")),
    ):
        entered = getattr(facts, name)
        if entered is not None and name in record and record[name] != entered:
            mismatches.append(label)
    if mismatches:
        return REVIEW, _(
            "Our records differ from what you entered for: %(fields)s. Staff will confirm."
        ) % {"fields": MessageList(tuple(mismatches), _(", "))}
    return PASS, _("The account and meter match the utility's records.")


@rule("NO_OPEN_DUPLICATE", title=_("No other open request for this meter"))
def no_open_duplicate(facts: SiteFacts, context: CheckContext):
    if context.open_duplicate is None:
        return REVIEW, _("Checked for other open requests on this meter after you apply.")
    if context.open_duplicate:
        return FAIL, _(
            "There is already an open request for this service account or meter. Follow that one "
            "instead of filing again."
        )
    return PASS, _("No other open request for this meter.")
