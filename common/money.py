"""Money is integer cents everywhere; this is the one place it becomes text."""

from django.utils.formats import number_format


def format_cents(cents: int, *, currency_symbol: str = "$") -> str:
    """Return cents as a locale-formatted amount, e.g. 27922 → "$279.22"."""
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(int(cents)), 100)
    whole = number_format(dollars, decimal_pos=0, use_l10n=True, force_grouping=True)
    decimal_separator = number_format(1.5, decimal_pos=1, use_l10n=True)[1]
    return f"{sign}{currency_symbol}{whole}{decimal_separator}{rest:02d}"
