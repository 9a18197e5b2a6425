"""Forms for the request wizard, the agreement, uploads, answers and cancelling.

Forms only check and clean what a person typed; saving goes through ``enrollment.services``.
"""

import re

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from common.addresses import zip_five
from common.forms import UNKNOWN, YesNoField
from eligibility.models import RequestType
from eligibility.questions import (
    COMM_UNKNOWN,
    HELP_TEXTS,
    LABELS,
    comm_cable_answer,
    comm_cable_facts,
    comm_cable_field,
    question_layout,
)

from .models import (
    Document,
    EnergizedConductor,
    EsrViolation,
    ExistingDeviceKind,
    MeterRecordState,
    Request,
    SocketRingType,
    Status,
)
from .selectors import devices_for

# Spaces and dashes as a bill prints an account number ("8000-000-002"), and the dashes a phone's
# keyboard or a copied text may put instead of a hyphen.
_NUMBER_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]")


class AccountNumberField(forms.CharField):
    """An account number typed as the bill prints it: separators go before any length check."""

    def to_python(self, value):
        return _NUMBER_SEPARATORS.sub("", super().to_python(value))

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if self.max_length is not None:
            # The browser must not cut "8000-000-002" short: leave room for the separators.
            attrs["maxlength"] = str(self.max_length * 2)
        return attrs


class StepForm(forms.ModelForm):
    """A wizard step: crispy renders the fields; the template adds the back/next buttons.

    A step with ``photo_fields`` offers "I'll send a photo of my meter instead", a button that
    posts ``photo_instead`` (the page's template shows it above the questions): pressed, those
    questions may stay blank (their facts stay unknown, a ``review`` for staff), the step's slug
    ``photo_step`` joins the request's ``answers_by_photo`` and the photos step asks for a photo.
    """

    photo_step = ""
    photo_fields: tuple[str, ...] = ()
    # A one-question step answered by pressing one of its answers' buttons
    # (``enrollment/wizard/one_question.html``): "Save and finish later" then posts no answer,
    # and the draft keeps the one it had.
    answered_by_button = ""

    def __init__(self, *args, msa_request: Request, user, **kwargs):
        super().__init__(*args, instance=msa_request, **kwargs)
        self.user = user
        if self.answered_by_button and self.is_bound and "later" in self.data:
            self.fields[self.answered_by_button].required = False
        if self.photo_fields:
            self.fields["photo_instead"] = forms.BooleanField(
                label=_("I can't tell: I'll send a photo of my meter instead"),
                help_text=_(
                    "Skip the questions below and add a photo of your meter, its socket and the "
                    "wiring around it on the Photos step. Staff read the answers from it."
                ),
                required=False,
                initial=self.photo_step in (msa_request.answers_by_photo or []),
            )
            chosen_before = self.fields["photo_instead"].initial
            if self.is_bound and "later" in self.data and chosen_before:
                # The page asks with a button, so "Save and finish later" keeps the choice.
                self.data = self.data.copy()
                self.data["photo_instead"] = "on"
            if self.is_bound and self["photo_instead"].data:
                for name in self.photo_fields:
                    self.fields[name].required = False

    @property
    def helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        # Each hard question after the drawing of what to look at; the photo button is the
        # template's.
        helper.layout = question_layout([name for name in self.fields if name != "photo_instead"])
        return helper

    @property
    def button_question(self):
        """The bound field a one-question step asks with buttons."""
        return self[self.answered_by_button]

    def changes(self) -> dict:
        """The cleaned answers to save on the draft."""
        model_fields = set(self._meta.fields or ())
        data = {
            name: self.cleaned_data[name]
            for name in self.fields
            if name in self.cleaned_data and name in model_fields
        }
        if self.answered_by_button and self.cleaned_data.get(self.answered_by_button) is None:
            data.pop(self.answered_by_button, None)
        if self.photo_fields:
            steps = [s for s in self.instance.answers_by_photo or [] if s != self.photo_step]
            if self.cleaned_data.get("photo_instead"):
                steps.append(self.photo_step)
            data["answers_by_photo"] = steps
        return data


class RequestTypeForm(StepForm):
    request_type = forms.ChoiceField(
        label=_("What would you like the utility to do?"),
        choices=[
            (
                RequestType.INSTALL,
                _("Install an MSA — I have (or will buy) an approved adapter and want it fitted."),
            ),
            (
                RequestType.REMOVAL,
                _(
                    "Remove an MSA or a GMA — take out an adapter already at my meter. Choose this "
                    "too if you only want a generation meter adapter (GMA) removed."
                ),
            ),
            (
                RequestType.REPLACEMENT,
                _(
                    "Replace a GMA with an MSA — swap my generation meter adapter for an "
                    "approved MSA."
                ),
            ),
        ],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Request
        fields = ["request_type"]


class AccountsForm(StepForm):
    class Meta:
        model = Request
        fields = [
            "customer_name",
            "customer_email",
            "customer_phone",
            "service_account_number",
            "customer_account_number",
            "meter_number",
            "rule21_reference",
            "customer_language",
        ]
        field_classes = {
            "service_account_number": AccountNumberField,
            "customer_account_number": AccountNumberField,
        }
        labels = {
            "customer_language": _("Account holder's language for emails and documents"),
            "customer_name": _("Account holder's full name"),
            "customer_email": _("Account holder's email"),
            "customer_phone": _("Phone number for the visit"),
            "rule21_reference": _("Rule 21 interconnection application reference (optional)"),
        }
        help_texts = {
            "service_account_number": _("10 digits starting with 8, on your bill."),
            "customer_account_number": _("12 digits starting with 7, on your bill."),
            "meter_number": _("As printed on the meter's face plate."),
            "rule21_reference": _(
                "Connecting solar or a battery needs its own Rule 21 application. If you have "
                "filed one, its reference helps us."
            ),
        }
        widgets = {
            "service_account_number": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "8XXXXXXXXX"}
            ),
            "customer_account_number": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "7XXXXXXXXXXX"}
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("customer_name", "service_account_number", "customer_account_number"):
            self.fields[name].required = True
        self.fields["meter_number"].required = True
        self.fields["customer_language"].required = False
        if not getattr(self.user, "is_contractor", False):
            # A customer's email is their login's; a contractor types the customer's.
            del self.fields["customer_email"]
            self.fields["customer_language"].label = _("Language for emails and documents")
        else:
            self.fields["customer_email"].required = True

    def clean_customer_language(self):
        # Pre-filled on the page; a post without it keeps what the draft has.
        return self.cleaned_data.get("customer_language") or self.instance.customer_language

    def clean_meter_number(self):
        return self.cleaned_data["meter_number"].strip().upper()


class RecordConfirmForm(StepForm):
    """The meter record's address and service, shown for the customer to confirm.

    Asked with two buttons, each posting its answer (``answered_by_button``).
    """

    answered_by_button = "record_right"

    record_right = YesNoField(
        label=_("Is this your home and its service?"),
        error_messages={"required": _("Tell us whether our records are right.")},
    )

    class Meta:
        model = Request
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        state = self.instance.meter_record_state
        if not self.is_bound and state in (MeterRecordState.CONFIRMED, MeterRecordState.CORRECTED):
            self.initial["record_right"] = state == MeterRecordState.CONFIRMED
        self.fields["record_right"].choices = [
            ("True", _("Yes, this is right")),
            ("False", _("No, something is different: let me correct it")),
        ]

    def changes(self) -> dict:
        right = self.cleaned_data["record_right"]
        if right is None:
            return {}
        state = MeterRecordState.CONFIRMED if right else MeterRecordState.CORRECTED
        return {"meter_record_state": state}


class SafetyForm(StepForm):
    answered_by_button = "life_support"

    life_support = YesNoField(
        label=_("Does anyone at the premises depend on life-support or other medical equipment?"),
        help_text=_(
            "The technician must take the meter out to fit the adapter, which cuts the power for "
            "a short time (usually a few minutes). We flag your visit so the technician contacts "
            "you first."
        ),
    )

    class Meta:
        model = Request
        fields = ["life_support"]


class PremisesForm(StepForm):
    # A ZIP+4 (91770-1234) is accepted as typed; the request keeps its first five digits.
    premises_zip = forms.CharField(
        label=_("ZIP code"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code", "maxlength": 10}
        ),
    )

    class Meta:
        model = Request
        fields = ["premises_street", "premises_unit", "premises_city", "premises_zip"]
        labels = {"premises_unit": _("Apartment, unit (optional)")}
        widgets = {
            "premises_street": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "premises_unit": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "premises_city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("premises_street", "premises_city", "premises_zip"):
            self.fields[name].required = True

    def clean_premises_zip(self):
        value = zip_five(self.cleaned_data["premises_zip"])
        # California ZIP codes run from 90001 to 96162.
        if value.isdigit() and len(value) == 5 and not 90000 <= int(value) <= 96199:
            raise forms.ValidationError(
                _(
                    "The program serves premises in California: a California ZIP code starts "
                    "with 90 to 96."
                )
            )
        return value


VOLTAGES = [
    ("120/240", "120/240 V"),
    ("120/208", "120/208 V"),
    ("277/480", "277/480 V"),
    ("240", "240 V"),
]


def _number_or_unknown(value: str) -> int | None:
    """A radio answer as a number, "I don't know" as None (an unknown fact: staff check it)."""
    return None if value == UNKNOWN else int(value)


def _text_or_unknown(value: str) -> str:
    """A radio answer as text, "I don't know" as blank (an unknown fact: staff check it)."""
    return "" if value == UNKNOWN else value


class MeterForm(StepForm):
    photo_step = "meter"
    photo_fields = (
        "meter_self_contained",
        "service_phase",
        "service_wires",
        "service_voltage",
        "panel_rating_amps",
    )

    residential = YesNoField(label=_("Is this a home (residential service)?"))
    meter_self_contained = YesNoField(
        label=LABELS["meter_self_contained"],
        help_text=HELP_TEXTS["meter_self_contained"],
        unknown=_("I don't know"),
    )
    service_phase = forms.TypedChoiceField(
        label=LABELS["service_phase"],
        choices=[
            (1, _("Single-phase (most homes)")),
            (3, _("Three-phase")),
            (UNKNOWN, _("I don't know")),
        ],
        coerce=_number_or_unknown,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    service_wires = forms.TypedChoiceField(
        label=LABELS["service_wires"],
        choices=[(2, "2"), (3, _("3 (most homes)")), (4, "4"), (UNKNOWN, _("I don't know"))],
        coerce=_number_or_unknown,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    service_voltage = forms.TypedChoiceField(
        label=LABELS["service_voltage"],
        choices=[*VOLTAGES, (UNKNOWN, _("I don't know"))],
        coerce=_text_or_unknown,
        empty_value="",
    )
    panel_rating_amps = forms.IntegerField(
        label=_("Service panel rating (amps)"),
        min_value=1,
        max_value=4000,
        help_text=_("Printed on the panel's label or its main breaker, e.g. 100, 125 or 200."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = Request
        fields = [
            "residential",
            "meter_self_contained",
            "service_phase",
            "service_wires",
            "service_voltage",
            "panel_rating_amps",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "I don't know" is only a remembered answer once the step was saved before.
        saved = self.instance.residential is not None and not self.is_bound
        if saved and self.instance.meter_self_contained is None:
            self.initial["meter_self_contained"] = UNKNOWN
        if saved:
            for name in ("service_phase", "service_wires", "service_voltage"):
                if getattr(self.instance, name) in (None, ""):
                    self.initial[name] = UNKNOWN


class WiringForm(StepForm):
    photo_step = "wiring"
    photo_fields = ("backfeed_amps", "comm_cable", "energized_present")
    field_order = [
        "backfeed_amps",
        "comm_cable",
        "energized_present",
        "energized_conductors",
        "energized_in_liquidtight",
    ]

    backfeed_amps = forms.IntegerField(
        label=LABELS["backfeed_amps"],
        min_value=0,
        max_value=4000,
        help_text=HELP_TEXTS["backfeed_amps"],
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    # Four answers: no cable, a cable in or out of liquid-tight conduit, and "I don't know".
    comm_cable = comm_cable_field(required=True)
    energized_present = YesNoField(
        label=LABELS["energized_present"],
        help_text=HELP_TEXTS["energized_present"],
        unknown=_("I don't know"),
    )
    energized_conductors = forms.MultipleChoiceField(
        label=_("If yes, which? (tick all that apply)"),
        choices=EnergizedConductor.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    energized_in_liquidtight = YesNoField(
        label=LABELS["energized_in_liquidtight"],
        help_text=_("Energized conductors MUST be covered by liquid-tight conduit."),
        unknown=_("I don't know"),
        required=False,
    )

    class Meta:
        model = Request
        fields = [
            "backfeed_amps",
            "energized_present",
            "energized_conductors",
            "energized_in_liquidtight",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "I don't know" is only a remembered answer once the step was saved before; before that
        # no answer is chosen, so "none" is never said for the customer.
        saved = (
            self.instance.backfeed_amps is not None
            or self.photo_step in (self.instance.answers_by_photo or [])
        ) and not self.is_bound
        if saved:
            answer = comm_cable_answer(
                present=self.instance.comm_cable_present,
                in_liquidtight=self.instance.comm_cable_in_liquidtight,
            )
            self.initial["comm_cable"] = answer or COMM_UNKNOWN
            for name in ("energized_present", "energized_in_liquidtight"):
                if getattr(self.instance, name) is None:
                    self.initial[name] = UNKNOWN

    def clean(self):
        data = super().clean()
        conductors = data.get("energized_conductors") or []
        if conductors:
            data["energized_present"] = True
            if not self["energized_in_liquidtight"].data:
                self.add_error(
                    "energized_in_liquidtight",
                    _(
                        "You ticked energized wiring: tell us whether it is in liquid-tight "
                        "conduit, or answer I don't know."
                    ),
                )
        else:
            if data.get("energized_present"):
                self.add_error(
                    "energized_conductors",
                    _("Tick the wiring that is at the meter, or answer I don't know."),
                )
            data["energized_in_liquidtight"] = None
        return data

    def changes(self) -> dict:
        return {**super().changes(), **comm_cable_facts(self.cleaned_data.get("comm_cable"))}


SOCKET_FORMS = [
    ("2S", _("2S (most homes)")),
    ("1S", "1S"),
    ("12S", "12S"),
    ("16S", "16S"),
    ("", _("I don't know")),
]


class SocketForm(StepForm):
    photo_step = "socket"
    photo_fields = ("meter_socket_form", "socket_ring_type", "esr_violation")

    meter_socket_form = forms.ChoiceField(
        label=LABELS["meter_socket_form"],
        choices=SOCKET_FORMS,
        required=False,
        help_text=_('Printed on the meter\'s face plate (e.g. "FM 2S").'),
    )
    socket_ring_type = forms.ChoiceField(
        label=LABELS["socket_ring_type"],
        help_text=HELP_TEXTS["socket_ring_type"],
        choices=SocketRingType.choices,
        widget=forms.RadioSelect,
    )
    esr_violation = forms.ChoiceField(
        label=LABELS["esr_violation"],
        help_text=HELP_TEXTS["esr_violation"],
        choices=EsrViolation.choices,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Request
        fields = ["meter_socket_form", "socket_ring_type", "esr_violation"]


class ExistingDeviceForm(StepForm):
    """Removal and replacement: what the technician will take out of the meter socket."""

    existing_device_kind = forms.ChoiceField(
        label=_("What is fitted between your meter and its socket now?"),
        choices=ExistingDeviceKind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A generation meter adapter (GMA) or a meter socket adapter (MSA). The label on the "
            "adapter, or the contractor who fitted it, can tell you."
        ),
    )
    existing_device_manufacturer = forms.CharField(
        label=_("Maker"), max_length=120, help_text=_("As printed on the adapter's label.")
    )
    existing_device_model = forms.CharField(
        label=_("Model"), max_length=160, help_text=_("As printed on the adapter's label.")
    )
    existing_device_isolating = YesNoField(
        label=_("Is it an isolating adapter?"),
        help_text=_(
            "An isolating adapter can disconnect your home from the grid and switch to backup "
            "power, such as a battery."
        ),
        unknown=_("I don't know"),
    )

    class Meta:
        model = Request
        fields = [
            "existing_device_kind",
            "existing_device_manufacturer",
            "existing_device_model",
            "existing_device_isolating",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "I don't know" is only a remembered answer once the step was saved before.
        saved = self.instance.existing_device_kind and not self.is_bound
        if saved and self.instance.existing_device_isolating is None:
            self.initial["existing_device_isolating"] = "none"

    def clean_existing_device_manufacturer(self):
        return " ".join(self.cleaned_data["existing_device_manufacturer"].split())

    def clean_existing_device_model(self):
        return " ".join(self.cleaned_data["existing_device_model"].split())


class DeviceForm(StepForm):
    device = forms.ModelChoiceField(
        label=_("Your MSA"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose the device you bought or will buy.")},
    )

    class Meta:
        model = Request
        fields = ["device"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = devices_for(self.instance.request_type)


class PreparationForm(StepForm):
    waterproof_bag_commitment = forms.BooleanField(
        label=_(
            "Before the visit I will leave the MSA in a clearly visible waterproof bag next to "
            "the meter panel."
        ),
        error_messages={
            "required": _("The technician can only install a device left ready in its bag.")
        },
    )

    class Meta:
        model = Request
        fields = ["waterproof_bag_commitment"]


# What a phone's camera saves (HEIC on an iPhone, WebP on some Android phones) as well as JPEG
# and PNG: the server converts the first two kinds to JPEG.
PHOTO_ACCEPT = "image/jpeg,image/png,image/heic,image/heif,image/webp"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": PHOTO_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class InPageForm(forms.Form):
    """A form the page's template wraps in its own ``<form>`` tag and CSRF token; crispy
    renders the fields only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class PhotosForm(forms.Form):
    photos = MultipleFileField(
        label=_("Photos of your meter panel (optional)"),
        required=False,
        help_text=_(
            "Photos straight from your phone (JPEG, PNG, HEIC or WebP). A clear photo of the "
            "meter, the socket and the panel label helps."
        ),
    )
    authorization_form = forms.FileField(
        label=_("The customer's signed Authorization Form (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        help_text=_("Needed when a contractor files for the customer."),
    )

    def __init__(self, *args, msa_request: Request, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        if not msa_request.contractor_company_id:
            del self.fields["authorization_form"]
        # Questions left to a meter photo ("send a photo instead") need one on file.
        self.photo_needed = bool(msa_request.answers_by_photo) and not (
            msa_request.documents.filter(kind=Document.Kind.METER_PANEL_PHOTO).exists()
        )
        if self.photo_needed:
            photos = self.fields["photos"]
            photos.label = _("A photo of your meter")
            photos.help_text = _(
                "You chose to send a photo instead of answering some questions: add a clear photo "
                "of the meter, its socket and the wiring around it (JPEG, PNG, HEIC or WebP)."
            )

    def clean_photos(self):
        photos = self.cleaned_data["photos"]
        # "Save and finish later" keeps the draft without the photo: it is asked for again.
        if self.photo_needed and not photos and "later" not in self.data:
            raise forms.ValidationError(
                _(
                    "Add a photo of your meter: you chose to send one instead of answering some "
                    "questions. Or go back and answer them."
                )
            )
        return photos


class SignForm(InPageForm):
    signer_name = forms.CharField(
        label=_("Type your full name to sign"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the Customer Agreement above and agree to it. I understand that typing "
            "my name is my electronic signature."
        ),
        error_messages={"required": _("Tick the box to confirm you agree.")},
    )
    shown_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)


class AnswerForm(InPageForm):
    answer = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    attachment = forms.FileField(
        label=_("Attach a photo or PDF (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": f"{PHOTO_ACCEPT},application/pdf"}),
    )

    def clean(self):
        data = super().clean()
        if not (data.get("answer") or "").strip() and not data.get("attachment"):
            raise forms.ValidationError(_("Write an answer or attach a file."))
        return data


class MessageForm(InPageForm):
    """A message to staff (or, in the admin, to the applicant) about one request."""

    body = forms.CharField(
        label=_("Your message"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("We answer here and by email."),
    )


class AddDocumentForm(InPageForm):
    """A file added after submission: a photo of the meter or panel, or a PDF staff asked for."""

    file = forms.FileField(
        label=_("Add a photo or a PDF"),
        widget=forms.ClearableFileInput(attrs={"accept": f"{PHOTO_ACCEPT},application/pdf"}),
        help_text=_("Photos straight from your phone are fine (JPG, PNG, HEIC, WebP)."),
    )


class CancelForm(InPageForm):
    reason = forms.CharField(
        label=_("Why are you cancelling? (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AuthorizationSignForm(SignForm):
    """The customer's signature on the authorization, through the emailed link."""

    consent = forms.BooleanField(
        label=_(
            "I am the customer named above. I have read the Customer Agreement, including its "
            "Authorization section, and I authorize the contractor named in it to file this "
            "request and be my designated primary contact. Typing my name is my electronic "
            "signature."
        ),
        error_messages={"required": _("Tick the box to confirm you agree.")},
    )


class RevokeAuthorizationForm(InPageForm):
    confirm = forms.BooleanField(
        label=_(
            "I revoke the contractor's authorization: they will no longer see this request or "
            "receive emails about it."
        ),
        error_messages={"required": _("Tick the box to confirm.")},
    )


class CompanyRequestFilterForm(forms.Form):
    """The dashboard's filters; anything unexpected is ignored rather than an error."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("Customer name, address or account number"), "type": "search"}
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Status.choices]
    )
    request_type = forms.ChoiceField(
        label=_("Request type"),
        required=False,
        choices=[("", _("All types")), *RequestType.choices],
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)

    def filters(self) -> dict:
        """The cleaned filters (empty when the form is invalid, so a bad URL shows everything)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "status": data["status"],
            "request_type": data["request_type"],
            "query": data["q"],
            "sort": data["sort"] or "-updated",
        }


class EsignConsentForm(InPageForm):
    """Consent to electronic records, after the disclosure (``enrollment.consent``)."""

    agree = forms.BooleanField(
        label=_(
            "I have read the disclosure above. I consent to receive and sign this request's "
            "records electronically, and I can open and keep PDF files and emails."
        ),
        error_messages={"required": _("Tick the box to consent, or ask for paper instead.")},
    )
    shown_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)


class PaperCopyForm(forms.Form):
    """Asking for the records on paper: where to mail them (blank: the premises)."""

    mailing_address = forms.CharField(
        label=_("Mailing address (leave blank to use the premises address)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"}),
    )
