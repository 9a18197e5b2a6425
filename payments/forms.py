from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


def dollars_to_cents(amount: Decimal) -> int:
    """Turn a two-decimal dollar amount into integer cents, exactly."""
    return int((amount * 100).to_integral_value())


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to refund (USD)"),
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=_("The full fee, or part of it."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Kept with the refund and quoted in the email to the customer."),
    )


class WaiveFeeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the utility waives this revisit fee"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("For example: the visit failed for a reason on the utility's side."),
    )
