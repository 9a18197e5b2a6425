from django import template

from common.money import format_cents
from common.phones import phone_display, phone_tel

register = template.Library()


@register.filter
def cents(value) -> str:
    """Render integer cents as money: {{ 27922|cents }} → $279.22."""
    if value in (None, ""):
        return ""
    return format_cents(int(value))


@register.filter
def phone(value) -> str:
    """Render a phone number as people read it: {{ number|phone }} → (626) 555-0100 ext. 12."""
    return phone_display(value)


@register.filter
def tel(value) -> str:
    """Render a phone number as a link's target: {{ number|tel }} → tel:+16265550100;ext=12."""
    return phone_tel(value)
