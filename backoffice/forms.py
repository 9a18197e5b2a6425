"""The forms of the staff decision pages: what each decision asks of staff."""

from django import forms
from django.utils.translation import gettext_lazy

from enrollment.decisions import MESSAGE_MAX_LENGTH, QUESTION_MAX_LENGTH
from enrollment.models import RejectionReason


class RerunEligibilityForm(forms.Form):
    """Nothing to fill in: the page asks staff to confirm the re-run."""


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note for the record (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )


class RejectForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=gettext_lazy("Reason"), choices=RejectionReason.choices, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=gettext_lazy("Message to the customer"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 70}),
        help_text=gettext_lazy(
            "Shown on the customer's request page with the reason. Say what they can do next."
        ),
    )


class StaffMessageForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Message to the applicant"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 70}),
        help_text=gettext_lazy(
            "Shown on the request's status page and emailed to the customer and the contractor "
            "acting for them. It does not pause the clock; to ask for what the review needs, use "
            "“Ask for information”."
        ),
    )


class AskForInfoForm(forms.Form):
    question = forms.CharField(
        label=gettext_lazy("Question for the applicant"),
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 70}),
        help_text=gettext_lazy(
            "Shown on the request page; the 30-business-day clock pauses until they answer."
        ),
    )
