"""Street addresses: ZIP+4 read as its ZIP, a PO Box told apart, a unit printed once."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# "91770", "91770-1234" or "917701234": the ZIP is the first five digits.
_ZIP_PLUS_FOUR = re.compile(r"^(\d{5})(?:-?\d{4})?$")

# A box at a post office, in the spellings people type: "PO Box 12", "P.O. Box", "P O Box",
# "Post Office Box", "POB 5", "P.O.B.", and Spanish "Apartado Postal", "Apdo. Postal".
_PO_BOX = re.compile(
    r"""(?<![\w.])(?:
        p\.?\s*o\.?\s*box\b
      | p\.?\s*o\.?\s*b\.?(?=[\s\d\#]|$)
      | post\s+office\s+box\b
      | apartado\s+postal\b
      | apdo\.?\s*postal\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# The words that name a unit at the end of a street line ("Apt 4", "Unit 4B", "Ste. 200", "#4",
# Spanish "Depto 3", "Int. 2").
_UNIT_WORD = (
    r"(?:(?:apt|apartment|unit|ste|suite|no|number|rm|room|fl|floor|spc|space|lot|bldg|building"
    r"|dept|depto|departamento|int|interior)\b\.?|\#)"
)
_UNIT_AT_END = re.compile(rf"(?:^|[\s,]){_UNIT_WORD}\s*\#?\s*([\w-]+)\s*$", re.IGNORECASE)
_UNIT_ALONE = re.compile(rf"^(?:{_UNIT_WORD})?\s*\#?\s*([\w-]+)$", re.IGNORECASE)

PO_BOX_REFUSED = _(
    "A technician must visit the meter: enter the street address of the premises, not a PO Box."
)


def zip_five(value: str) -> str:
    """Return the five-digit ZIP of a ZIP or ZIP+4; anything else comes back stripped."""
    value = (value or "").strip()
    match = _ZIP_PLUS_FOUR.match(value)
    return match.group(1) if match else value


def is_po_box(text: str) -> bool:
    """Whether ``text`` names a post office box rather than a place a person can visit."""
    return bool(_PO_BOX.search(text or ""))


def validate_not_po_box(value: str) -> None:
    """Refuse a premises line that names a PO Box (a technician visits the premises)."""
    if is_po_box(value):
        raise ValidationError(PO_BOX_REFUSED, code="po_box")


def _normal(text: str) -> str:
    return re.sub(r"[\s.,]+", " ", text).strip().casefold()


def street_with_unit(street: str, unit: str) -> str:
    """Return the street line with the unit once, even when both name it.

    "12 Main St Apt 4" with the unit "Apt 4", "apt. 4", "#4" or "4" stays "12 Main St Apt 4";
    "12 Main St" with "Apt 4" becomes "12 Main St Apt 4"; a different unit is added.
    """
    street, unit = (street or "").strip(), (unit or "").strip()
    if not unit:
        return street
    if not street:
        return unit
    alone = _UNIT_ALONE.match(unit)
    if alone:
        # One unit named by its number, with or without its word: the street line's own unit.
        in_street = _UNIT_AT_END.search(street)
        if in_street and in_street.group(1).casefold() == alone.group(1).casefold():
            return street
    elif _normal(street) == _normal(unit) or _normal(street).endswith(f" {_normal(unit)}"):
        return street
    return f"{street} {unit}"


def format_address(*, street: str, unit: str, city: str, state: str, zip_code: str) -> str:
    """Return an address on one line: "12 Main St Apt 4, Rosemead, CA 91770"."""
    return ", ".join(
        part
        for part in (street_with_unit(street, unit), city, f"{state} {zip_code}")
        if part.strip()
    )
