from django import template

from ..selectors import payment_panel_for

register = template.Library()


@register.simple_tag
def payment_panel(application) -> dict:
    """What the status page's payments panel shows: {% payment_panel application as panel %}."""
    return payment_panel_for(application=application)
