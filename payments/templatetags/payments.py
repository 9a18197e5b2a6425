from django import template

from ..selectors import payment_panel_for

register = template.Library()


@register.simple_tag
def payment_panel(msa_request) -> dict:
    """What the status page's payments panel shows: {% payment_panel msa_request as panel %}."""
    return payment_panel_for(msa_request=msa_request)
