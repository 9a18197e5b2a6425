"""The site questions in a homeowner's words, shared by the public pre-check and the wizard.

Each hard question has a plain label, help text saying where to look, and for some a small
drawing (``templates/includes/drawings/<name>.html``, an inline SVG with ``role="img"`` and a
translated ``<title>``). "I don't know" is an answer of its own, never folded into "none": it
cleans to ``None``, which the rules answer ``review`` (staff check at review).
"""

from crispy_forms.layout import HTML, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

# Which drawing shows what to look at for each question (by site-fact name).
DRAWINGS = {
    "meter_self_contained": "meter_panel",
    "meter_socket_form": "meter_face",
    "socket_ring_type": "socket_ring",
    "comm_cable": "conduit",
    "waterproof_bag_commitment": "bagged_msa",
}

LABELS = {
    "meter_self_contained": _("Does your meter plug straight into its box on the wall?"),
    "service_phase": _("How many phases is your service? (the panel's label says 1 PH or 3 PH)"),
    "service_wires": _("How many service wires? (the panel's label says 3 W, for example)"),
    "service_voltage": _("Service voltage (on the panel's label)"),
    "backfeed_amps": _("How many amps can your solar or battery send back? (back-feed)"),
    "meter_socket_form": _("The form printed on your meter's face (such as 2S)"),
    "socket_ring_type": _("Is there a metal ring around the edge of your meter?"),
    "comm_cable": _("Is there a thin data cable (communication cable) at the meter?"),
    "energized_present": _("Is solar wiring or an EV charger cable connected at the meter?"),
    "energized_in_liquidtight": _(
        "Does that wiring run in liquid-tight conduit (flexible, ribbed, plastic-coated)?"
    ),
    "esr_violation": _(
        "Has the utility or an electrician said your meter box needs fixing? (an Electric Service "
        "Requirement violation)"
    ),
}

HELP_TEXTS = {
    "meter_self_contained": _(
        'Most homes: yes. This is called a "self-contained" meter. A meter wired through a '
        "separate cabinet of current transformers (usually on larger buildings) is not."
    ),
    "backfeed_amps": _(
        "The size, in amps, of the breakers your solar panels, battery or generator use in your "
        "panel, added together. Enter 0 if you have none."
    ),
    "socket_ring_type": _(
        "See the drawing: a ring-type socket has a metal ring clamping the meter."
    ),
    "comm_cable": _(
        "A low-voltage cable for data, such as for a battery or an isolating adapter. It must "
        "not run in liquid-tight conduit."
    ),
    "energized_present": _(
        "A solar load-side tap to the A/C disconnect, or a 120/240 V EV charging cable, wired at "
        "the meter. Your installer can tell you."
    ),
    "esr_violation": _(
        "For example a damaged box, a missing cover or too little room around it, noted by the "
        "utility or an electrician. If nobody told you, answer No or I don't know."
    ),
}

COMM_NONE, COMM_ORDINARY, COMM_LIQUIDTIGHT, COMM_UNKNOWN = (
    "none",
    "ordinary",
    "liquidtight",
    "unknown",
)
COMM_CABLE_CHOICES = [
    (COMM_NONE, _("No, there is no communication cable")),
    (COMM_ORDINARY, _("Yes, not in liquid-tight conduit")),
    (COMM_LIQUIDTIGHT, _("Yes, in liquid-tight conduit")),
    (COMM_UNKNOWN, _("I don't know")),
]
# answer → (comm_cable_present, comm_cable_in_liquidtight)
_COMM_FACTS = {
    COMM_NONE: (False, None),
    COMM_ORDINARY: (True, False),
    COMM_LIQUIDTIGHT: (True, True),
    COMM_UNKNOWN: (None, None),
}


def comm_cable_field(*, required: bool) -> forms.ChoiceField:
    """The communication-cable question with four answers: none, yes (two ways), I don't know."""
    return forms.ChoiceField(
        label=LABELS["comm_cable"],
        help_text=HELP_TEXTS["comm_cable"],
        choices=COMM_CABLE_CHOICES,
        widget=forms.RadioSelect,
        required=required,
    )


def comm_cable_facts(answer: str) -> dict:
    """The two site facts an answer to the communication-cable question stands for."""
    present, in_liquidtight = _COMM_FACTS.get(answer or COMM_UNKNOWN, (None, None))
    return {"comm_cable_present": present, "comm_cable_in_liquidtight": in_liquidtight}


def comm_cable_answer(*, present: bool | None, in_liquidtight: bool | None) -> str | None:
    """The answer that stands for saved facts; ``None`` when nothing says there is no cable."""
    if in_liquidtight is not None:
        return COMM_LIQUIDTIGHT if in_liquidtight else COMM_ORDINARY
    if present is False:
        return COMM_NONE
    return None


def drawing(name: str, uid: str) -> HTML:
    """A crispy layout piece that includes drawing ``name``; ``uid`` keeps its ids unique."""
    return HTML(f'{{% include "includes/drawings/{name}.html" with uid="{uid}" %}}')


def with_drawings(field_names, *, prefix: str = "") -> list:
    """The fields in order, each hard one preceded by its drawing."""
    items = []
    for name in field_names:
        if name in DRAWINGS:
            items.append(drawing(DRAWINGS[name], f"{prefix}{name}"))
        items.append(name)
    return items


def question_layout(field_names) -> Layout:
    return Layout(*with_drawings(field_names))
