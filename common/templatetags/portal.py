from django import template

from common.money import format_cents

register = template.Library()


@register.filter
def cents(value) -> str:
    """Render integer cents as money: {{ 27922|cents }} → $279.22."""
    if value in (None, ""):
        return ""
    return format_cents(int(value))
