"""The public "Am I eligible?" questionnaire: plain questions mapped to the site facts of §4."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import YesNoField

from .models import ApprovedProduct, RequestType
from .questions import COMM_UNKNOWN, HELP_TEXTS, LABELS, comm_cable_facts, comm_cable_field
from .questions import with_drawings as _with_drawings


class EligibilityCheckForm(forms.Form):
    request_type = forms.ChoiceField(
        label=_("What do you want to do?"),
        choices=RequestType.choices,
        initial=RequestType.INSTALL,
        widget=forms.RadioSelect,
    )
    device = forms.ModelChoiceField(
        label=_("Which adapter (MSA)?"),
        queryset=ApprovedProduct.objects.filter(status=ApprovedProduct.Status.ACTIVE),
        required=False,
        empty_label=_("Not chosen yet"),
        help_text=_("Not needed for a removal."),
    )
    # Every question may stay unanswered: no answer is the "don't know" one, listed first.
    residential = YesNoField(
        label=_("Is this a home (residential service)?"),
        unknown=_("I don't know"),
        unknown_first=True,
        required=False,
    )
    meter_self_contained = YesNoField(
        label=LABELS["meter_self_contained"],
        help_text=HELP_TEXTS["meter_self_contained"],
        unknown=_("I don't know"),
        unknown_first=True,
        required=False,
    )
    service_phase = forms.TypedChoiceField(
        label=LABELS["service_phase"],
        choices=[("", _("I don't know")), ("1", _("Single-phase")), ("3", _("Three-phase"))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    service_wires = forms.TypedChoiceField(
        label=LABELS["service_wires"],
        choices=[("", _("I don't know")), ("2", "2"), ("3", "3"), ("4", "4")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    service_voltage = forms.ChoiceField(
        label=LABELS["service_voltage"],
        choices=[
            ("", _("I don't know")),
            ("120/240", "120/240 V"),
            ("120/208", "120/208 V"),
            ("277/480", "277/480 V"),
        ],
        required=False,
    )
    panel_rating_amps = forms.IntegerField(
        label=_("Service panel rating (amps)"),
        min_value=1,
        max_value=10_000,
        required=False,
        help_text=_("Printed on the panel's label or its main breaker."),
    )
    backfeed_amps = forms.IntegerField(
        label=LABELS["backfeed_amps"],
        min_value=0,
        max_value=10_000,
        required=False,
        help_text=HELP_TEXTS["backfeed_amps"],
    )
    meter_socket_form = forms.CharField(
        label=LABELS["meter_socket_form"],
        max_length=10,
        required=False,
        help_text=_('Such as "2S"; leave it empty if you cannot find it.'),
    )
    socket_ring_type = forms.ChoiceField(
        label=LABELS["socket_ring_type"],
        help_text=HELP_TEXTS["socket_ring_type"],
        choices=[
            ("unknown", _("I don't know")),
            ("ring", _("Ring-type (a metal ring holds the meter)")),
            ("ringless", _("Ringless (the cover holds the meter)")),
        ],
        initial="unknown",
        required=False,
    )
    # "I don't know" is chosen until answered; "there is no cable" is an answer of its own.
    comm_cable = comm_cable_field(required=False)
    energized_present = YesNoField(
        label=LABELS["energized_present"],
        help_text=HELP_TEXTS["energized_present"],
        unknown=_("I don't know"),
        unknown_first=True,
        required=False,
    )
    energized_conductors = forms.MultipleChoiceField(
        label=_("Energized conductors at the meter"),
        choices=[
            ("solar_load_side_tap", _("Solar load-side tap to the A/C disconnect")),
            ("ev_charging_cable", _("120/240 V EV charging cable")),
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    energized_in_liquidtight = YesNoField(
        label=LABELS["energized_in_liquidtight"],
        unknown=_("I don't know"),
        unknown_first=True,
        required=False,
    )
    esr_violation = forms.ChoiceField(
        label=LABELS["esr_violation"],
        help_text=HELP_TEXTS["esr_violation"],
        choices=[("unknown", _("I don't know")), ("none", _("No")), ("yes", _("Yes"))],
        initial="unknown",
        required=False,
    )
    # A removal or a replacement: what the technician will take out (engine.APPLIES_TO).
    existing_device_kind = forms.ChoiceField(
        label=_("What is fitted between your meter and its socket now?"),
        choices=[
            ("", _("I don't know")),
            ("gma", _("Generation meter adapter (GMA)")),
            ("msa", _("Meter socket adapter (MSA)")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    existing_device_manufacturer = forms.CharField(
        label=_("Maker"),
        max_length=120,
        required=False,
        help_text=_("As printed on the adapter's label."),
    )
    existing_device_model = forms.CharField(
        label=_("Model"),
        max_length=160,
        required=False,
        help_text=_("As printed on the adapter's label."),
    )
    existing_device_isolating = YesNoField(
        label=_("Is it an isolating adapter?"),
        unknown=_("I don't know"),
        unknown_first=True,
        required=False,
    )
    waterproof_bag_commitment = YesNoField(
        label=_("Will you leave the MSA by the meter in a clearly visible waterproof bag?"),
        unknown=_("Not sure yet"),
        unknown_first=True,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].label_from_instance = lambda p: (
            f"{p.manufacturer} {p.model_name} ({p.get_adapter_type_display()})"
        )
        self.helper = FormHelper()
        self.fields["comm_cable"].initial = COMM_UNKNOWN
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Fieldset(_("Your request"), "request_type", "device"),
            Fieldset(
                _("Your meter and service"),
                *_with_drawings(
                    [
                        "residential",
                        "meter_self_contained",
                        "service_phase",
                        "service_wires",
                        "service_voltage",
                        "panel_rating_amps",
                        "backfeed_amps",
                        "meter_socket_form",
                        "socket_ring_type",
                    ]
                ),
            ),
            Fieldset(
                _("Wiring at the meter"),
                *_with_drawings(
                    [
                        "comm_cable",
                        "energized_present",
                        "energized_conductors",
                        "energized_in_liquidtight",
                        "esr_violation",
                    ]
                ),
            ),
            Fieldset(
                _("At your meter now (only for a removal or a replacement)"),
                "existing_device_kind",
                "existing_device_manufacturer",
                "existing_device_model",
                "existing_device_isolating",
            ),
            Fieldset(_("On the day"), "waterproof_bag_commitment"),
            Submit("check", _("Check my eligibility")),
        )

    def site_facts(self) -> dict:
        """Return the answers under the site-fact names (call after is_valid())."""
        data = dict(self.cleaned_data)
        device = data.pop("device", None)
        data["device"] = device.pk if device else None
        data["energized_conductors"] = list(data.get("energized_conductors") or [])
        data.update(comm_cable_facts(data.pop("comm_cable", "")))
        if data["energized_conductors"]:
            data["energized_present"] = True
        return data


class ProductFilterForm(forms.Form):
    adapter_type = forms.ChoiceField(
        label=_("Type"),
        choices=[("", _("All types")), *ApprovedProduct.AdapterType.choices],
        required=False,
    )
    manufacturer = forms.ChoiceField(label=_("Manufacturer"), choices=[], required=False)

    def __init__(self, *args, manufacturers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manufacturer"].choices = [
            ("", _("All manufacturers")),
            *((m, m) for m in manufacturers),
        ]
