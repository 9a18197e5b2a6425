from datetime import date

from django import forms
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enrollment.models import Request, Status

from .models import AppointmentWindow, FailureCode


class PickWindowForm(forms.Form):
    """The customer's choice among the windows offered to them."""

    offer = forms.ChoiceField(label=_("Visit window"), widget=forms.RadioSelect)

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.offers = {offer.value: offer for offer in offers}
        self.fields["offer"].choices = [
            (
                offer.value,
                _("%(day)s, between %(start)s and %(end)s")
                % {
                    "day": date_format(offer.day, gettext("l, F j")),
                    "start": time_format(offer.starts_at, gettext("g:i A")),
                    "end": time_format(offer.ends_at, gettext("g:i A")),
                },
            )
            for offer in offers
        ]

    def chosen(self) -> tuple[int, date]:
        offer = self.offers[self.cleaned_data["offer"]]
        return offer.window_id, offer.day


class OutcomeForm(forms.Form):
    """What the technician found: done, or not done and why."""

    completed = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("1", _("Completed")), ("0", _("Not completed"))],
        coerce=lambda value: value == "1",
    )
    failure_code = forms.ChoiceField(
        label=_("Reason (when not completed)"),
        choices=[("", "---------"), *FailureCode.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    utility_fault = forms.BooleanField(label=_("The utility's fault (no new fee)"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("completed") is False and not data.get("failure_code"):
            self.add_error("failure_code", _("Choose why the visit could not be completed."))
        return data


class AssignVisitForm(forms.Form):
    """Staff: book or move a request's visit to a window on a day."""

    # Typed in by number: a drop-down of every approved request would not scale.
    msa_request = forms.ModelChoiceField(
        label=_("Request number"),
        queryset=Request.objects.filter(status__in=[Status.APPROVED, Status.SCHEDULED]),
        widget=forms.TextInput,
        help_text=_("The number in MSA-000123 (without the leading zeros)."),
    )
    window = forms.ModelChoiceField(
        label=_("Technician and window"),
        queryset=AppointmentWindow.objects.select_related("technician").filter(
            technician__is_active=True
        ),
    )
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window"].label_from_instance = lambda w: f"{w.technician} · {w}"
