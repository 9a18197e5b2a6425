"""The MSA program's rules, one function each, in the order the customer reads them.

Each returns ``(result, message)``: the message says what was found and, when something is
wrong or missing, what to do about it. ``_`` is ``common.i18n.Message``: the words stay
English, with their parameters apart, until someone reads them in their own language.
"""

from common.i18n import Message as _  # makemessages collects _("…")
from common.i18n import MessageList

from .engine import CheckContext, Outcome, SiteFacts, normalise_socket_form, normalise_voltage, rule

PASS, FAIL, REVIEW, PENDING = Outcome.PASS, Outcome.FAIL, Outcome.REVIEW, Outcome.PENDING
MAX_PANEL_AMPS = 200
PROGRAM_VOLTAGE = "120/240"
# Which rules run for which request type is the table ``engine.APPLIES_TO``: a rule below is
# only asked about the request types it applies to.


def _voltage(value: str) -> str:
    return normalise_voltage(str(value))


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
    if facts.panel_rating_amps <= 0:
        return REVIEW, _(
            "A service panel rated %(amps)s A is not possible: we need the rating printed on the "
            "panel's label or its main breaker."
        ) % {"amps": facts.panel_rating_amps}
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
    if facts.backfeed_amps < 0 or facts.panel_rating_amps <= 0:
        return REVIEW, _(
            "Back-feed cannot be negative and a panel's rating is more than 0 A: we need the "
            "back-feed in amps (0 if you have none) and the panel's rating."
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
    if facts.comm_cable_present is False:
        return PASS, _("No communication cable at the meter.")
    if facts.comm_cable_in_liquidtight is False:
        return PASS, _("The communication cable is not in liquid-tight conduit.")
    return REVIEW, _(
        "Not known yet whether a communication cable at the meter runs in liquid-tight conduit: "
        "staff will check at review (a photo of the meter helps), and the technician at the visit."
    )


@rule("ENERGIZED_IN_LIQUIDTIGHT", title=_("Energized conductors in liquid-tight conduit"))
def energized_in_liquidtight(facts: SiteFacts, context: CheckContext):
    if not facts.energized_conductors:
        if facts.energized_present is None:
            return REVIEW, _(
                "Not known yet whether solar wiring or an EV charging cable is connected at the "
                "meter: staff will check at review (a photo of the meter helps), and the "
                "technician at the visit."
            )
        return PASS, _(
            "No energized conductors (solar load-side tap, EV charging cable) at the meter."
        )
    if facts.energized_in_liquidtight is None:
        return REVIEW, _(
            "Not known yet whether your solar load-side tap or EV charging cable runs in "
            "liquid-tight conduit: staff will check at review (a photo of the meter helps), and "
            "the technician at the visit."
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
    if facts.device is None:
        return REVIEW, _(
            "We need to know which MSA from the Approved Product List you will have installed."
        )
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
        elif normalise_socket_form(facts.meter_socket_form) not in [
            normalise_socket_form(f) for f in forms
        ]:
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


@rule("EXISTING_DEVICE_DESCRIBED", title=_("The device at the meter now is described"))
def existing_device_described(facts: SiteFacts, context: CheckContext):
    # Removal and replacement only (engine.APPLIES_TO): the technician needs to know what to
    # take out before driving to the site.
    kind = facts.existing_device_kind
    if kind not in ("gma", "msa"):
        return REVIEW, _(
            "We need to know what is at your meter now: a generation meter adapter (GMA) or a "
            "meter socket adapter (MSA)."
        )
    if facts.request_type == "replacement" and kind == "msa":
        return REVIEW, _(
            "A replacement swaps a GMA for an MSA, but you told us an MSA is at the meter now. "
            "Staff will confirm with you whether a removal is what you need."
        )
    missing = []
    if not facts.existing_device_manufacturer:
        missing.append(_("its maker"))
    if not facts.existing_device_model:
        missing.append(_("its model"))
    if kind == "msa" and facts.existing_device_isolating is None:
        missing.append(_("whether it is an isolating adapter"))
    if missing:
        return REVIEW, _(
            "We need to know more about the device at your meter now: %(missing)s."
        ) % {"missing": MessageList(tuple(missing), _(", "))}
    return PASS, _("The device at the meter now: %(kind)s, %(maker)s %(model)s.") % {
        "kind": _("GMA") if kind == "gma" else _("MSA"),
        "maker": facts.existing_device_manufacturer,
        "model": facts.existing_device_model,
    }


@rule("NO_ESR_VIOLATION", title=_("No Electric Service Requirement violation"))
def no_esr_violation(facts: SiteFacts, context: CheckContext):
    if facts.esr_violation == "yes" and facts.request_type == "removal":
        return FAIL, _(
            "The meter panel has an Electric Service Requirement violation. It must be corrected "
            "before the technician can pull the meter to remove the adapter."
        )
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
    if not context.meter_lookup_done:
        # The public pre-check never looks records up (it would reveal who has an account).
        return PENDING, _("Checked against the utility's meter records after you apply.")
    if not facts.service_account_number or not facts.meter_number:
        return REVIEW, _("We need the service account number and the meter number.")
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
        entered, recorded = getattr(facts, name), record.get(name)
        if name == "service_voltage" and isinstance(recorded, str):
            recorded = _voltage(recorded)  # the records are typed by people too: "240/120V"
        if entered is not None and name in record and recorded != entered:
            mismatches.append(label)
    if mismatches:
        return REVIEW, _(
            "Our records differ from what you entered for: %(fields)s. Staff will confirm."
        ) % {"fields": MessageList(tuple(mismatches), _(", "))}
    return PASS, _("The account and meter match the utility's records.")


@rule("NO_OPEN_DUPLICATE", title=_("No other open request for this meter"))
def no_open_duplicate(facts: SiteFacts, context: CheckContext):
    if not context.meter_lookup_done:
        return PENDING, _("Checked for other open requests on this meter after you apply.")
    if context.open_duplicate is None:
        return REVIEW, _(
            "We need the service account number or the meter number to look for other open "
            "requests on this meter."
        )
    if context.open_duplicate:
        return FAIL, _(
            "There is already an open request for this service account or meter. Follow that one "
            "instead of filing again."
        )
    return PASS, _("No other open request for this meter.")
