"""Phone numbers: stored in E.164 with any extension, shown in the national format, dialled.

One shape is stored for every phone field (``+16265550100``, and ``+16265550100;ext=12`` when
an extension was given, the RFC 3966 parameter), whatever was typed: ``(626) 555-0100 ext. 12``,
``626.555.0100 x12``, ``+1 626 555 0100``. A number without a country code is read in
``PHONENUMBER_DEFAULT_REGION`` (US). Something that is not a number (``----------``) is refused
with ``PHONE_INVALID``. A value stored before the fields were normalised that does not parse
is kept as it was typed and shown as such.
"""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field import formfields, modelfields
from phonenumber_field.phonenumber import PhoneNumber, to_python
from phonenumber_field.widgets import RegionalPhoneNumberWidget

PHONE_INVALID = _(
    "Enter a phone number such as (626) 555-0100, with its area code; an extension as "
    "(626) 555-0100 ext. 12."
)


def phone_parse(value) -> PhoneNumber | None:
    """Return ``value`` (text or a number) as a valid phone number, or None when it is not one."""
    if isinstance(value, PhoneNumber):
        number = value
    elif not value:
        return None
    else:
        number = to_python(str(value), region=settings.PHONENUMBER_DEFAULT_REGION)
    if not isinstance(number, PhoneNumber) or not number.is_valid():
        return None
    return number


def validate_phone(value) -> None:
    """Refuse a non-empty ``value`` that is not a valid phone number, with ``PHONE_INVALID``."""
    if value and phone_parse(value) is None:
        raise ValidationError(PHONE_INVALID, code="invalid")


def phone_stored(value) -> str:
    """Return the stored shape: E.164, then ``;ext=`` and the extension if there is one.

    A value that is not a valid number comes back as it was typed (stripped).
    """
    number = phone_parse(value)
    if number is None:
        return value.raw_input if isinstance(value, PhoneNumber) else str(value or "").strip()
    stored = number.as_e164
    return f"{stored};ext={number.extension}" if number.extension else stored


def phone_display(value) -> str:
    """Return a number as people read it: ``(626) 555-0100 ext. 12``; abroad, international."""
    number = phone_parse(value)
    if number is None:
        return value.raw_input if isinstance(value, PhoneNumber) else str(value or "")
    if phonenumbers.region_code_for_number(number) == settings.PHONENUMBER_DEFAULT_REGION:
        return number.as_national
    return number.as_international


def phone_tel(value) -> str:
    """Return a ``tel:`` link's target: the E.164 number and its ``;ext=``; "" when not a number."""
    number = phone_parse(value)
    if number is None:
        return ""
    extension = f";ext={number.extension}" if number.extension else ""
    return f"tel:{number.as_e164}{extension}"


class PhoneFormField(formfields.PhoneNumberField):
    """A phone number typed in any usual way, shown back in the national format."""

    default_validators = [validate_phone]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"] = {"invalid": PHONE_INVALID, **kwargs["error_messages"]}
        kwargs.setdefault(
            "widget", RegionalPhoneNumberWidget(attrs={"inputmode": "tel", "autocomplete": "tel"})
        )
        super().__init__(*args, **kwargs)


class PhoneField(modelfields.PhoneNumberField):
    """A phone number stored in E.164 with its extension (the library's E.164 drops it)."""

    default_validators = [validate_phone]

    def get_prep_value(self, value):
        # The library's own step would format in E.164 alone, dropping the extension.
        value = models.CharField.get_prep_value(self, value)
        return phone_stored(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhoneFormField, **kwargs})


def phones_normalise(model, field: str) -> int:
    """Rewrite ``model``'s ``field`` in the stored shape; return how many rows changed.

    For data migrations: a value that is not a phone number is kept as it was typed, so nothing
    is lost; it shows as typed and the form asks for a number the next time it is saved.
    """
    changed = 0
    rows = model.objects.exclude(**{field: ""}).values_list("pk", field)
    for pk, value in rows.iterator():
        stored = phone_stored(value)
        typed = value.raw_input if isinstance(value, PhoneNumber) else value
        if stored != typed:
            changed += model.objects.filter(pk=pk).update(**{field: stored})
    return changed
