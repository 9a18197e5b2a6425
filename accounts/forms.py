from django import forms
from django.utils.translation import gettext_lazy as _

from common.phones import PhoneFormField

from .models import ContractorCompany, User, cslb_license_validator
from .services import user_complete_signup

BUSINESS_FIELDS = ("role", "company_name", "cslb_license_number", "company_phone")


class SignupForm(forms.Form):
    """Extra sign-up fields, added to allauth's email and password fields.

    Two sign-ups share it (issue 19): a homeowner's (``business=False``, the default at
    ``/accounts/signup/``: name only, the account is a customer's) and a business's
    (``business=True``, ``/accounts/signup/business/``: contractor or device maker, with the
    company's name, licence and phone).
    """

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    role = forms.ChoiceField(
        label=_("I am"),
        choices=[
            (User.Role.CUSTOMER, _("A customer (the account holder at the premises)")),
            (User.Role.CONTRACTOR, _("A contractor, installer or vendor filing for customers")),
            (User.Role.VENDOR, _("A device maker seeking approval of an MSA")),
        ],
        initial=User.Role.CUSTOMER,
        widget=forms.RadioSelect,
    )
    company_name = forms.CharField(
        label=_("Company name"),
        max_length=200,
        required=False,
        help_text=_("Contractors and device makers."),
    )
    cslb_license_number = forms.CharField(
        label=_("CSLB license number"),
        max_length=8,
        required=False,
        validators=[cslb_license_validator],
        help_text=_("Contractors only."),
    )
    company_phone = PhoneFormField(
        label=_("Company phone"),
        required=False,
        help_text=_("Contractors and device makers."),
    )

    def __init__(self, *args, business: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business
        if business:
            self.fields["role"].choices = self.fields["role"].choices[1:]
            self.fields["role"].initial = User.Role.CONTRACTOR
        else:
            for name in BUSINESS_FIELDS:
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == User.Role.CONTRACTOR:
            for name in ("company_name", "cslb_license_number", "company_phone"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Contractors must give this."))
        if cleaned.get("role") == User.Role.VENDOR:
            for name in ("company_name", "company_phone"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Device makers must give this."))
        if cleaned.get("role") in (User.Role.CONTRACTOR, User.Role.VENDOR):
            license_number = cleaned.get("cslb_license_number")
            if (
                license_number
                and ContractorCompany.objects.filter(cslb_license_number=license_number).exists()
            ):
                self.add_error(
                    "cslb_license_number",
                    _("This company is already registered. Ask its administrator to invite you."),
                )
        return cleaned

    def signup(self, request, user):
        user_complete_signup(
            user=user,
            full_name=self.cleaned_data["full_name"],
            role=self.cleaned_data.get("role", User.Role.CUSTOMER),
            company_name=self.cleaned_data.get("company_name", ""),
            cslb_license_number=self.cleaned_data.get("cslb_license_number", ""),
            company_phone=self.cleaned_data.get("company_phone", ""),
        )


class InviteColleagueForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's email"))


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=80, help_text=_("e.g. “Our CRM integration”.")
    )
