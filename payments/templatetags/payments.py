from django import template

from ..selectors import open_disputes, payment_panel_for, payments_needing_attention

register = template.Library()


@register.simple_tag
def payment_panel(msa_request) -> dict:
    """What the status page's payments panel shows: {% payment_panel msa_request as panel %}."""
    return payment_panel_for(msa_request=msa_request)


@register.simple_tag
def payments_alerts() -> dict:
    """The admin home page's payments alert: {% payments_alerts as alerts %} (two queries)."""
    return {
        "needing_attention": payments_needing_attention().count(),
        "open_disputes": open_disputes().count(),
    }
